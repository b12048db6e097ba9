"""Ardoise assistant: everything that is not Rasa glue."""
