"""Every sentence the assistant's code says to a candidate, in French and English.

One entry per sentence, keyed by a name; `text(key, language, **values)` fills it
in. (Answers come from the knowledge base, the domain's responses from domain.yml.)
The validators' problems, by code, are in problem_texts.py: `problem_text(problem,
language)` words one for its reader.
"""

from __future__ import annotations

from bot.core.application_texts import APPLICATION_TEXTS
from bot.core.community_texts import COMMUNITY_TEXTS
from bot.core.job_texts import JOB_TEXTS
from bot.core.priority_texts import PITCH_TEXTS
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
    # The sentence a candidate ticks to leave a callback request (bot.handoff.callbacks).
    "callback_consent": {
        "fr": "J'accepte qu'Ardoise Labs conserve mon nom, mon adresse e-mail et ma question "
        "pour qu'un recruteur me réponde, pendant {days} jours au plus, puis les supprime.",
        "en": "I agree that Ardoise Labs keeps my name, e-mail address and question so that a "
        "recruiter can answer me, for at most {days} days, after which they are deleted.",
    },
    # What an article gets from the HR records (bot.records.answers): the events' names
    # as the knowledge base writes them, the lines introducing dates and positions.
    "event_name_open_house": {
        "fr": "**Portes ouvertes**",
        "en": "**Portes ouvertes** (open house)",
    },
    "event_name_team_coffee": {"fr": "**Café équipe**", "en": "**Café équipe** (team coffee)"},
    "event_name_reverse_qa": {
        "fr": "**Questions inversées**",
        "en": "**Questions inversées** (live Q&A)",
    },
    "event_name_hackathon": {"fr": "**Ardoise Hack**", "en": "**Ardoise Hack**"},
    "event_dates_open_house": {
        "fr": "Prochaines portes ouvertes :",
        "en": "Next open house dates:",
    },
    "event_dates_team_coffee": {
        "fr": "Prochains jours pour réserver un café :",
        "en": "Next days to book a coffee:",
    },
    "event_dates_reverse_qa": {"fr": "Prochaines sessions :", "en": "Next sessions:"},
    "event_dates_hackathon": {"fr": "Dates prévues :", "en": "Scheduled dates:"},
    "event_dates_overview": {"fr": "Prochaines dates :", "en": "Next dates:"},
    "event_overview_line": {"fr": "- {kind} : {days}", "en": "- {kind}: {days}"},
    "event_no_date": {
        "fr": "Aucune date n'est prévue pour le moment.",
        "en": "No date is scheduled right now.",
    },
    "event_no_date_short": {
        "fr": "aucune date prévue pour le moment",
        "en": "no date scheduled right now",
    },
    "event_days_range": {"fr": "du {first} au {last}", "en": "{first} to {last}"},
    "event_hours_range": {"fr": "{start} à {end}", "en": "{start} to {end}"},
    "event_seats_range": {"fr": "{low} à {high}", "en": "{low} to {high}"},
    "position_closed": {
        "fr": "Le poste de **{title}** n'est plus ouvert.",
        "en": "The **{title}** position is no longer open.",
    },
    "positions_none": {
        "fr": "Aucun poste n'est ouvert en ce moment.",
        "en": "No position is open right now.",
    },
    "positions_one": {
        "fr": "Un poste est ouvert en ce moment :",
        "en": "One position is open right now:",
    },
    "positions_many": {
        "fr": "{count} postes sont ouverts en ce moment :",
        "en": "{count} positions are open right now:",
    },
    # No-break spaces: "58 000 à 72 000 €" never splits a number or the € from it.
    "salary_range": {"fr": "{low} à {high}\u00a0€", "en": "{low}-{high}\u00a0EUR"},
    # How many positions, in words from two to ten (space-separated, in order).
    "number_words": {
        "fr": "Deux Trois Quatre Cinq Six Sept Huit Neuf Dix",
        "en": "Two Three Four Five Six Seven Eight Nine Ten",
    },
    # HR's inbox, for an item without the candidate's words (bot.inbox.models).
    "inbox_asked_for_recruiter": {
        "fr": "(a demandé un recruteur)",
        "en": "(asked for a recruiter)",
    },
    "inbox_rated_not_helpful": {
        "fr": "(réponse {article} jugée pas utile)",
        "en": "(answer {article} rated not helpful)",
    },
    "inbox_no_question": {"fr": "(pas de question)", "en": "(no question)"},
    # Under an answer HR has not checked for REVIEW_MAX_DAYS (bot/knowledge/freshness.py).
    "answer_stale": {
        "fr": "Les RH ont vérifié cette réponse pour la dernière fois le {date} : elle a pu "
        "changer depuis, un recruteur peut vous la confirmer.",
        "en": "HR last checked this answer on {date}: it may have changed since, and a "
        "recruiter can confirm it.",
    },
    "language_switched": {
        "fr": "Vous m'écrivez en français : je vous réponds en français.",
        "en": "You wrote in English, so I'm answering in English.",
    },
    "handoff_noted": {
        "fr": "C'est noté : la personne qui vous rejoindra le lira en arrivant.",
        "en": "Noted: whoever joins you will read it when they arrive.",
    },
    "handoff_noted_named": {
        "fr": "C'est noté : {name} le lira en vous rejoignant.",
        "en": "Noted: {name} will read it when joining you.",
    },
    "handoff_cancelled": {
        "fr": "Demande annulée : personne ne vous rejoindra. Je reste à votre disposition.",
        "en": "Request cancelled: nobody will join. I'm still here to help.",
    },
    "handoff_too_late": {
        "fr": "{name} a déjà rejoint la conversation : vous pouvez lui écrire directement.",
        "en": "{name} has already joined the conversation: you can write to them directly.",
    },
    "follow_up_same": {
        "fr": "Je vous ai donné tout ce que dit notre article « {title} » : je n'en sais pas "
        "plus. Votre question est transmise aux RH pour le compléter, et un·e recruteur·se "
        "peut vous répondre dès maintenant. Voulez-vous que je vous mette en relation ?",
        "en": "That is all our article “{title}” says, and I don't know more. I've passed your "
        "question on to HR so they can complete it, and a recruiter can answer you now. "
        "Shall I put you in touch?",
    },
    # A knowledge-base answer a recruiter sends from the console (bot.handoff.canned).
    "console_article_source": {
        "fr": "Source : notre base de connaissances, « {title} », vérifiée par les RH le {date}.",
        "en": 'Source: our knowledge base, "{title}", checked by HR on {date}.',
    },
    "console_article_source_unchecked": {
        "fr": "Source : notre base de connaissances, « {title} » (pas encore vérifiée par les RH).",
        "en": 'Source: our knowledge base, "{title}" (not yet checked by HR).',
    },
    "privacy_notice_link": {
        "fr": "Notre politique de confidentialité",
        "en": "Our privacy notice",
    },
    "console_article_stale": {
        "fr": "Cette vérification date un peu : je vous confirme tout point qui compte pour vous.",
        "en": "That check is a while ago: I'm happy to confirm any point that matters to you.",
    },
    "answer_never_checked": {
        "fr": "Cette réponse n'a pas encore été vérifiée par les RH : un recruteur peut vous "
        "la confirmer.",
        "en": "HR has not checked this answer yet: a recruiter can confirm it.",
    },
    "answer_check_button": {"fr": "Vérifier avec un recruteur", "en": "Check with a recruiter"},
    "follow_up_button": {"fr": "Parler à un·e recruteur·se", "en": "Talk to a recruiter"},
    # "Did you mean…": the way out when neither article is the right one (a recruiter).
    "clarify_none_button": {"fr": "Aucune de ces réponses", "en": "None of these"},
}

# ------------------------------------------------------------------ team coffees
COFFEE_TEXTS = {
    "coffee_which_team": {
        "fr": "Avec plaisir ! Un café, c'est 30 minutes en visio avec une personne de l'équipe, "
        "sans enjeu : ce n'est pas un entretien. Quelle équipe aimeriez-vous rencontrer ?",
        "en": "Gladly! A coffee is a relaxed 30-minute video chat with someone from the team: "
        "it isn't an interview. Which team would you like to meet?",
    },
    "coffee_any_team": {"fr": "Peu importe", "en": "Any team"},
    "coffee_hosts": {
        "fr": "Voici qui peut vous rencontrer pour un café de 30 minutes en visio, sans enjeu :",
        "en": "Here's who can meet you for a relaxed 30-minute video coffee:",
    },
    "coffee_host_line": {
        "fr": "• {name}, {role} (équipe {team}) : aime parler de {topics}.",
        "en": "• {name}, {role} ({team} team): likes to talk about {topics}.",
    },
    "coffee_other_language": {
        "fr": "Personne de cette équipe ne propose de café en français en ce moment : "
        "{names} échange en {languages}.",
        "en": "Nobody from this team offers coffees in English right now: {names} speaks "
        "{languages}.",
    },
    "coffee_pick": {
        "fr": "Choisissez un créneau (heure de {city}) :",
        "en": "Pick a time ({city} time):",
    },
    "coffee_pick_yours": {
        "fr": "Choisissez un créneau (heure de {city} ; entre parenthèses, chez vous) :",
        "en": "Pick a time ({city} time; in brackets, your time):",
    },
    "coffee_none": {
        "fr": "Je n'ai pas de créneau libre avec cette équipe dans les {days} prochains jours. "
        "Voulez-vous que je transmette votre demande à un·e recruteur·se ?",
        "en": "I have no free time with this team in the next {days} days. Would you like me "
        "to pass your request to a recruiter?",
    },
    "coffee_contact": {
        "fr": "Bon choix : un café avec {host} ({role}, équipe {team}), {when}. Pour le "
        "réserver, il me faut votre prénom et votre e-mail ; vous pouvez aussi dire à {host} "
        "ce que vous aimeriez lui demander.",
        "en": "Good choice: a coffee with {host} ({role}, {team} team), {when}. To book it, I "
        "need your first name and e-mail; you can also tell {host} what you'd like to ask.",
    },
    "coffee_consent": {
        "fr": "Votre prénom, votre e-mail et votre note servent uniquement à organiser ce café : "
        "{host} et l'équipe recrutement les reçoivent, et ils sont effacés {days} jours après "
        "le café (ou dès que vous le demandez).",
        "en": "Your first name, e-mail and note are used only to arrange this coffee: {host} and "
        "the recruiting team receive them, and they are deleted {days} days after the coffee "
        "(or as soon as you ask).",
    },
    "coffee_confirmed": {
        "fr": "C'est réservé ! Café avec {host} ({role}, équipe {team}), {when}. Un e-mail part "
        "à {email} avec l'invitation pour votre agenda et la façon de rejoindre la visio ; un "
        "rappel suivra la veille et une heure avant. Pour annuler ou déplacer, dites-le-moi "
        "ici ou utilisez le lien de l'e-mail.",
        "en": "You're booked! Coffee with {host} ({role}, {team} team), {when}. An e-mail is on "
        "its way to {email} with the calendar invitation and how to join the video call; a "
        "reminder follows the day before and one hour before. To cancel or move it, tell me "
        "here or use the link in the e-mail.",
    },
    "coffee_unavailable": {
        "fr": "Désolé, ce créneau n'est plus libre : quelqu'un l'a réservé entre-temps.",
        "en": "Sorry, that time is no longer free: someone booked it in the meantime.",
    },
    "coffee_cancelled": {
        "fr": "C'est annulé : votre café avec {host}, {when}. {host} est prévenu·e. Envie d'un "
        "autre créneau ? Demandez-moi simplement.",
        "en": "Cancelled: your coffee with {host}, {when}. {host} has been told. Fancy another "
        "time? Just ask me.",
    },
    "coffee_moved": {
        "fr": "C'est déplacé : votre café avec {host} ({role}, équipe {team}) a lieu {when}. "
        "L'invitation mise à jour part par e-mail.",
        "en": "Moved: your coffee with {host} ({role}, {team} team) is now {when}. The updated "
        "invitation is on its way by e-mail.",
    },
    "coffee_move_pick": {
        "fr": "Pour déplacer votre café du {when}, choisissez un nouveau créneau (heure de "
        "{city}) :",
        "en": "To move your coffee of {when}, pick a new time ({city} time):",
    },
    "coffee_yours": {
        "fr": "Votre café : {when}, avec {host} ({role}, équipe {team}).",
        "en": "Your coffee: {when}, with {host} ({role}, {team} team).",
    },
    "coffee_none_booked": {
        "fr": "Vous n'avez pas de café à venir réservé dans cette conversation. Si vous l'avez "
        "réservé ailleurs, l'e-mail de confirmation contient un lien pour le gérer. Voulez-vous "
        "en réserver un ?",
        "en": "You have no upcoming coffee booked in this conversation. If you booked it "
        "elsewhere, the confirmation e-mail has a link to manage it. Would you like to book one?",
    },
    "coffee_book_button": {"fr": "Réserver un café", "en": "Book a coffee"},
    "coffee_team_button": {
        "fr": "Prendre un café avec l'équipe {team}",
        "en": "Have a coffee with the {team} team",
    },
    "coffee_cancel_button": {"fr": "Annuler ce café", "en": "Cancel this coffee"},
    "coffee_move_button": {"fr": "Déplacer", "en": "Move"},
    "coffee_invalid": {
        "fr": "Je n'ai pas pu réserver : {problem}",
        "en": "I couldn't book it: {problem}",
    },
    "coffee_invalid_change": {
        "fr": "Je n'ai pas pu modifier ce café : {problem}",
        "en": "I couldn't change this coffee: {problem}",
    },
}
# Why a booking or a change was refused, by BookingError code (bot.meetings.booking).
COFFEE_PROBLEMS = {
    "name_missing": {"fr": "il me faut votre prénom.", "en": "I need your first name."},
    "name_not_plain": {
        "fr": "votre prénom doit être du texte simple, sur une ligne.",
        "en": "your first name must be plain text on one line.",
    },
    "name_too_long": {
        "fr": "votre prénom est trop long (80 caractères au plus).",
        "en": "your first name is too long (80 characters at most).",
    },
    "email_invalid": {
        "fr": "cette adresse e-mail ne semble pas valide.",
        "en": "this e-mail address doesn't look valid.",
    },
    "already_booked": {
        "fr": "cette adresse e-mail a déjà un café à venir (un seul à la fois). Pour le "
        "déplacer ou l'annuler, utilisez le lien de son e-mail de confirmation.",
        "en": "this e-mail address already has an upcoming coffee (one at a time). To move or "
        "cancel it, use the link in its confirmation e-mail.",
    },
    "note_not_plain": {
        "fr": "votre note doit être du texte simple.",
        "en": "your note must be plain text.",
    },
    "note_too_long": {
        "fr": "votre note est trop longue (500 caractères au plus).",
        "en": "your note is too long (500 characters at most).",
    },
    "consent_missing": {
        "fr": "il me faut votre accord sur l'usage de vos coordonnées (la case à cocher).",
        "en": "I need your agreement to how your details are used (the tick box).",
    },
    "slot_unknown": {
        "fr": "ce créneau n'existe pas.",
        "en": "that time slot doesn't exist.",
    },
    "slot_past": {"fr": "ce créneau est passé.", "en": "that time has passed."},
    "slot_too_soon": {
        "fr": "un café se réserve au moins 24 heures à l'avance.",
        "en": "a coffee must be booked at least 24 hours ahead.",
    },
    "slot_too_far": {
        "fr": "un café se réserve au plus 14 jours à l'avance.",
        "en": "a coffee can be booked at most 14 days ahead.",
    },
    "host_inactive": {
        "fr": "cette personne ne propose plus de cafés.",
        "en": "this person no longer offers coffees.",
    },
    "host_paused": {
        "fr": "cette personne est absente ce jour-là.",
        "en": "this person is away that day.",
    },
    "slot_unchanged": {
        "fr": "c'est déjà l'heure de votre café.",
        "en": "that is already your coffee's time.",
    },
    "booking_unknown": {
        "fr": "je ne trouve pas ce café.",
        "en": "I can't find this coffee.",
    },
    "booking_not_yours": {
        "fr": "ce café n'a pas été réservé dans cette conversation.",
        "en": "this coffee wasn't booked in this conversation.",
    },
    "booking_closed": {
        "fr": "ce café est déjà annulé ou passé.",
        "en": "this coffee is already cancelled or over.",
    },
    "language_unknown": {
        "fr": "la langue de la conversation est inconnue.",
        "en": "the conversation's language is unknown.",
    },
    "conversation_missing": {
        "fr": "la conversation est inconnue.",
        "en": "the conversation is unknown.",
    },
}
TEXTS.update(COFFEE_TEXTS)

# Why a registration, a question or an alert was refused (bot.events).
EVENT_PROBLEMS = {
    "event_unknown": {"fr": "cette date n'existe pas.", "en": "that date doesn't exist."},
    "event_cancelled": {"fr": "cette date est annulée.", "en": "that date is cancelled."},
    "event_past": {"fr": "cette date est passée.", "en": "that date has passed."},
    "event_over": {"fr": "la session est terminée.", "en": "the session is over."},
    "not_registrable": {
        "fr": "on ne s'inscrit pas à cette date.",
        "en": "that date takes no registration.",
    },
    "registration_closed": {
        "fr": "les inscriptions sont closes pour cette date.",
        "en": "registration is closed for that date.",
    },
    "already_registered": {
        "fr": "cette adresse e-mail est déjà inscrite à cette date (ou sur sa liste d'attente).",
        "en": "this e-mail address is already registered for that date (or on its waitlist).",
    },
    "registration_unknown": {
        "fr": "je ne trouve pas cette inscription.",
        "en": "I can't find this registration.",
    },
    "registration_not_yours": {
        "fr": "cette inscription n'a pas été faite dans cette conversation.",
        "en": "this registration wasn't made in this conversation.",
    },
    "offer_expired": {
        "fr": "la place proposée n'a pas été confirmée à temps.",
        "en": "the seat offered wasn't confirmed in time.",
    },
    "question_missing": {"fr": "votre question est vide.", "en": "your question is empty."},
    "question_not_plain": {
        "fr": "votre question doit être du texte simple.",
        "en": "your question must be plain text.",
    },
    "question_too_long": {
        "fr": "votre question est trop longue (500 caractères au plus).",
        "en": "your question is too long (500 characters at most).",
    },
    "question_limit": {
        "fr": "vous avez déjà envoyé le nombre maximal de questions pour cette session.",
        "en": "you have already sent the most questions allowed for this session.",
    },
    "not_a_panel": {
        "fr": "cette date n'est pas une session de questions inversées.",
        "en": "that date isn't a reverse Q&A session.",
    },
    "not_confirmed": {
        "fr": "il faut une place confirmée pour poser une question (pas la liste d'attente).",
        "en": "you need a confirmed seat to ask a question (not the waitlist).",
    },
    "kind_unknown": {"fr": "je ne connais pas cet événement.", "en": "I don't know that event."},
}
COFFEE_PROBLEMS.update(EVENT_PROBLEMS)
EVENT_TEXTS = {
    "event_dates": {
        "fr": "Prochaines dates de {event} (inscription ici même) :",
        "en": "Next {event} dates (register right here):",
    },
    "event_none": {
        "fr": "Il n'y a pas de date de {event} ouverte aux inscriptions pour le moment. "
        "Voulez-vous que je transmette votre demande à un·e recruteur·se ?",
        "en": "There is no {event} date open for registration right now. Would you like me "
        "to pass your request to a recruiter?",
    },
    "event_open_house": {"fr": "portes ouvertes", "en": "open house"},
    "event_reverse_qa": {"fr": "questions inversées", "en": "reverse Q&A"},
    "event_seats": {"fr": "{seats} places", "en": "{seats} seats left"},
    "event_full": {"fr": "complet, liste d'attente", "en": "full, waitlist"},
    "event_contact": {
        "fr": "Pour vous inscrire ({event}, {when}), il me faut votre prénom et votre e-mail.",
        "en": "To register you ({event}, {when}), I need your first name and e-mail.",
    },
    "event_consent": {
        "fr": "Votre prénom et votre e-mail servent uniquement à cette inscription : l'équipe "
        "recrutement les reçoit, et ils sont effacés {days} jours après l'événement (ou dès que "
        "vous le demandez).",
        "en": "Your first name and e-mail are used only for this registration: the recruiting "
        "team receives them, and they are deleted {days} days after the event (or as soon as "
        "you ask).",
    },
    "event_confirmed": {
        "fr": "C'est noté, vous êtes inscrit·e : {event}, {when}. Un e-mail part à {email} avec "
        "l'invitation pour votre agenda ; un rappel suivra la veille et une heure avant.",
        "en": "You're registered: {event}, {when}. An e-mail is on its way to {email} with the "
        "calendar invitation; a reminder follows the day before and one hour before.",
    },
    "event_panel_hint": {
        "fr": "Vous pouvez dès maintenant envoyer vos questions aux dirigeants, ici ou depuis "
        "le lien de l'e-mail, où vous verrez et soutiendrez aussi celles des autres.",
        "en": "You can send your questions for the leaders now, here or from the e-mail's "
        "link, where you can also see and upvote the others'.",
    },
    "event_waitlisted": {
        "fr": "Cette date est complète : vous êtes sur la liste d'attente ({event}, {when}), en "
        "position {position}. Si une place se libère, elle vous est proposée par e-mail à {email}.",
        "en": "That date is full: you're on the waitlist ({event}, {when}), position {position}. "
        "If a seat frees up, it is offered to you by e-mail at {email}.",
    },
    "event_cancelled": {
        "fr": "C'est annulé : votre inscription ({event}, {when}).",
        "en": "Cancelled: your registration ({event}, {when}).",
    },
    "event_yours": {
        "fr": "Votre inscription : {event}, {when} ({status}).",
        "en": "Your registration: {event}, {when} ({status}).",
    },
    "event_status_confirmed": {"fr": "place confirmée", "en": "seat confirmed"},
    "event_status_offered": {
        "fr": "place proposée, à confirmer par e-mail",
        "en": "seat offered, to confirm by e-mail",
    },
    "event_status_waitlisted": {"fr": "liste d'attente", "en": "waitlist"},
    "event_cancel_button": {"fr": "Annuler l'inscription", "en": "Cancel registration"},
    "event_alert_button": {
        "fr": "Prévenez-moi à l'ouverture",
        "en": "Tell me when it opens",
    },
    "event_question_received": {
        "fr": "Merci, votre question est transmise pour la session du {when}. Les autres "
        "inscrits pourront la soutenir (sans voir votre nom).",
        "en": "Thanks, your question is in for the session of {when}. Other participants can "
        "upvote it (without seeing your name).",
    },
    "event_question_invalid": {
        "fr": "Je n'ai pas pu enregistrer votre question : {problem}",
        "en": "I couldn't save your question: {problem}",
    },
    "event_hackathon": {
        "fr": "Les dates du prochain hackathon ne sont pas encore fixées. Je peux garder votre "
        "e-mail et vous prévenir une fois, dès l'ouverture des inscriptions.",
        "en": "The next hackathon's dates aren't set yet. I can keep your e-mail and tell you "
        "once, as soon as registration opens.",
    },
    "event_alert_consent": {
        "fr": "Votre e-mail sert uniquement à vous prévenir de l'ouverture des inscriptions au "
        "hackathon, une seule fois ; il est effacé juste après.",
        "en": "Your e-mail is used only to tell you once that hackathon registration is open; "
        "it is deleted right after.",
    },
    "event_alert_kept": {
        "fr": "C'est noté : je vous préviendrai à {email} dès l'ouverture des inscriptions au "
        "hackathon.",
        "en": "Noted: I'll tell you at {email} as soon as hackathon registration opens.",
    },
    "event_invalid": {
        "fr": "Je n'ai pas pu vous inscrire : {problem}",
        "en": "I couldn't register you: {problem}",
    },
}
TEXTS.update(EVENT_TEXTS)
TEXTS.update(JOB_TEXTS)
TEXTS.update(APPLICATION_TEXTS)
TEXTS.update(COMMUNITY_TEXTS)
TEXTS.update(PITCH_TEXTS)


def coffee_problem(code: str, language: str) -> str:
    """Why a coffee could not be booked or changed, for the candidate."""
    variants = COFFEE_PROBLEMS.get(code) or COFFEE_PROBLEMS["slot_unknown"]
    return variants.get(language, variants["fr"])


def text(key: str, language: str, **values: object) -> str:
    """The sentence `key` in `language` (French when the language has none), filled in."""
    variants = TEXTS[key]
    return variants.get(language, variants["fr"]).format(**values)


__all__ = ["TEXTS", "Problem", "coffee_problem", "problem_text", "text"]
