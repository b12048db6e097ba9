"""The knowledge base: articles HR writes, how they are stored, imported and searched."""

# Articles reach Rasa as the retrieval intent `faq/<article id>`.
RETRIEVAL_INTENT = "faq"
