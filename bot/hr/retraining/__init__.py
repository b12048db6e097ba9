"""Training models from the knowledge base, checking them on the held-out gate,
and putting them live on every Rasa process."""
