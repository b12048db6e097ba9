"""What the assistant says about the talent community, in French and English (issue 14):
the sign-up form and its answer, the e-mails (confirmation, positions that opened,
renewal, a recruiter's message) and their link pages, and why a sign-up was refused."""

from __future__ import annotations

from bot.core.job_texts import OFFICE_CITIES, OTHER_CITIES

# How long a membership lasts without renewal (CNIL guidance for candidates' data), and
# when the renewal e-mail goes before the end.
MEMBERSHIP_MONTHS = 24
RENEWAL_NOTICE_DAYS = 30
# The cities a member may choose: the offices, and the others a job search knows (one
# name each: "Londres" and "Bruxelles", not their English twins).
COMMUNITY_CITIES = (*OFFICE_CITIES, *(c for c in OTHER_CITIES if c not in ("London", "Brussels")))
# The languages a member may say they work in.
WORK_LANGUAGES = {
    "fr": {"fr": "français", "en": "anglais"},
    "en": {"fr": "French", "en": "English"},
}

COMMUNITY_TEXTS: dict[str, dict[str, str]] = {
    "community_form": {
        "fr": "Rejoignez la communauté de talents d'Ardoise Labs : dites-nous ce que vous "
        "cherchez (équipes, villes, télétravail, niveau) et nous vous écrirons quand un poste "
        "qui vous correspond ouvre, une fois par semaine au plus. Il suffit d'un e-mail, que "
        "vous confirmerez d'un clic.",
        "en": "Join the Ardoise Labs talent community: tell us what you are looking for "
        "(teams, cities, remote work, level) and we will write when a position that fits you "
        "opens, once a week at most. All it takes is an e-mail address, which you confirm "
        "with one click.",
    },
    "community_offer_button": {
        "fr": "Me prévenir quand un poste correspondant ouvre",
        "en": "Tell me when a matching position opens",
    },
    "community_offer": {
        "fr": "Rien ne correspond exactement aujourd'hui ? Je peux vous prévenir quand un poste "
        "qui vous correspond ouvre.",
        "en": "Nothing fits exactly today? I can let you know when a position that fits opens.",
    },
    "community_consent": {
        "fr": "J'accepte qu'Ardoise Labs conserve mon e-mail et mes souhaits pour m'écrire "
        "quand un poste correspondant ouvre (une fois par semaine au plus), {months} mois au "
        "plus sans renouvellement, et je sais que je peux me désinscrire en un clic.",
        "en": "I agree that Ardoise Labs keeps my e-mail address and wishes to write to me "
        "when a matching position opens (once a week at most), for {months} months at most "
        "without renewal, and I know I can unsubscribe in one click.",
    },
    "community_pending": {
        "fr": "Presque fini ! Un e-mail vient de partir à {email} : cliquez sur son lien pour "
        "confirmer votre inscription. Tant que ce n'est pas fait, nous ne gardons rien (la "
        "demande s'efface d'elle-même au bout de {days} jours).",
        "en": "Almost done! An e-mail is on its way to {email}: click its link to confirm "
        "your sign-up. Until you do, we keep nothing (the request deletes itself after "
        "{days} days).",
    },
    "community_pending_no_mail": {
        "fr": "Votre demande est notée, mais je n'ai pas pu envoyer l'e-mail de confirmation "
        "à {email}. Sans confirmation, rien n'est gardé : un recruteur peut vous aider.",
        "en": "Your request is noted, but I could not send the confirmation e-mail to "
        "{email}. Without a confirmation nothing is kept: a recruiter can help.",
    },
    "community_invalid": {
        "fr": "Je n'ai pas pu enregistrer l'inscription : {problem}",
        "en": "I couldn't save the sign-up: {problem}",
    },
    "community_confirm_subject": {
        "fr": "Confirmez votre inscription à la communauté de talents d'Ardoise Labs",
        "en": "Confirm your sign-up to the Ardoise Labs talent community",
    },
    "community_confirm_body": {
        "fr": "Bonjour,\n\nVous avez demandé à rejoindre la communauté de talents d'Ardoise "
        "Labs depuis notre assistant. Vos souhaits : {wishes}.\n\nPour confirmer, cliquez ici "
        "(lien valable {days} jours) : {link}\n\nSans confirmation, nous ne gardons rien. Si "
        "vous n'êtes pas à l'origine de cette demande, ignorez cet e-mail.\n\n"
        "L'équipe recrutement d'Ardoise Labs",
        "en": "Hello,\n\nYou asked to join the Ardoise Labs talent community from our "
        "assistant. Your wishes: {wishes}.\n\nTo confirm, click here (the link works for "
        "{days} days): {link}\n\nWithout a confirmation we keep nothing. If you did not ask "
        "for this, ignore this e-mail.\n\nThe Ardoise Labs recruiting team",
    },
    "community_positions_subject": {
        "fr": "Un poste qui vous correspond vient d'ouvrir chez Ardoise Labs",
        "en": "A position that fits you just opened at Ardoise Labs",
    },
    "community_positions_body": {
        "fr": "Bonjour,\n\nVous faites partie de la communauté de talents d'Ardoise Labs. "
        "Ce qui a ouvert et correspond à vos souhaits ({wishes}) :\n\n{positions}\n\n"
        "Pour postuler, ou poser vos questions, notre assistant vous attend : {careers}\n\n"
        "Nous vous écrivons une fois par semaine au plus. Se désinscrire (tout est effacé), "
        "en un clic : {leave}\n\nL'équipe recrutement d'Ardoise Labs",
        "en": "Hello,\n\nYou are a member of the Ardoise Labs talent community. What opened "
        "and fits your wishes ({wishes}):\n\n{positions}\n\nTo apply, or ask your questions, "
        "our assistant is waiting for you: {careers}\n\nWe write once a week at most. "
        "Unsubscribe (everything is deleted), in one click: {leave}\n\n"
        "The Ardoise Labs recruiting team",
    },
    "community_position_line": {
        "fr": "- {title} ({team}, {location}) : {salary}",
        "en": "- {title} ({team}, {location}): {salary}",
    },
    "community_renew_subject": {
        "fr": "Restez-vous dans la communauté de talents d'Ardoise Labs ?",
        "en": "Are you staying in the Ardoise Labs talent community?",
    },
    "community_renew_body": {
        "fr": "Bonjour,\n\nVotre inscription à la communauté de talents d'Ardoise Labs prend "
        "fin le {date}. Sans nouvelle de votre part, tout sera effacé ce jour-là.\n\nPour "
        "rester inscrit {months} mois de plus, un clic : {renew}\n\nSe désinscrire dès "
        "maintenant : {leave}\n\nL'équipe recrutement d'Ardoise Labs",
        "en": "Hello,\n\nYour membership of the Ardoise Labs talent community ends on {date}. "
        "Unless we hear from you, everything is deleted that day.\n\nTo stay {months} more "
        "months, one click: {renew}\n\nUnsubscribe now: {leave}\n\n"
        "The Ardoise Labs recruiting team",
    },
    "community_message_footer": {
        "fr": "\n\n—\nVous recevez ce message d'un recruteur d'Ardoise Labs parce que vous "
        "faites partie de sa communauté de talents. Se désinscrire (tout est effacé), en un "
        "clic : {leave}",
        "en": "\n\n—\nYou are receiving this message from an Ardoise Labs recruiter because "
        "you are a member of its talent community. Unsubscribe (everything is deleted), in "
        "one click: {leave}",
    },
    "community_any": {"fr": "tout poste", "en": "any position"},
    "community_wish_remote": {"fr": "en télétravail complet", "en": "fully remote"},
    "community_wish_languages": {"fr": "en {languages}", "en": "in {languages}"},
    # the link pages
    "community_confirm_title": {
        "fr": "Confirmer mon inscription",
        "en": "Confirm my sign-up",
    },
    "community_confirm_intro": {
        "fr": "Vous rejoignez la communauté de talents d'Ardoise Labs avec l'adresse {email}. "
        "Vos souhaits : {wishes}. Nous vous écrirons une fois par semaine au plus, pendant "
        "{months} mois.",
        "en": "You are joining the Ardoise Labs talent community with the address {email}. "
        "Your wishes: {wishes}. We will write once a week at most, for {months} months.",
    },
    "community_confirm_button": {"fr": "Confirmer", "en": "Confirm"},
    "community_confirmed": {
        "fr": "C'est confirmé : bienvenue dans la communauté ! Votre inscription court "
        "jusqu'au {date}.",
        "en": "Confirmed: welcome to the community! Your membership runs until {date}.",
    },
    "community_leave_title": {"fr": "Se désinscrire", "en": "Unsubscribe"},
    "community_leave_intro": {
        "fr": "Vous quittez la communauté de talents d'Ardoise Labs : l'adresse {email} et vos "
        "souhaits sont effacés, et nous ne vous écrirons plus.",
        "en": "You are leaving the Ardoise Labs talent community: the address {email} and "
        "your wishes are deleted, and we will not write to you again.",
    },
    "community_leave_button": {"fr": "Me désinscrire", "en": "Unsubscribe"},
    "community_left": {
        "fr": "C'est fait : vous n'êtes plus inscrit et nous avons tout effacé.",
        "en": "Done: you are unsubscribed and we have deleted everything.",
    },
    "community_renew_title": {"fr": "Rester inscrit", "en": "Stay a member"},
    "community_renew_intro": {
        "fr": "Votre inscription ({email}) prend fin le {date}. Un clic la prolonge de "
        "{months} mois.",
        "en": "Your membership ({email}) ends on {date}. One click extends it by {months} months.",
    },
    "community_renew_button": {"fr": "Rester inscrit", "en": "Stay a member"},
    "community_renewed": {
        "fr": "C'est fait : votre inscription court désormais jusqu'au {date}.",
        "en": "Done: your membership now runs until {date}.",
    },
    "community_gone": {
        "fr": "Cette inscription n'existe pas ou plus : nous ne gardons rien d'elle.",
        "en": "This sign-up does not exist (any more): we keep nothing of it.",
    },
}

COMMUNITY_PROBLEMS: dict[str, dict[str, str]] = {
    "email_invalid": {
        "fr": "l'adresse e-mail n'est pas valable.",
        "en": "the e-mail address is not valid.",
    },
    "teams_invalid": {
        "fr": "choisissez les équipes dans la liste proposée.",
        "en": "please pick the teams from the list.",
    },
    "locations_invalid": {
        "fr": "choisissez les villes dans la liste proposée.",
        "en": "please pick the cities from the list.",
    },
    "remote_invalid": {
        "fr": "le télétravail se dit oui ou non.",
        "en": "remote work is a yes or a no.",
    },
    "level_invalid": {
        "fr": "choisissez le niveau dans la liste proposée.",
        "en": "please pick the level from the list.",
    },
    "languages_invalid": {
        "fr": "les langues possibles sont le français et l'anglais.",
        "en": "the possible languages are French and English.",
    },
    "consent_missing": {
        "fr": "pour vous inscrire, il faut cocher la case de consentement.",
        "en": "to sign up, please tick the consent box.",
    },
    "too_many_signups": {
        "fr": "plusieurs demandes sont déjà en attente pour cette adresse : cliquez sur le lien "
        "d'un des e-mails reçus, ou réessayez demain.",
        "en": "several requests are already waiting for this address: click the link in one "
        "of the e-mails, or try again tomorrow.",
    },
}


def community_problem(code: str, language: str) -> str:
    """Why a sign-up was refused, for the candidate."""
    variants = COMMUNITY_PROBLEMS.get(code) or COMMUNITY_PROBLEMS["email_invalid"]
    return variants.get(language, variants["fr"])


# Words (folded) of a wish to hear about positions later ("prévenez-moi", "keep me
# posted"): a message with one of them asks to join, whatever filter it names; one
# without them that names a filter is a search of the positions open now.
COMMUNITY_WORDS = (
    "communaute",
    "vivier",
    "prevenez",
    "prevenir",
    "previens",
    "previenne",
    "averti",
    "alerte",
    "au courant",
    "informe",
    "recontact",
    "futur",
    "a venir",
    "prochain",
    "en contact",
    "abonner",
    "inscri",
    "community",
    "talent pool",
    "talent network",
    "keep me posted",
    "let me know",
    "notify",
    "alert",
    "future",
    "upcoming",
    "in touch",
    "reach out",
    "contact me later",
    "subscribe",
    "sign me up",
    "comes up",
    "opens",
)


# A typed request to join, whatever the model read it as (it has no intent of its own:
# bot.candidate.jobs.community_request). Folded text (lower case, no accents).
JOIN_PHRASES = (
    "communaute de talent",
    "vivier",
    "talent pool",
    "talent community",
    "talent network",
    "job alert",
    "alerte emploi",
    "alertes emploi",
    "keep me in the loop",
    "keep me posted",
    "keep me in mind",
    "tenez-moi informe",
    "tenez moi informe",
    "tenez-moi au courant",
    "tenez moi au courant",
    "tenu au courant",
    "tenue au courant",
    "gardez-moi en tete",
    "gardez moi en tete",
)
# Asking to be told: with a position to come, a request to join.
TELL_ME = (
    r"alert",
    r"previen",
    r"prevenez",
    r"prevenir",
    r"averti",
    r"inform",
    r"recevoir",
    r"inscri",
    r"notif",
    r"let me know",
    r"ping me",
    r"hear about",
    r"sign up",
    r"subscribe",
    r"add me",
    r"add my",
    r"email me",
    r"e-mail me",
    r"contact me",
    r"reach out",
)
# Asking for an alert ("une alerte pour les postes à Lyon", "alert me about data roles"),
# not the word inside markup or code ("onerror=alert(1)").
ALERT = r"(\bune alerte|\bdes alertes|\bm'alert|\balert me\b|\balerts? (for|about|on)\b)"
# A position to come ("vos prochaines offres", "future openings", "when a role opens").
POSITION = (
    r"(poste|offre|recrutement|ouverture|opportunite|job|role|position|opening|vacanc|opportunit)"
)
POSITION_TO_COME = (
    rf"\b(prochain|futur|a venir)\w*\s+(\w+\s+)?{POSITION}",
    rf"{POSITION}\w*\s+(\w+\s+)?(futur|a venir)",
    rf"\b(future|upcoming|new|next)\s+(\w+\s+)?{POSITION}",
    rf"{POSITION}\w*\s+(\w+\s+){{0,2}}(opens|open up|opens up|comes up|ouvre|s'ouvre)\b",
    r"\bwhen you (open|have|post)\b",
    r"\bquand vous (aurez|ouvrirez|ouvrez)\b",
)
