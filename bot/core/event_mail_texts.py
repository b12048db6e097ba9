"""The sentences of the event registrations' e-mails (bot.events.messages) and of the
'tell me when it opens' e-mail (bot.events.alerts), in French and English, with the
events' names. One table per language, keyed by a name; `{when}` is a time written out
by bot.events.messages.format_when."""

from __future__ import annotations

EVENT_NAMES = {
    "fr": {
        "open_house": "Portes ouvertes",
        "reverse_qa": "Questions inversées",
        "hackathon": "Ardoise Hack",
        "team_coffee": "Café équipe",
    },
    "en": {
        "open_house": "Open house",
        "reverse_qa": "Reverse Q&A",
        "hackathon": "Ardoise Hack",
        "team_coffee": "Team coffee",
    },
}

EVENT_MAIL_TEXTS: dict[str, dict[str, str]] = {
    "fr": {
        "hello": "Bonjour {name},",
        "sign": "À bientôt,\nL'assistant recrutement d'Ardoise Labs",
        "what": "Quoi : {event}",
        "when": "Quand : {when}",
        "where": "Où : {place}",
        "where_default": "au siège d'Ardoise Labs à Lyon",
        "online": "En ligne, lien de la visio : {url}",
        "online_later": "En ligne : le lien de la visio vous sera envoyé avant la session.",
        "confirmed_subject": "Inscription confirmée : {event}, {when}",
        "confirmed_intro": "Votre place est réservée. L'invitation est jointe pour votre "
        "agenda ; vous recevrez un rappel la veille et une heure avant.",
        "ask": "Vos questions pour l'équipe de direction : posez-les et votez pour celles "
        "des autres participants (anonymes) ici :\n{url}",
        "manage": "Un empêchement ? Libérez votre place ici (elle ira à la personne "
        "suivante sur la liste d'attente) :\n{url}",
        "waitlisted_subject": "Liste d'attente : {event}, {when}",
        "waitlisted_intro": "Cette date est complète : vous êtes sur la liste d'attente, "
        "en position {position}. Si une place se libère, elle vous sera proposée par "
        "e-mail, avec un délai pour la confirmer.",
        "waitlisted_manage": "Vous ne souhaitez plus attendre ? Retirez-vous de la liste :\n{url}",
        "offered_subject": "Une place s'est libérée : {event}, {when}",
        "offered_intro": "Bonne nouvelle : une place s'est libérée et elle vous est réservée "
        "jusqu'au {deadline}. Confirmez-la ici :\n{url}",
        "offered_after": "Sans confirmation d'ici là, elle sera proposée à la personne suivante.",
        "offer_expired_subject": "Place non confirmée : {event}, {when}",
        "offer_expired_intro": "La place qui vous était proposée n'a pas été confirmée à "
        "temps ; elle a été proposée à la personne suivante. Vous pouvez vous inscrire à une "
        "autre date depuis le chat du site carrières.",
        "cancelled_subject": "Inscription annulée : {event}, {when}",
        "cancelled_intro": "C'est noté, votre inscription est annulée.",
        "cancelled_calendar": "L'invitation jointe retire l'événement de votre agenda.",
        "cancelled_again": "Vous pouvez vous inscrire à une autre date quand vous voulez "
        "depuis le chat du site carrières.",
        "event_cancelled_subject": "Annulé : {event}, {when}",
        "event_cancelled_intro": "Nous sommes désolés : la session {event} du {when} est "
        "annulée. Toutes nos excuses pour ce changement.",
        "next_dates": "Les prochaines dates :",
        "next_date": "  - {when} ({seats})",
        "seats_left": "{count} places restantes",
        "seats_full": "complet, liste d'attente",
        "rebook": "Pour vous inscrire, demandez-le simplement dans le chat du site carrières :"
        "\n{url}",
        "no_dates": "Aucune autre date n'est encore annoncée ; le chat du site carrières vous "
        "dira dès qu'il y en a une :\n{url}",
        "reminder_day_subject": "Rappel : {event} demain, {when}",
        "reminder_day_intro": "Petit rappel : c'est demain.",
        "reminder_1h_subject": "{event} commence dans une heure",
        "reminder_1h_intro": "On commence dans une heure.",
        "thanks_subject": "Merci d'être venu·e : {event}",
        "thanks_intro": "Merci d'avoir participé à la session {event} du {when}. Une seule "
        "question : comment était-ce, de 1 à 5 ? (un commentaire libre est le bienvenu)\n{url}",
        "thanks_jobs": "Nos postes ouverts :\n{url}",
        "thanks_coffee": "Envie d'en savoir plus sur une équipe ? Réservez un café de 30 "
        "minutes avec l'un de nos ambassadeurs depuis le chat :\n{url}",
        "ics_description": "{event}, Ardoise Labs.",
    },
    "en": {
        "hello": "Hello {name},",
        "sign": "See you soon,\nThe Ardoise Labs recruiting assistant",
        "what": "What: {event}",
        "when": "When: {when}",
        "where": "Where: {place}",
        "where_default": "at Ardoise Labs' headquarters in Lyon",
        "online": "Online, video link: {url}",
        "online_later": "Online: the video link will be sent to you before the session.",
        "confirmed_subject": "Registration confirmed: {event}, {when}",
        "confirmed_intro": "Your seat is booked. The invitation is attached for your "
        "calendar; you will get a reminder the day before and an hour before.",
        "ask": "Your questions for the leadership team: ask them and upvote the other "
        "participants' (anonymous) questions here:\n{url}",
        "manage": "Something came up? Free your seat here (it goes to the next person on "
        "the waitlist):\n{url}",
        "waitlisted_subject": "Waitlist: {event}, {when}",
        "waitlisted_intro": "This date is full: you are on the waitlist, number "
        "{position}. If a seat frees up, it will be offered to you by e-mail, with a "
        "deadline to confirm it.",
        "waitlisted_manage": "Rather not wait? Leave the waitlist here:\n{url}",
        "offered_subject": "A seat freed up: {event}, {when}",
        "offered_intro": "Good news: a seat freed up and it is held for you until "
        "{deadline}. Confirm it here:\n{url}",
        "offered_after": "If it is not confirmed by then, it goes to the next person.",
        "offer_expired_subject": "Seat not confirmed: {event}, {when}",
        "offer_expired_intro": "The seat offered to you was not confirmed in time; it went "
        "to the next person. You can register for another date from the chat on the "
        "careers site.",
        "cancelled_subject": "Registration cancelled: {event}, {when}",
        "cancelled_intro": "Done: your registration is cancelled.",
        "cancelled_calendar": "The attached invitation removes the event from your calendar.",
        "cancelled_again": "You can register for another date whenever you like from the "
        "chat on the careers site.",
        "event_cancelled_subject": "Cancelled: {event}, {when}",
        "event_cancelled_intro": "We are sorry: the {event} session of {when} is cancelled. "
        "Our apologies for the change.",
        "next_dates": "The next dates:",
        "next_date": "  - {when} ({seats})",
        "seats_left": "{count} seats left",
        "seats_full": "full, waitlist",
        "rebook": "To register, just ask in the chat on the careers site:\n{url}",
        "no_dates": "No other date is announced yet; the chat on the careers site will tell "
        "you as soon as there is one:\n{url}",
        "reminder_day_subject": "Reminder: {event} tomorrow, {when}",
        "reminder_day_intro": "A quick reminder: it is tomorrow.",
        "reminder_1h_subject": "{event} starts in an hour",
        "reminder_1h_intro": "We start in an hour.",
        "thanks_subject": "Thank you for coming: {event}",
        "thanks_intro": "Thank you for taking part in the {event} session of {when}. Just "
        "one question: how was it, from 1 to 5? (a free comment is welcome)\n{url}",
        "thanks_jobs": "Our open positions:\n{url}",
        "thanks_coffee": "Curious about a team? Book a 30-minute coffee with one of our "
        "ambassadors from the chat:\n{url}",
        "ics_description": "{event}, Ardoise Labs.",
    },
}

EVENT_ALERT_TEXTS = {
    "fr": {
        "subject": "{event} : les dates sont annoncées",
        "body": "Bonjour,\n\nVous nous aviez demandé de vous prévenir : {event} aura lieu "
        "le {when}.\n\nPour vous inscrire ou en savoir plus, demandez-le au chat du site "
        "carrières :\n{url}\n\nNous ne vous écrirons plus à ce sujet : votre adresse a été "
        "retirée de la liste.\n\nÀ bientôt,\nL'assistant recrutement d'Ardoise Labs\n",
    },
    "en": {
        "subject": "{event}: the dates are out",
        "body": "Hello,\n\nYou asked us to tell you: {event} takes place on {when}.\n\n"
        "To register or learn more, ask the chat on the careers site:\n{url}\n\n"
        "We will not write again about it: your address has been removed from the list."
        "\n\nSee you soon,\nThe Ardoise Labs recruiting assistant\n",
    },
}


def event_mail_texts(language: str) -> dict[str, str]:
    """The registration e-mails' sentences in `language` ("fr" or "en")."""
    return EVENT_MAIL_TEXTS[language]


def event_alert_texts(language: str) -> dict[str, str]:
    """The 'dates are out' e-mail's subject and body in `language` ("fr" or "en")."""
    return EVENT_ALERT_TEXTS[language]
