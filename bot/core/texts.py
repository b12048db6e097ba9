"""Every sentence the assistant's code says to a candidate, in French and English.

One entry per sentence, keyed by a name; `text(key, language, **values)` fills it
in. (Answers come from the knowledge base, the domain's responses from domain.yml.)
The validators' problems, by code, are in problem_texts.py: `problem_text(problem,
language)` words one for its reader.
"""

from __future__ import annotations

from bot.core.problem_texts import Problem, problem_text

TEXTS = {
    "slow_down": {
        "fr": "Vous allez un peu vite pour moi : patientez {seconds} secondes avant de "
        "réessayer. Rien de ce que vous avez écrit avant n'est perdu.",
        "en": "That's a little fast for me: please wait {seconds} seconds before trying "
        "again. Nothing you wrote before is lost.",
    },
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
    # Refusals of the callback form and of thumbs up/down (bot.handoff.callbacks,
    # bot.candidate.feedback): each key is the problem code the refusal carries.
    "callback_not_an_object": {
        "fr": "La demande doit contenir votre nom, votre adresse e-mail et votre question.",
        "en": "The request must contain your name, e-mail address and question.",
    },
    "callback_name_required": {
        "fr": "Indiquez votre nom.",
        "en": "Please give your name.",
    },
    "callback_name_too_long": {
        "fr": "Votre nom doit faire au plus {maximum} caractères.",
        "en": "Your name must be at most {maximum} characters long.",
    },
    "callback_name_control_characters": {
        "fr": "Votre nom doit tenir sur une ligne, sans caractères invisibles.",
        "en": "Your name must fit on one line, without invisible characters.",
    },
    "callback_email_invalid": {
        "fr": "Cette adresse e-mail n'est pas valide.",
        "en": "This e-mail address is not valid.",
    },
    "callback_question_required": {
        "fr": "Écrivez votre question.",
        "en": "Please write your question.",
    },
    "callback_question_too_long": {
        "fr": "Votre question doit faire au plus {maximum} caractères.",
        "en": "Your question must be at most {maximum} characters long.",
    },
    "callback_question_control_characters": {
        "fr": "Votre question contient des caractères invisibles : retirez-les, s'il vous plaît.",
        "en": "Your question contains invisible characters: please remove them.",
    },
    "callback_consent_required": {
        "fr": "Cochez la case pour que nous puissions garder vos coordonnées.",
        "en": "Please tick the box so we may keep your details.",
    },
    "callback_not_offered": {
        "fr": "Je ne peux transmettre une demande de réponse par e-mail qu'après vous l'avoir "
        "proposée. Demandez à parler à un recruteur et je vous dirai ce qui est possible.",
        "en": "I can only pass on a request for an e-mail answer after offering it to you. "
        "Ask to talk to a recruiter and I'll tell you what is possible.",
    },
    "callback_already_requested": {
        "fr": "Votre demande est déjà entre les mains de l'équipe recrutement : un recruteur "
        "vous répondra par e-mail, inutile de la renvoyer. Je reste à votre disposition.",
        "en": "Your request is already with the recruiting team: a recruiter will answer you "
        "by e-mail, no need to send it again. I'm happy to answer anything else.",
    },
    "feedback_invalid": {
        "fr": "Cet avis n'a pas pu être enregistré : il faut un pouce levé ou baissé sur "
        "une réponse.",
        "en": "This rating could not be saved: it must be a thumbs up or down on an answer.",
    },
    "feedback_not_answered": {
        "fr": "Je ne peux enregistrer votre avis que sur une réponse que je vous ai donnée "
        "dans cette conversation.",
        "en": "I can only save your rating for an answer I gave you in this conversation.",
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
