"""Thin rasa-sdk actions: each reads the tracker, calls one bot.* function, replies."""
