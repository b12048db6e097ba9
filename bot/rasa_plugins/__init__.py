"""What Rasa loads by name: the training-data importer (config.yml), the language
NLU component (config.yml), the model-reload connector (credentials.yml) and our
fixes to Rasa itself (installed by that connector in every Rasa server)."""
