"""The sentences of the team coffees' link pages (bot.meetings.views), in French and
English: the candidate's cancel/move page and the ambassador's decline page, one table
per language keyed by a name; and the page of a link that cannot be honoured, in both
languages at once, by HTTP status."""

from __future__ import annotations

COFFEE_PAGE_TEXTS: dict[str, dict[str, str]] = {
    "fr": {
        "title": "Votre café équipe",
        "decline_title": "Décliner ce café ?",
        "hello": "Bonjour {name},",
        "when": "Quand",
        "with": "Avec",
        "host": "{host}, {role}, équipe {team}",
        "status": "Statut",
        "status_confirmed": "confirmé",
        "status_cancelled": "annulé",
        "status_declined": "décliné par l'hôte",
        "note": "Votre message pour l'hôte",
        "cancel_heading": "Annuler",
        "cancel_button": "Annuler mon café",
        "move_heading": "Déplacer vers un autre créneau",
        "move_button": "Choisir ce créneau",
        "rebook_heading": "Choisir un nouveau créneau",
        "no_slots": "Aucun autre créneau n'est libre pour le moment ; revenez dans quelques "
        "jours ou demandez un café dans le chat du site carrières.",
        "slot_line": "{when}, avec {host} ({role})",
        "cancelled": "Votre café est annulé. Un e-mail de confirmation est en route ; "
        "l'invitation jointe le retire de votre agenda.",
        "moved": "C'est fait : votre café est déplacé. Un e-mail avec la nouvelle invitation "
        "est en route.",
        "rebooked": "C'est réservé : un e-mail de confirmation avec l'invitation est en route.",
        "already_cancelled": "Ce café a été annulé : il n'y a plus rien à changer. Vous pouvez "
        "en réserver un autre depuis le chat du site carrières.",
        "already_declined_host": "Ce café a déjà été décliné. Le candidat a reçu nos excuses.",
        "declined_intro": "{host} ne peut finalement pas assurer ce café. Toutes nos excuses. "
        "Choisissez un autre créneau ci-dessous.",
        "closed": "Ce café ne peut plus être modifié.",
        "slot_taken": "Désolé, ce créneau vient d'être pris. Voici les créneaux libres "
        "maintenant :",
        "slot_invalid": "Ce créneau n'est plus proposé. Voici les créneaux libres maintenant :",
        "slot_unchanged": "Votre café est déjà à cet horaire.",
        "already_booked": "Vous avez déjà un café à venir : un seul à la fois. Gérez-le avec "
        "le lien de son e-mail.",
        "decline_intro": "Vous ne pouvez pas assurer le café avec {name}, prévu {when} ? "
        "En déclinant, {name} reçoit nos excuses et d'autres créneaux par e-mail.",
        "decline_button": "Décliner ce café",
        "declined_done": "C'est noté : le café est décliné. {name} a reçu nos excuses et "
        "d'autres créneaux.",
        "switch": "English",
    },
    "en": {
        "title": "Your team coffee",
        "decline_title": "Decline this coffee?",
        "hello": "Hello {name},",
        "when": "When",
        "with": "With",
        "host": "{host}, {role}, {team} team",
        "status": "Status",
        "status_confirmed": "confirmed",
        "status_cancelled": "cancelled",
        "status_declined": "declined by the host",
        "note": "Your message for the host",
        "cancel_heading": "Cancel",
        "cancel_button": "Cancel my coffee",
        "move_heading": "Move to another slot",
        "move_button": "Pick this slot",
        "rebook_heading": "Pick a new slot",
        "no_slots": "No other slot is free right now; come back in a few days or ask for a "
        "coffee in the chat on the careers site.",
        "slot_line": "{when}, with {host} ({role})",
        "cancelled": "Your coffee is cancelled. A confirmation e-mail is on its way; its "
        "invitation removes it from your calendar.",
        "moved": "Done: your coffee has moved. An e-mail with the new invitation is on its way.",
        "rebooked": "Booked: a confirmation e-mail with the invitation is on its way.",
        "already_cancelled": "This coffee was cancelled: there is nothing left to change. You "
        "can book another one from the chat on the careers site.",
        "already_declined_host": "This coffee has already been declined. The candidate got "
        "our apologies.",
        "declined_intro": "{host} can no longer make this coffee. We are sorry. Pick another "
        "slot below.",
        "closed": "This coffee cannot be changed any more.",
        "slot_taken": "Sorry, that slot was just taken. Here are the slots free now:",
        "slot_invalid": "That slot is no longer offered. Here are the slots free now:",
        "slot_unchanged": "Your coffee is already at that time.",
        "already_booked": "You already have an upcoming coffee: one at a time. Manage it with "
        "the link in its e-mail.",
        "decline_intro": "You cannot make the coffee with {name}, planned for {when}? If you "
        "decline, {name} gets our apologies and other slots by e-mail.",
        "decline_button": "Decline this coffee",
        "declined_done": "Done: the coffee is declined. {name} got our apologies and other slots.",
        "switch": "Français",
    },
}
# A link that cannot be honoured: said in both languages (the booking is unknown).
BAD_LINK = {
    404: (
        "Lien inconnu · Unknown link",
        "Ce lien n'est pas valide : il a peut-être été mal copié. Utilisez le lien de votre "
        "dernier e-mail, ou demandez de l'aide dans le chat du site carrières.",
        "This link is not valid: it may have been copied wrongly. Use the link in your "
        "latest e-mail, or ask for help in the chat on the careers site.",
    ),
    410: (
        "Lien expiré · Link expired",
        "Ce lien a expiré : le café a déjà eu lieu ou a changé depuis. Utilisez le lien de "
        "votre dernier e-mail.",
        "This link has expired: the coffee has taken place or changed since. Use the link in "
        "your latest e-mail.",
    ),
    403: (
        "Requête refusée · Request refused",
        "Cette action doit venir de la page du lien lui-même. Rouvrez le lien de votre e-mail.",
        "This action must come from the link's own page. Open the link in your e-mail again.",
    ),
}
