"""The sentences of the event registrations' link pages (bot.events.views), in French and
English: the registration page (and the reverse Q&A's questions), the seat offer, the
thank-you question. One entry per sentence, keyed by a name, as bot.core.texts."""

from __future__ import annotations

EVENT_PAGE_TEXTS: dict[str, dict[str, str]] = {
    "title_registration": {"fr": "Votre inscription", "en": "Your registration"},
    "title_offer": {"fr": "Une place pour vous", "en": "A seat for you"},
    "title_feedback": {"fr": "Votre avis", "en": "Your feedback"},
    "switch": {"fr": "English", "en": "Français"},
    "hello": {"fr": "Bonjour {name},", "en": "Hello {name},"},
    "what": {"fr": "Quoi", "en": "What"},
    "when": {"fr": "Quand", "en": "When"},
    "where": {"fr": "Où", "en": "Where"},
    "status": {"fr": "Statut", "en": "Status"},
    "where_default": {
        "fr": "au siège d'Ardoise Labs à Lyon",
        "en": "at Ardoise Labs' headquarters in Lyon",
    },
    "online": {"fr": "En ligne", "en": "Online"},
    "video_link": {"fr": "Rejoindre la visio", "en": "Join the video call"},
    "video_later": {
        "fr": "En ligne : le lien de la visio vous sera envoyé avant la session.",
        "en": "Online: the video link will be sent to you before the session.",
    },
    "status_confirmed": {"fr": "place confirmée", "en": "seat confirmed"},
    "status_offered": {"fr": "place proposée, à confirmer", "en": "seat offered, to confirm"},
    "status_waitlisted": {
        "fr": "liste d'attente, position {position}",
        "en": "waitlist, number {position}",
    },
    "status_cancelled": {"fr": "annulée", "en": "cancelled"},
    "status_expired": {"fr": "offre expirée", "en": "offer expired"},
    "event_cancelled": {
        "fr": "Cette date a été annulée par l'équipe. Toutes nos excuses : un e-mail vous a "
        "proposé les prochaines dates.",
        "en": "The team cancelled this date. Our apologies: an e-mail offered you the next dates.",
    },
    "registration_over": {
        "fr": "Cette inscription est terminée : il n'y a plus rien à changer. Pour une autre "
        "date, demandez-la au chat du site carrières.",
        "en": "This registration is over: there is nothing left to change. For another date, "
        "ask the chat on the careers site.",
    },
    "offered_hint": {
        "fr": "Une place vous est réservée jusqu'au {deadline} : confirmez-la avec le lien de "
        "l'e-mail « Une place s'est libérée ».",
        "en": "A seat is held for you until {deadline}: confirm it with the link in the "
        "e-mail \u201cA seat freed up\u201d.",
    },
    "waitlisted_hint": {
        "fr": "Si une place se libère, elle vous sera proposée par e-mail, avec un délai pour "
        "la confirmer.",
        "en": "If a seat frees up, it will be offered to you by e-mail, with a deadline to "
        "confirm it.",
    },
    "cancel_heading": {"fr": "Un empêchement ?", "en": "Something came up?"},
    "cancel_intro": {
        "fr": "Libérez votre place : elle ira à la personne suivante sur la liste d'attente.",
        "en": "Free your seat: it goes to the next person on the waitlist.",
    },
    "cancel_button": {"fr": "Annuler mon inscription", "en": "Cancel my registration"},
    "leave_button": {"fr": "Quitter la liste d'attente", "en": "Leave the waitlist"},
    "questions_heading": {
        "fr": "Vos questions pour l'équipe de direction",
        "en": "Your questions for the leadership team",
    },
    "questions_intro": {
        "fr": "Posez vos questions avant la session et votez pour celles des autres "
        "participants. Les questions sont anonymes : personne ne voit qui les a posées.",
        "en": "Ask your questions before the session and upvote the other participants'. "
        "Questions are anonymous: nobody sees who asked them.",
    },
    "question_label": {
        "fr": "Votre question (500 caractères au plus)",
        "en": "Your question (500 characters at most)",
    },
    "questions_left": {
        "fr": "Questions restantes : {count} sur {total}.",
        "en": "Questions left: {count} of {total}.",
    },
    "question_button": {"fr": "Envoyer ma question", "en": "Send my question"},
    "questions_ranked": {
        "fr": "Les questions de la session, par votes",
        "en": "The session's questions, by votes",
    },
    "no_questions": {
        "fr": "Aucune question pour l'instant : soyez la première personne à en poser une !",
        "en": "No questions yet: be the first to ask one!",
    },
    "votes_one": {"fr": "1 vote", "en": "1 vote"},
    "votes_many": {"fr": "{count} votes", "en": "{count} votes"},
    "yours": {"fr": "la vôtre", "en": "yours"},
    "answered": {"fr": "répondue", "en": "answered"},
    "vote_button": {"fr": "Voter", "en": "Upvote"},
    "vote_label": {"fr": "Voter pour cette question", "en": "Upvote this question"},
    "voted": {"fr": "Vous avez voté", "en": "You voted"},
    "questions_after_confirm": {
        "fr": "Une fois votre place confirmée, vous pourrez poser vos questions aux dirigeants "
        "et voter pour celles des autres.",
        "en": "Once your seat is confirmed, you can ask the leaders your questions and upvote "
        "the others'.",
    },
    # What a POST did, shown on the page it redirects to (`?msg=<code>`).
    "msg_cancelled": {
        "fr": "C'est fait : votre inscription est annulée. Un e-mail de confirmation est en route.",
        "en": "Done: your registration is cancelled. A confirmation e-mail is on its way.",
    },
    "msg_registration_closed": {
        "fr": "Cette inscription est déjà annulée, ou l'événement a commencé : il n'y a plus "
        "rien à changer.",
        "en": "This registration is already cancelled, or the event has started: there is "
        "nothing left to change.",
    },
    "msg_question_received": {
        "fr": "Merci ! Votre question est enregistrée.",
        "en": "Thank you! Your question is saved.",
    },
    "msg_question_missing": {
        "fr": "Écrivez votre question avant de l'envoyer.",
        "en": "Write your question before sending it.",
    },
    "msg_question_too_long": {
        "fr": "Votre question est trop longue : 500 caractères au plus.",
        "en": "Your question is too long: 500 characters at most.",
    },
    "msg_question_not_plain": {
        "fr": "Votre question doit être du texte simple.",
        "en": "Your question must be plain text.",
    },
    "msg_question_limit": {
        "fr": "Vous avez déjà posé {total} questions, le maximum pour une inscription.",
        "en": "You have already asked {total} questions, the most for one registration.",
    },
    "msg_voted": {"fr": "Votre vote est compté.", "en": "Your vote is counted."},
    "msg_already_voted": {
        "fr": "Vous avez déjà voté pour cette question : un vote par personne.",
        "en": "You have already upvoted this question: one vote per person.",
    },
    "msg_own_question": {
        "fr": "C'est votre question : vous ne pouvez pas voter pour elle.",
        "en": "That is your own question: you cannot upvote it.",
    },
    "msg_question_unknown": {
        "fr": "Cette question n'est plus proposée.",
        "en": "That question is no longer listed.",
    },
    "msg_panel_closed": {
        "fr": "Les questions sont réservées aux places confirmées d'une session à venir.",
        "en": "Questions are for confirmed seats at a session still to come.",
    },
    "offer_intro": {
        "fr": "Bonne nouvelle : une place s'est libérée et elle vous est réservée jusqu'au "
        "{deadline}.",
        "en": "Good news: a seat freed up and it is held for you until {deadline}.",
    },
    "offer_after": {
        "fr": "Sans confirmation d'ici là, elle sera proposée à la personne suivante sur la "
        "liste d'attente.",
        "en": "If it is not confirmed by then, it goes to the next person on the waitlist.",
    },
    "offer_button": {"fr": "Confirmer ma place", "en": "Confirm my seat"},
    "offer_decline_button": {
        "fr": "Je ne pourrai pas venir : laisser ma place",
        "en": "I can't come: give up my seat",
    },
    "msg_declined": {
        "fr": "C'est noté : la place est proposée à la personne suivante. Merci de nous avoir "
        "prévenus.",
        "en": "Noted: the seat goes to the next person. Thank you for letting us know.",
    },
    "offer_confirmed": {
        "fr": "C'est confirmé : votre place est réservée. Un e-mail avec l'invitation pour "
        "votre agenda est en route ; son lien vous permet de gérer votre inscription.",
        "en": "Confirmed: your seat is booked. An e-mail with the calendar invitation is on "
        "its way; its link lets you manage your registration.",
    },
    "offer_expired": {
        "fr": "Cette place n'a pas été confirmée à temps : elle a été proposée à la personne "
        "suivante. Vous pouvez vous inscrire à une autre date depuis le chat du site carrières.",
        "en": "This seat was not confirmed in time: it went to the next person. You can "
        "register for another date from the chat on the careers site.",
    },
    "offer_closed": {
        "fr": "Cette inscription est annulée : il n'y a plus de place à confirmer.",
        "en": "This registration is cancelled: there is no seat left to confirm.",
    },
    "feedback_intro": {
        "fr": "Merci d'avoir participé à la session {event} du {when}. Une seule question : "
        "comment était-ce ?",
        "en": "Thank you for taking part in the {event} session of {when}. Just one question: "
        "how was it?",
    },
    "rating_legend": {
        "fr": "Votre note, de 1 (décevant) à 5 (excellent)",
        "en": "Your rating, from 1 (disappointing) to 5 (excellent)",
    },
    "comment_label": {
        "fr": "Un commentaire ? (facultatif, 1000 caractères au plus)",
        "en": "A comment? (optional, 1000 characters at most)",
    },
    "feedback_button": {"fr": "Envoyer mon avis", "en": "Send my feedback"},
    "feedback_thanks": {
        "fr": "Merci pour votre avis ! Il aide l'équipe à améliorer ses événements.",
        "en": "Thank you for your feedback! It helps the team improve its events.",
    },
    "feedback_closed": {
        "fr": "Cette inscription a été annulée : il n'y a pas d'avis à donner.",
        "en": "This registration was cancelled: there is no feedback to give.",
    },
    "careers": {"fr": "Voir nos postes ouverts", "en": "See our open positions"},
    "msg_rating_invalid": {
        "fr": "Choisissez une note de 1 à 5.",
        "en": "Pick a rating from 1 to 5.",
    },
    "msg_comment_too_long": {
        "fr": "Votre commentaire est trop long : 1000 caractères au plus.",
        "en": "Your comment is too long: 1000 characters at most.",
    },
    "msg_comment_invalid": {
        "fr": "Votre commentaire doit être du texte simple.",
        "en": "Your comment must be plain text.",
    },
    # A link that cannot be honoured: both languages on one page (whose it is is unknown).
    "link_unknown_title": {"fr": "Lien inconnu", "en": "Unknown link"},
    "link_unknown": {
        "fr": "Ce lien n'est pas valide : il a peut-être été mal copié. Utilisez le lien de "
        "votre dernier e-mail, ou demandez de l'aide dans le chat du site carrières.",
        "en": "This link is not valid: it may have been copied wrongly. Use the link in your "
        "latest e-mail, or ask for help in the chat on the careers site.",
    },
    "link_expired_title": {"fr": "Lien expiré", "en": "Link expired"},
    "link_expired_registration": {
        "fr": "Ce lien a expiré : l'événement est terminé. Pour une autre date, demandez-la au "
        "chat du site carrières.",
        "en": "This link has expired: the event is over. For another date, ask the chat on "
        "the careers site.",
    },
    "link_expired_seat_offer": {
        "fr": "Cette offre de place a expiré : sans confirmation à temps, la place est allée à "
        "la personne suivante. Vous pouvez vous inscrire à une autre date depuis le chat du "
        "site carrières.",
        "en": "This seat offer has expired: it was not confirmed in time, so the seat went to "
        "the next person. You can register for another date from the chat on the careers "
        "site.",
    },
    "link_expired_event_feedback": {
        "fr": "Ce lien a expiré : l'avis se donne dans les 30 jours qui suivent l'événement. "
        "Merci quand même !",
        "en": "This link has expired: feedback is given within 30 days of the event. Thank "
        "you all the same!",
    },
    "refused_title": {"fr": "Requête refusée", "en": "Request refused"},
    "refused": {
        "fr": "Cette action doit venir de la page du lien lui-même. Rouvrez le lien de votre "
        "e-mail.",
        "en": "This action must come from the link's own page. Open the link in your e-mail again.",
    },
}


def page_text(key: str, language: str, **values: object) -> str:
    """The page sentence `key` in `language` (English for any other), filled in."""
    variants = EVENT_PAGE_TEXTS[key]
    return variants["fr" if language == "fr" else "en"].format(**values)
