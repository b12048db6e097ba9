"""Every sentence the assistant's code says to a candidate, in French and English.

One entry per sentence, keyed by a name; `text(key, language, **values)` fills it
in. (Answers come from the knowledge base, the domain's responses from domain.yml.)
The validators' problems, by code, are in problem_texts.py: `problem_text(problem,
language)` words one for its reader.
"""

from __future__ import annotations

from bot.core.problem_texts import Problem, problem_text

TEXTS = {
    "queued_named": {
        "fr": "Je vous mets en relation avec {name}, de l'équipe recrutement. Attente estimée : "
        "environ {minutes} min. Je ne réponds plus pendant ce temps : écrivez ici, {name} lira "
        "tout ce que vous avez déjà dit.",
        "en": "I'm connecting you with {name} from the recruiting team. Estimated wait: about "
        "{minutes} min. I'll stay quiet meanwhile: write here, {name} will see everything "
        "you've said so far.",
    },
    "queued": {
        "fr": "Je vous mets en relation avec une personne de l'équipe recrutement. Attente "
        "estimée : environ {minutes} min. Je ne réponds plus pendant ce temps : écrivez ici, "
        "le recruteur lira tout ce que vous avez déjà dit.",
        "en": "I'm connecting you with someone from the recruiting team. Estimated wait: about "
        "{minutes} min. I'll stay quiet meanwhile: write here, the recruiter will see "
        "everything you've said so far.",
    },
    "unavailable": {
        "fr": "Personne de l'équipe recrutement n'est disponible en direct pour le moment "
        "(du lundi au vendredi, de 9 h à 18 h, heure de Paris). Voulez-vous qu'un recruteur "
        "vous réponde par e-mail ? Sinon, je reste à votre disposition.",
        "en": "Nobody from the recruiting team is available live right now (Monday to Friday, "
        "9:00 to 18:00, Paris time). Would you like a recruiter to answer you by e-mail? "
        "Otherwise, I'm happy to answer anything else.",
    },
    "claimed": {
        "fr": "{name} (recrutement) a rejoint la conversation.",
        "en": "{name} (recruiter) joined the conversation.",
    },
    "returned": {
        "fr": "{name} (recrutement) a quitté la conversation. L'assistant reprend : posez-moi "
        "vos questions.",
        "en": "{name} (recruiter) left the conversation. The assistant is back: ask me anything.",
    },
    "closed": {
        "fr": "{name} (recrutement) a clos l'échange. Merci ! L'assistant reste disponible si "
        "vous avez d'autres questions.",
        "en": "{name} (recruiter) closed the conversation. Thank you! The assistant is still "
        "here if you have more questions.",
    },
    "timeout": {
        "fr": "Désolé, aucun recruteur n'a pu vous rejoindre à temps. Voulez-vous qu'un "
        "recruteur vous réponde par e-mail ? Sinon, je reste à votre disposition.",
        "en": "Sorry, no recruiter could join in time. Would you like a recruiter to answer "
        "you by e-mail? Otherwise, I'm still here for your questions.",
    },
    "callback_confirmed": {
        "fr": "C'est noté : un recruteur vous répondra par e-mail d'ici le {day}. Merci ! "
        "En attendant, je reste à votre disposition.",
        "en": "Done: a recruiter will answer you by e-mail by {day}. Thank you! Meanwhile, I'm "
        "happy to answer anything else.",
    },
    "apology": {
        "fr": "Désolé, je rencontre un problème technique. Pouvez-vous réessayer dans un instant ?",
        "en": "Sorry, I'm having a technical problem. Could you try again in a moment?",
    },
}


def text(key: str, language: str, **values: object) -> str:
    """The sentence `key` in `language` (French when the language has none), filled in."""
    variants = TEXTS[key]
    return variants.get(language, variants["fr"]).format(**values)


__all__ = ["TEXTS", "Problem", "problem_text", "text"]
