"""spaCy's French tokens without its pipes (bot/rasa_plugins/french_tokens.py)."""

from __future__ import annotations

from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message

from bot.rasa_plugins.french_tokens import FrenchTokenizer, tokenizer_of


def test_french_rules_cut_elisions_and_keep_offsets():
    tokenizer = FrenchTokenizer(FrenchTokenizer.get_default_config())
    text = "l'équipe d'aujourd'hui, c'est quoi le TT ?"
    tokens = tokenizer.tokenize(Message.build(text=text), TEXT)
    assert [t.text for t in tokens] == [
        "l'",
        "équipe",
        "d'",
        "aujourd'hui",
        ",",
        "c'",
        "est",
        "quoi",
        "le",
        "TT",
        "?",
    ]
    assert all(text[t.start : t.end] == t.text for t in tokens)


def test_no_pipe_is_loaded_and_the_model_is_loaded_once():
    assert tokenizer_of("fr_core_news_md").pipe_names == []
    first = FrenchTokenizer(FrenchTokenizer.get_default_config())
    second = FrenchTokenizer(FrenchTokenizer.get_default_config())
    assert first.nlp is second.nlp  # a model swap does not load spaCy again


def test_empty_and_blank_texts_have_no_tokens():
    tokenizer = FrenchTokenizer(FrenchTokenizer.get_default_config())
    for text in ("", "   \n"):
        assert tokenizer.tokenize(Message.build(text=text), TEXT) == []
    message = Message.build(text="bonjour")
    tokenizer.process([message])
    assert [t.text for t in message.get("text_tokens")] == ["bonjour"]
