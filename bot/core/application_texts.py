"""What the assistant says about applying from the chat, in French and English (issue 14):
the form, the confirmation (in the chat and by e-mail), why an application was refused,
and the recruiters' notice. The next step and the reply time come from the company's
hiring process (a 30-minute call with a recruiter; an answer after each step within
5 working days)."""

from __future__ import annotations

REPLY_WORKING_DAYS = 5

# Words (folded) of a wish to apply, and of a question about an application already
# sent: a message with the first and none of the second asks to apply, whatever the
# model read ("je voudrais postuler à l'offre SRE que j'ai vue").
APPLY_WORDS = (
    "postuler",
    "postule",
    "candidater",
    "deposer ma candidature",
    "envoyer ma candidature",
    "envoyer mon cv",
    "transmettre mon cv",
    "apply",
    "applying",
    "send my cv",
    "send you my cv",
    "send my resume",
    "submit my application",
)
# Words (folded) of a message about an application ("où en est ma candidature ?").
APPLICATION_WORDS = ("candidature", "postule", "application", "applied")
# Saying one is sending one's application now: the form, even where the model read a
# question about applying (an article would only tell how).
SENDING_WORDS = (
    "envoyer mon cv",
    "transmettre mon cv",
    "envoyer ma candidature",
    "deposer ma candidature",
    "send my cv",
    "send you my cv",
    "send my resume",
    "send you my resume",
    "submit my application",
)
STATUS_WORDS = (
    "ou en est",
    "nouvelles",
    "statut",
    "retenue",
    "refus",
    "retirer",
    "status",
    "news",
    "heard back",
    "rejected",
    "withdraw",
    "reviewed",
    "deja postule",
    "ai postule",
    "already applied",
    "applied",
)

APPLICATION_TEXTS: dict[str, dict[str, str]] = {
    "apply_form": {
        "fr": "Postuler prend deux minutes, sans compte à créer : votre nom, votre e-mail, le "
        "poste, et votre CV (PDF ou Word, 5 Mo au plus) ou un lien vers votre profil LinkedIn "
        "ou votre portfolio.",
        "en": "Applying takes two minutes, no account needed: your name, your e-mail, the "
        "position, and your CV (PDF or Word, 5 MB at most) or a link to your LinkedIn profile "
        "or portfolio.",
    },
    "apply_button": {"fr": "Postuler à ce poste", "en": "Apply for this position"},
    "apply_no_position": {
        "fr": "Aucun poste n'est ouvert en ce moment, je ne peux donc pas prendre de "
        "candidature. Un recruteur peut en parler avec vous : voulez-vous que je vous mette en "
        "relation ?",
        "en": "No position is open right now, so I can't take an application. A recruiter "
        "can talk it over with you: shall I put you in touch?",
    },
    "application_consent": {
        "fr": "J'accepte qu'Ardoise Labs conserve ma candidature (nom, e-mail, poste, CV ou "
        "lien, message) pour l'étudier et me recontacter à son sujet, {days} jours au plus, "
        "et je sais que je peux demander à tout moment qu'elle soit effacée.",
        "en": "I agree that Ardoise Labs keeps my application (name, e-mail, position, CV or "
        "link, message) to review it and contact me about it, for {days} days at most, and I "
        "know I can ask for it to be deleted at any time.",
    },
    "application_received": {
        "fr": "Merci {first_name} ! Votre candidature au poste « {job} » est bien reçue. "
        "Prochaine étape : un appel de 30 minutes avec un recruteur. Vous aurez une réponse "
        "sous {days} jours ouvrés, d'ici le {date}. Un e-mail de confirmation part à {email}.",
        "en": 'Thank you {first_name}! Your application for "{job}" has been received. '
        "Next step: a 30-minute call with a recruiter. You will hear from us within {days} "
        "working days, by {date}. A confirmation e-mail is on its way to {email}.",
    },
    "application_invalid": {
        "fr": "{problem} Rien n'est enregistré pour l'instant : corrigez ce point et renvoyez "
        "le formulaire.",
        "en": "{problem} Nothing has been saved yet: fix this and send the form again.",
    },
    "application_status": {
        "fr": "Vous avez postulé au poste « {job} » le {date}. Je ne vois pas où en est son "
        "examen : un recruteur peut vous le dire. Voulez-vous que je vous mette en relation ?",
        "en": 'You applied for "{job}" on {date}. I can\'t see how its review is going: a '
        "recruiter can tell you. Shall I put you in touch?",
    },
    "application_email_subject": {
        "fr": "Votre candidature chez Ardoise Labs : {job}",
        "en": "Your application to Ardoise Labs: {job}",
    },
    "application_email_body": {
        "fr": "Bonjour {first_name},\n\nNous avons bien reçu votre candidature au poste "
        "« {job} », le {received}.\n\nLa suite : un appel de 30 minutes avec un recruteur. "
        "Vous aurez une réponse sous {days} jours ouvrés, d'ici le {date}.\n\n"
        "Ce que nous avons reçu : {what}.\n\nNous conservons votre candidature {retention} "
        "jours au plus, pour l'étudier et vous recontacter à son sujet. Pour la faire "
        "effacer, avec votre CV, en un clic : {erase}\n\n"
        "L'équipe recrutement d'Ardoise Labs",
        "en": 'Hello {first_name},\n\nWe have received your application for "{job}", on '
        "{received}.\n\nWhat comes next: a 30-minute call with a recruiter. You will hear "
        "from us within {days} working days, by {date}.\n\nWhat we received: {what}.\n\n"
        "We keep your application for {retention} days at most, to review it and contact you "
        "about it. To have it deleted, with your CV, in one click: {erase}\n\n"
        "The Ardoise Labs recruiting team",
    },
    # The erasure link's page (bot/applications/views.py).
    "erase_title": {"fr": "Effacer ma candidature", "en": "Delete my application"},
    "erase_intro": {
        "fr": "Cela efface définitivement votre candidature au poste « {job} » du {date}, "
        "votre CV, toute autre candidature envoyée avec l'adresse {email} et votre inscription "
        "à la communauté de talents, s'il y en a une. Le logiciel de recrutement de "
        "l'entreprise est prévenu qu'il doit effacer les candidatures aussi.",
        "en": 'This deletes for good your application for "{job}" of {date}, your CV and '
        "any other application sent with the address {email} and your talent-community "
        "membership, if any. The company's recruiting software is told to delete the "
        "applications too.",
    },
    "erase_button": {"fr": "Effacer", "en": "Delete"},
    "erase_done": {
        "fr": "C'est fait : {count} candidature(s) et les CV joints sont effacés.",
        "en": "Done: {count} application(s) and the attached CVs are deleted.",
    },
    "erase_gone": {
        "fr": "Cette candidature est déjà effacée : nous ne gardons plus rien d'elle.",
        "en": "This application is already deleted: we keep nothing of it any more.",
    },
    "erase_bad_link": {
        "fr": "Ce lien n'est pas (ou plus) valable.",
        "en": "This link is not (or no longer) valid.",
    },
    "application_email_cv": {"fr": "votre CV ({kind})", "en": "your CV ({kind})"},
    "application_email_link": {"fr": "le lien {url}", "en": "the link {url}"},
    "application_email_message": {"fr": "votre message", "en": "your message"},
}

# Why an application (or a CV) was refused, by code, for the candidate.
APPLICATION_PROBLEMS: dict[str, dict[str, str]] = {
    "job_unknown": {
        "fr": "Ce poste n'est pas (ou plus) ouvert : choisissez-en un dans la liste.",
        "en": "This position is not (or no longer) open: pick one from the list.",
    },
    "first_name_missing": {"fr": "Il manque votre prénom.", "en": "Your first name is missing."},
    "first_name_invalid": {
        "fr": "Votre prénom doit tenir sur une ligne, en texte simple, 80 caractères au plus.",
        "en": "Your first name must fit on one line, as plain text, 80 characters at most.",
    },
    "last_name_missing": {"fr": "Il manque votre nom.", "en": "Your last name is missing."},
    "last_name_invalid": {
        "fr": "Votre nom doit tenir sur une ligne, en texte simple, 80 caractères au plus.",
        "en": "Your last name must fit on one line, as plain text, 80 characters at most.",
    },
    "email_invalid": {
        "fr": "Cette adresse e-mail ne semble pas valide.",
        "en": "This e-mail address does not look valid.",
    },
    "url_invalid": {
        "fr": "Le lien doit être une adresse web complète, commençant par https:// (500 "
        "caractères au plus).",
        "en": "The link must be a full web address starting with https:// (500 characters at "
        "most).",
    },
    "cv_or_url_missing": {
        "fr": "Joignez votre CV ou un lien vers votre profil LinkedIn ou votre portfolio.",
        "en": "Attach your CV or a link to your LinkedIn profile or portfolio.",
    },
    "cv_unknown": {
        "fr": "Le CV joint n'a pas été retrouvé (un CV envoyé est gardé un jour en attendant "
        "le formulaire) : joignez-le de nouveau.",
        "en": "The attached CV could not be found (an uploaded CV waits one day for its form): "
        "attach it again.",
    },
    "message_invalid": {
        "fr": "Votre message doit être du texte simple, 2 000 caractères au plus.",
        "en": "Your message must be plain text, 2,000 characters at most.",
    },
    "consent_missing": {
        "fr": "Pour enregistrer votre candidature, il faut cocher la case de consentement.",
        "en": "To save your application, please tick the consent box.",
    },
    "already_applied": {
        "fr": "Vous avez déjà postulé à ce poste avec cette adresse e-mail : un recruteur "
        "reviendra vers vous.",
        "en": "You have already applied for this position with this e-mail address: a "
        "recruiter will get back to you.",
    },
    "too_many_applications": {
        "fr": "Vous avez envoyé beaucoup de candidatures aujourd'hui : réessayez demain, ou "
        "parlez-en à un recruteur.",
        "en": "You have sent many applications today: try again tomorrow, or talk to a recruiter.",
    },
    "cv_empty": {"fr": "Le fichier est vide.", "en": "The file is empty."},
    "cv_too_big": {
        "fr": "Le fichier dépasse 5 Mo : envoyez une version plus légère, ou un lien.",
        "en": "The file is over 5 MB: send a lighter version, or a link.",
    },
    "cv_not_a_cv": {
        "fr": "Ce fichier n'est pas un PDF ou un document Word (.docx) lisible, quel que soit "
        "son nom.",
        "en": "This file is not a readable PDF or Word document (.docx), whatever its name.",
    },
    "cv_active_content": {
        "fr": "Ce fichier contient du contenu actif (script, macro, fichier joint) : "
        "enregistrez-le de nouveau en PDF simple.",
        "en": "This file holds active content (a script, a macro, an attachment): save it "
        "again as a plain PDF.",
    },
    "cv_too_many": {
        "fr": "Trop de fichiers envoyés d'ici : réessayez dans une heure.",
        "en": "Too many files sent from here: try again in an hour.",
    },
    "cv_bad_request": {
        "fr": "Envoyez le fichier dans un champ « cv » d'un formulaire (multipart/form-data).",
        "en": 'Send the file in a "cv" field of a form (multipart/form-data).',
    },
}


def application_problem(code: str, language: str) -> str:
    """Why an application or a CV was refused, for the candidate."""
    variants = APPLICATION_PROBLEMS.get(code) or APPLICATION_PROBLEMS["cv_bad_request"]
    return variants.get(language, variants["fr"])
