"""The sentences of the team coffees' e-mails (bot.meetings.messages) and calendar
invitations (bot.meetings.invitations), in French and English, with the teams' and the
languages' names. The e-mails: one table per language, keyed by a name; the
invitation: one entry per sentence, keyed by a name, as bot.core.texts."""

from __future__ import annotations

TEAMS = {
    "fr": {
        "platform": "Plateforme",
        "data_ml": "Data & ML",
        "product_engineering": "Ingénierie produit",
        "mobile": "Mobile",
        "design": "Design",
        "customer_success": "Customer Success",
        "sales": "Ventes",
        "people": "People (RH)",
    },
    "en": {
        "platform": "Platform",
        "data_ml": "Data & ML",
        "product_engineering": "Product Engineering",
        "mobile": "Mobile",
        "design": "Design",
        "customer_success": "Customer Success",
        "sales": "Sales",
        "people": "People (HR)",
    },
}
LANGUAGE_NAMES = {
    "fr": {"fr": "français", "en": "anglais"},
    "en": {"fr": "French", "en": "English"},
}

# Every sentence, by language. `{when}` is a time written out by `format_when`.
COFFEE_MAIL_TEXTS: dict[str, dict[str, str]] = {
    "fr": {
        "hello": "Bonjour {name},",
        "sign": "À bientôt,\nL'assistant recrutement d'Ardoise Labs",
        "when": "Quand : {when}",
        "yours": "        soit {when} pour vous",
        "with": "Avec : {host}, {role}, équipe {team}",
        "format": "Durée : 30 minutes, en visio",
        "link": "Lien de la visio : {url}",
        "no_link": "Lien de la visio : {host} vous l'enverra par e-mail avant le café.",
        "next": "Et ensuite ? C'est un échange informel, pas un entretien : rien à préparer, "
        "venez avec vos questions sur le travail au quotidien. Vous recevrez un rappel "
        "la veille et une heure avant. L'invitation est jointe pour votre agenda.",
        "manage": "Un empêchement ? Annulez ou déplacez votre café ici :\n{url}",
        "confirmed_subject": "Votre café avec {host} est confirmé : {when}",
        "confirmed_intro": "Votre café équipe est réservé.",
        "moved_subject": "Votre café avec {host} est déplacé : {when}",
        "moved_intro": "Votre café équipe a changé d'horaire. Le nouveau créneau :",
        "was": "(Il était prévu {when}.)",
        "cancelled_subject": "Votre café avec {host} est annulé",
        "cancelled_intro": "Votre café avec {host}, prévu {when}, est annulé. "
        "L'invitation jointe le retire de votre agenda.",
        "cancelled_again": "Vous pouvez en réserver un autre quand vous voulez depuis le chat "
        "du site carrières.",
        "declined_subject": "Votre café avec {host} : toutes nos excuses",
        "declined_intro": "{host} ne peut finalement pas assurer votre café prévu {when}. "
        "Toutes nos excuses. L'invitation jointe le retire de votre agenda.",
        "alternatives": "Voici d'autres créneaux libres :",
        "alternative": "  - {when}, avec {host} ({role})",
        "rebook": "Pour réserver l'un d'eux :\n{url}\n(ou demandez un café dans le chat du site "
        "carrières).",
        "no_alternative": "Aucun autre créneau n'est libre pour le moment ; demandez un café "
        "dans le chat du site carrières dans quelques jours.",
        "reminder_24h_subject": "Rappel : votre café avec {host}, {when}",
        "reminder_24h_intro": "Petit rappel : votre café équipe approche.",
        "reminder_1h_subject": "Votre café avec {host} commence bientôt",
        "reminder_1h_intro": "Votre café équipe commence bientôt.",
        # to the ambassador
        "a_confirmed_subject": "Nouveau café avec {name} : {when}",
        "a_confirmed_intro": "{name} a réservé un café équipe avec vous.",
        "a_moved_subject": "Café avec {name} déplacé : {when}",
        "a_moved_intro": "{name} a déplacé son café avec vous. Le nouveau créneau :",
        "a_cancelled_subject": "Café avec {name} annulé",
        "a_cancelled_intro": "Le café avec {name} prévu {when} est annulé. L'invitation "
        "jointe le retire de votre agenda.",
        "a_declined_subject": "Vous avez décliné le café avec {name}",
        "a_declined_intro": "C'est noté : vous avez décliné le café avec {name} prévu {when}. "
        "{name} a reçu nos excuses et d'autres créneaux.",
        "a_reminder_24h_subject": "Rappel : café avec {name}, {when}",
        "a_reminder_24h_intro": "Petit rappel : votre café avec {name} approche.",
        "a_reminder_1h_subject": "Votre café avec {name} commence bientôt",
        "a_reminder_1h_intro": "Votre café avec {name} commence bientôt.",
        "a_language": "Langue de l'échange : {language}",
        "a_note": "Sujets proposés par {name} :",
        "a_no_note": "{name} n'a pas laissé de message.",
        "a_send_link": "Aucun lien de visio commun n'est configuré : envoyez le vôtre à {name} "
        "({email}) avant le café.",
        "a_decline": "Vous ne pouvez pas ? Déclinez ici ({name} recevra nos excuses et "
        "d'autres créneaux) :\n{url}",
        # to the recruiters
        "r_subject": "[Café équipe] {name} avec {host}, {when} ({status})",
        "r_intro": "Café équipe {status} :",
        "r_who": "Candidat·e : {name} <{email}> ({language})",
        "r_host": "Hôte : {host}, {role}, équipe {team}",
        "r_reference": "Référence : {booking}, conversation {conversation}",
        "status_confirmed": "réservé",
        "status_moved": "déplacé",
        "status_cancelled": "annulé",
        "status_declined": "décliné par l'hôte",
    },
    "en": {
        "hello": "Hello {name},",
        "sign": "See you soon,\nThe Ardoise Labs recruiting assistant",
        "when": "When: {when}",
        "yours": "      that is {when} for you",
        "with": "With: {host}, {role}, {team} team",
        "format": "Length: 30 minutes, by video",
        "link": "Video link: {url}",
        "no_link": "Video link: {host} will e-mail it to you before the coffee.",
        "next": "What happens next? It is an informal chat, not an interview: nothing to "
        "prepare, bring your questions about the day-to-day work. You will get a reminder "
        "the day before and an hour before. The invitation is attached for your calendar.",
        "manage": "Something came up? Cancel or move your coffee here:\n{url}",
        "confirmed_subject": "Your coffee with {host} is confirmed: {when}",
        "confirmed_intro": "Your team coffee is booked.",
        "moved_subject": "Your coffee with {host} has moved: {when}",
        "moved_intro": "Your team coffee has a new time:",
        "was": "(It was planned for {when}.)",
        "cancelled_subject": "Your coffee with {host} is cancelled",
        "cancelled_intro": "Your coffee with {host}, planned for {when}, is cancelled. "
        "The attached invitation removes it from your calendar.",
        "cancelled_again": "You can book another one whenever you like from the chat on "
        "the careers site.",
        "declined_subject": "Your coffee with {host}: our apologies",
        "declined_intro": "{host} can no longer make your coffee planned for {when}. We are "
        "sorry. The attached invitation removes it from your calendar.",
        "alternatives": "Here are other free slots:",
        "alternative": "  - {when}, with {host} ({role})",
        "rebook": "To book one of them:\n{url}\n(or ask for a coffee in the chat on the "
        "careers site).",
        "no_alternative": "No other slot is free right now; ask for a coffee in the chat on "
        "the careers site in a few days.",
        "reminder_24h_subject": "Reminder: your coffee with {host}, {when}",
        "reminder_24h_intro": "A quick reminder: your team coffee is coming up.",
        "reminder_1h_subject": "Your coffee with {host} starts soon",
        "reminder_1h_intro": "Your team coffee starts soon.",
        "a_confirmed_subject": "New coffee with {name}: {when}",
        "a_confirmed_intro": "{name} booked a team coffee with you.",
        "a_moved_subject": "Coffee with {name} moved: {when}",
        "a_moved_intro": "{name} moved their coffee with you. The new time:",
        "a_cancelled_subject": "Coffee with {name} cancelled",
        "a_cancelled_intro": "The coffee with {name} planned for {when} is cancelled. The "
        "attached invitation removes it from your calendar.",
        "a_declined_subject": "You declined the coffee with {name}",
        "a_declined_intro": "Done: you declined the coffee with {name} planned for {when}. "
        "{name} got our apologies and other slots.",
        "a_reminder_24h_subject": "Reminder: coffee with {name}, {when}",
        "a_reminder_24h_intro": "A quick reminder: your coffee with {name} is coming up.",
        "a_reminder_1h_subject": "Your coffee with {name} starts soon",
        "a_reminder_1h_intro": "Your coffee with {name} starts soon.",
        "a_language": "Language of the chat: {language}",
        "a_note": "What {name} would like to ask:",
        "a_no_note": "{name} left no message.",
        "a_send_link": "No shared video link is configured: send yours to {name} ({email}) "
        "before the coffee.",
        "a_decline": "Can't make it? Decline here ({name} will get our apologies and other "
        "slots):\n{url}",
        "r_subject": "[Team coffee] {name} with {host}, {when} ({status})",
        "r_intro": "Team coffee {status}:",
        "r_who": "Candidate: {name} <{email}> ({language})",
        "r_host": "Host: {host}, {role}, {team} team",
        "r_reference": "Reference: {booking}, conversation {conversation}",
        "status_confirmed": "booked",
        "status_moved": "moved",
        "status_cancelled": "cancelled",
        "status_declined": "declined by the host",
    },
}

INVITATION_TEXTS: dict[str, dict[str, str]] = {
    "summary": {
        "fr": "Café équipe avec {host} (Ardoise Labs)",
        "en": "Team coffee with {host} (Ardoise Labs)",
    },
    "description": {
        "fr": "Un échange informel de 30 minutes en visio avec {host}, {role}. "
        "Ce n'est pas un entretien : posez vos questions sur le travail au quotidien.",
        "en": "An informal 30-minute video call with {host}, {role}. "
        "It is not an interview: ask anything about the day-to-day work.",
    },
    "candidate_note": {
        "fr": "Sujets proposés par {name} :",
        "en": "What {name} would like to ask:",
    },
    "link_line": {"fr": "Lien de la visio : {url}", "en": "Video link: {url}"},
    "no_link_line": {
        "fr": "Le lien de la visio vous sera envoyé par {host} avant le café.",
        "en": "{host} will send you the video link before the coffee.",
    },
    "no_link_location": {
        "fr": "Visio (lien envoyé par {host})",
        "en": "Video call (link sent by {host})",
    },
    "manage_line": {
        "fr": "Annuler ou déplacer : {url}",
        "en": "Cancel or move: {url}",
    },
    "cancelled": {"fr": "Annulé : ", "en": "Cancelled: "},
}


def coffee_mail_texts(language: str) -> dict[str, str]:
    """The coffee e-mails' sentences in `language` ("fr" or "en")."""
    return COFFEE_MAIL_TEXTS[language]


def invitation_text(key: str, language: str, **values: object) -> str:
    """The invitation sentence `key` in `language` ("fr" or "en"), filled in."""
    return INVITATION_TEXTS[key][language].format(**values)
