"""French wording of the validators' problem messages, for the HR workspace.

The validators (bot.knowledge.files and .editing, bot.hr.triage, bot.records)
write their messages in English, for logs and developers; HR reads the
workspace in French. Each English template is matched by a regular expression
whose named groups carry the values (ids, numbers, quoted texts), which the
French template keeps. A message no template knows is returned unchanged, so
nothing is ever lost.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

# A Python repr of a text ('it', "it's", 'it\'s "so"'), as the validators quote values.
QUOTED = r"""(?:'(?:[^'\\\n]|\\.)*'|"(?:[^"\\\n]|\\.)*")"""
_QUOTED = re.compile(QUOTED)
_THOUSANDS = re.compile(r"^-?\d{1,3}(?:,\d{3})+$")

LANGUAGE_NAMES = {"fr": "français", "en": "anglais"}
_LANGUAGE_WORDS = {"French": "français", "English": "anglais"}
_REVISION_ACTIONS = {
    "created": "créé",
    "updated": "modifié",
    "restored": "restauré",
    "deleted": "supprimé",
}
_LISTS = {
    "questions": "les questions d'exemple",
    "tags": "les étiquettes",
    "related": "les articles liés",
}

French = str | Callable[[Mapping[str, str]], str]


@dataclass(frozen=True)
class Template:
    """One English message shape and its French wording (a format string over the
    pattern's groups, or a function of them when the grammar depends on a value)."""

    english: re.Pattern[str]
    french: French

    def render(self, match: re.Match[str]) -> str:
        values = {name: _french_value(name, value) for name, value in match.groupdict().items()}
        return self.french(values) if callable(self.french) else self.french.format(**values)


def _guillemets(value: str) -> str:
    """'remote-work' -> « remote-work » (the text itself unchanged)."""
    try:
        text = ast.literal_eval(value)
    except (ValueError, SyntaxError):
        return value
    return f"« {text} »" if isinstance(text, str) else value


def _french_value(name: str, value: str | None) -> str:
    if value is None:
        return ""
    if name == "language":
        return LANGUAGE_NAMES.get(value, f"« {value} »")
    if name == "language_word":
        return _LANGUAGE_WORDS.get(value, value)
    if name == "languages":
        return " et ".join(f"en {LANGUAGE_NAMES.get(code, code)}" for code in value.split(" and "))
    if name == "action":
        return _REVISION_ACTIONS.get(value, value)
    if name == "what":
        return _LISTS.get(value, value)
    if _THOUSANDS.match(value):
        return value.replace(",", " ")  # 1,000,000 reads as a decimal number in French
    if _QUOTED.fullmatch(value):
        return _guillemets(value)
    return value


def _plural(count: str, singular: str, plural: str) -> str:
    """French agreement: 0 and 1 take the singular."""
    return singular if count.isdigit() and int(count) < 2 else plural


def _too_few_questions(values: Mapping[str, str]) -> str:
    count = values["count"]
    noun = _plural(count, "question d'exemple", "questions d'exemple")
    return f"{count} {noun} seulement : il en faut au moins {values['minimum']}"


def _still_related(values: Mapping[str, str]) -> str:
    ids = values["ids"]
    if "," in ids:
        return (
            f"les articles {ids} citent cet article parmi leurs articles liés : "
            "retirez-le d'abord de ces articles"
        )
    return (
        f"l'article {ids} cite cet article parmi ses articles liés : "
        "retirez-le d'abord de cet article"
    )


def _template(english: str, french: French) -> Template:
    return Template(re.compile(english, re.S), french)


_N = r"\d+"
_NUMBER = r"-?\d{1,3}(?:,\d{3})*|-?\d+"
_ID = r"[a-z0-9][a-z0-9-]*"
_RELOAD = "since you opened revision (?P<expected>\\S+); reload it and apply your changes again"
_RELOAD_FR = (
    "depuis que vous avez ouvert la révision {expected} : "
    "rechargez-le et refaites vos modifications"
)

# Most specific first: the first template that matches the whole message wins.
TEMPLATES: tuple[Template, ...] = (
    # --- knowledge files and articles (bot.knowledge.files) ------------------------------
    _template(
        r"(?P<what>questions|tags|related) must be a list of texts",
        "{what} doivent être une liste de textes",
    ),
    _template(
        r"reviewed must be a date like (?P<example>\S+), got (?P<value>.*)",
        "la date de relecture doit s'écrire comme {example} (valeur reçue : {value})",
    ),
    _template(r"links must be a list", "les liens doivent être une liste"),
    _template(
        r"a link needs a url starting with (?P<a>\S+), (?P<b>\S+) or (?P<c>\S+)",
        "chaque lien doit avoir une adresse commençant par {a}, {b} ou {c}",
    ),
    _template(
        r"missing \(every article needs (?P<languages>[a-z]{2}(?: and [a-z]{2})*)\)",
        "texte manquant : chaque article doit être rédigé {languages}",
    ),
    _template(r"title is empty", "le titre est vide"),
    _template(rf"title is longer than (?P<n>{_N}) characters", "le titre dépasse {n} caractères"),
    _template(r"answer is empty", "la réponse est vide"),
    _template(
        rf"answer is longer than (?P<n>{_N}) characters",
        "la réponse dépasse {n} caractères",
    ),
    _template(
        r"answer contains HTML; use \*\*bold\*\*, '- ' lists and \[label\]\(url\)",
        "la réponse contient du HTML : utilisez **gras**, des listes « - » et [libellé](https://…)",
    ),
    _template(
        rf"(?P<count>{_N}) example questions, at least (?P<minimum>{_N}) needed",
        _too_few_questions,
    ),
    _template(
        rf"example question longer than (?P<n>{_N}) characters",
        "une question d'exemple dépasse {n} caractères",
    ),
    _template(
        rf"example question (?P<question>{QUOTED}) is listed twice",
        "la question d'exemple {question} figure deux fois",
    ),
    _template(
        r"an article must be a mapping with id, team, fr and en",
        "un article doit contenir les clés id, team, fr et en",
    ),
    _template(
        rf"id (?P<id>{QUOTED}) must be lowercase letters, digits and dashes",
        "l'identifiant {id} ne doit contenir que des lettres minuscules, des chiffres "
        "et des tirets",
    ),
    _template(r"team is empty", "l'équipe n'est pas renseignée"),
    _template(
        r"status must be one of (?P<options>.+)",
        "le statut doit être l'une des valeurs suivantes : {options}",
    ),
    _template(r"cannot be read \((?P<error>.*)\)", "lecture impossible ({error})"),
    _template(r"not valid YAML \((?P<error>.*)\)", "YAML non valide ({error})"),
    _template(
        r"expected a mapping with 'topic' and a list of 'articles'",
        "le fichier doit contenir « topic » et une liste « articles »",
    ),
    _template(
        rf"topic (?P<topic>{QUOTED}) must be a short lowercase key",
        "le thème {topic} doit être une clé courte en minuscules",
    ),
    _template(
        rf"article id (?P<id>{QUOTED}) is already used in (?P<source>.+)",
        "l'identifiant d'article {id} est déjà utilisé dans {source}",
    ),
    _template(rf"related (?P<other>{QUOTED}) does not exist", "l'article lié {other} n'existe pas"),
    _template(r"related names itself", "l'article se cite lui-même parmi ses articles liés"),
    _template(
        rf"(?P<language>[a-z]{{2}}) example question (?P<question>{QUOTED}) "
        rf"is also an example of article (?P<owner>{QUOTED})",
        "la question d'exemple en {language} {question} est aussi une question d'exemple "
        "de l'article {owner}",
    ),
    _template(
        r"no \.yml knowledge files found",
        "aucun fichier .yml de base de connaissances trouvé",
    ),
    # --- the HR article editor (bot.hr.editing, bot.knowledge.service) ----------------
    _template(r"must be a text", "doit être un texte"),
    _template(rf"at most (?P<n>{_N}) characters", "{n} caractères au maximum"),
    _template(rf"at most (?P<n>{_N}) tags", "{n} étiquettes au maximum"),
    _template(rf"at most (?P<n>{_N}) related articles", "{n} articles liés au maximum"),
    _template(r"must be an article id", "doit être un identifiant d'article"),
    _template(rf"at most (?P<n>{_N}) example questions", "{n} questions d'exemple au maximum"),
    _template(r"must be a list", "doit être une liste"),
    _template(rf"at most (?P<n>{_N}) links", "{n} liens au maximum"),
    _template(r"must be an object with url, fr and en", "doit être un objet avec url, fr et en"),
    _template(
        r"must start with (?P<a>\S+), (?P<b>\S+) or (?P<c>\S+)",
        "doit commencer par {a}, {b} ou {c}",
    ),
    _template(
        rf"one address, at most (?P<n>{_N}) long",
        "une seule adresse, sans espace, de {n} caractères au maximum",
    ),
    _template(
        rf"an article with the id (?P<id>{QUOTED}) already exists",
        "un article avec l'identifiant {id} existe déjà",
    ),
    _template(
        r"an article cannot be related to itself", "un article ne peut pas être lié à lui-même"
    ),
    _template(rf"article (?P<other>{QUOTED}) does not exist", "l'article {other} n'existe pas"),
    _template(rf"no article (?P<id>{QUOTED})", "l'article {id} n'existe pas"),
    _template(
        rf"(?P<question>{QUOTED}) is already an example question of this article",
        "{question} est déjà une question d'exemple de cet article",
    ),
    _template(
        rf"(?P<question>{QUOTED}) is already an example question of article (?P<owner>{QUOTED})",
        "{question} est déjà une question d'exemple de l'article {owner}",
    ),
    _template(
        rf"(?P<question>{QUOTED}) is already an example question of (?P<owner>{QUOTED})",
        "{question} est déjà une question d'exemple de l'article {owner}",
    ),
    _template(r"the article must be a JSON object", "l'article doit être un objet JSON"),
    _template(
        r"the id of an existing article cannot be changed",
        "l'identifiant d'un article existant ne peut pas être modifié",
    ),
    _template(r"required", "obligatoire"),
    _template(
        rf"lowercase letters, digits and dashes only, at most (?P<n>{_N})",
        "uniquement des lettres minuscules, des chiffres et des tirets, {n} caractères au maximum",
    ),
    _template(
        rf"a short lowercase key such as (?P<example>{QUOTED})",
        "une clé courte en minuscules, par exemple {example}",
    ),
    _template(r"the article could not be read", "l'article n'a pas pu être lu"),
    _template(
        rf"article (?P<id>{QUOTED}) has no revision yet {_RELOAD}",
        "l'article {id} n'a encore aucune révision " + _RELOAD_FR,
    ),
    _template(
        rf"article (?P<id>{QUOTED}) was (?P<action>\w+) by (?P<author>.+?) "
        rf"at (?P<day>\d{{4}}-\d{{2}}-\d{{2}}) (?P<time>\d{{2}}:\d{{2}}) "
        rf"\(revision (?P<number>{_N})\) {_RELOAD}",
        "l'article {id} a été {action} par {author} le {day} à {time} (révision {number}) "
        + _RELOAD_FR,
    ),
    _template(
        rf"article (?P<id>{QUOTED}) has no revision (?P<number>{_N})",
        "l'article {id} n'a pas de révision {number}",
    ),
    _template(
        r"articles (?P<ids>.+) list this article as related; remove it there first",
        _still_related,
    ),
    _template(
        r"the article has no (?P<language>\S+) text", "l'article n'a pas de texte en {language}"
    ),
    _template(r"the question is empty", "la question est vide"),
    _template(r"the question has no words", "la question ne contient aucun mot"),
    _template(
        rf"the article already has (?P<n>{_N}) example questions",
        "l'article a déjà {n} questions d'exemple, le maximum",
    ),
    # --- the inbox (bot.hr.triage) ---------------------------------------------------------------
    _template(r"no item given", "aucun élément choisi"),
    _template(
        r"the items are in different languages",
        "les éléments choisis ne sont pas tous dans la même langue",
    ),
    _template(
        r"these items hold no question of a candidate",
        "ces éléments ne contiennent aucune question posée par un candidat",
    ),
    _template(r"unknown inbox items: (?P<ids>.*)", "éléments inconnus dans « À traiter » : {ids}"),
    _template(
        rf"unknown inbox reason (?P<reason>{QUOTED})",
        "motif inconnu pour « À traiter » : {reason}",
    ),
    # --- events and job positions (bot.records) ----------------------------------------------
    _template(
        rf"must be at most (?P<n>{_N}) characters \(got (?P<length>{_N})\)",
        "doit faire au plus {n} caractères (actuellement {length})",
    ),
    _template(
        r"must not contain control characters",
        "ne doit pas contenir de caractères de contrôle (caractères invisibles)",
    ),
    _template(
        r"must be plain text, without HTML markup",
        "doit être du texte simple, sans balises HTML",
    ),
    _template(
        r"must be plain text, without Markdown formatting",
        "doit être du texte simple, sans mise en forme Markdown (**gras**, liens, images)",
    ),
    _template(
        r"must be one of:? (?P<options>.+)",
        "doit être l'une des valeurs suivantes : {options}",
    ),
    _template(
        r"(?P<value>\S+) is not a day of the calendar",
        "la date {value} n'existe pas dans le calendrier",
    ),
    _template(r"must be a date like (?P<example>\S+)", "doit être une date écrite comme {example}"),
    _template(
        rf"must be a date between (?P<first>{_N}) and (?P<last>{_N})",
        "doit être une date entre {first} et {last}",
    ),
    _template(
        r"must be a time like (?P<example>\S+)", "doit être une heure écrite comme {example}"
    ),
    _template(r"(?P<value>\S+) is not a time of day", "{value} n'est pas une heure valide"),
    _template(r"must be a whole number", "doit être un nombre entier"),
    _template(
        rf"must be between (?P<low>{_NUMBER}) and (?P<high>{_NUMBER})",
        "doit être compris entre {low} et {high}",
    ),
    _template(
        r"must be a knowledge-base article id like (?P<example>\S+)",
        "doit être l'identifiant d'un article de la base de connaissances, par exemple {example}",
    ),
    _template(
        r"expected a JSON object with the record's fields",
        "les données doivent être un objet JSON avec les champs de la fiche",
    ),
    _template(r"unknown field", "champ inconnu"),
    _template(r"is required", "est obligatoire"),
    _template(
        r"is needed in (?P<language_word>French|English) too \(or leave both languages empty\)",
        "doit aussi être rempli en {language_word} (ou laissez les deux langues vides)",
    ),
    _template(r"must not be before the date", "ne doit pas être avant la date de début"),
    _template(rf"an event lasts at most (?P<n>{_N}) days", "un événement dure au plus {n} jours"),
    _template(r"needs a start time", "il faut aussi une heure de début"),
    _template(r"must be after the start time", "doit être après l'heure de début"),
    _template(
        r"must not be below the minimum salary",
        "ne doit pas être inférieur au salaire minimum",
    ),
    _template(
        rf"no knowledge-base article has the id (?P<id>{_ID})",
        "aucun article de la base de connaissances n'a l'identifiant {id}",
    ),
    _template(rf"no event (?P<id>{QUOTED}|\S+)", "l'événement {id} n'existe pas"),
    _template(rf"no job position (?P<id>{QUOTED}|\S+)", "le poste {id} n'existe pas"),
    _template(
        r"listing upcoming events needs today's date",
        "la liste des événements à venir a besoin de la date du jour",
    ),
)


def find_template(message: str) -> tuple[str, Template, re.Match[str]] | None:
    """(prefix, template, match) for a message, or None when no template knows it.

    Knowledge-file problems start with where they are ("offices.yml: #2: article
    'parking': fr: answer is empty"): when the whole message matches nothing,
    the leading "...: " parts are kept as they are and the rest is matched.
    """
    parts = message.split(": ")
    for start in range(len(parts)):
        rest = ": ".join(parts[start:])
        for template in TEMPLATES:
            match = template.english.fullmatch(rest)
            if match:
                prefix = ": ".join(parts[:start]) + ": " if start else ""
                return prefix, template, match
    return None


def french(message: str) -> str:
    """The French wording of a validator's message; an unknown message unchanged."""
    if not isinstance(message, str):
        return message
    found = find_template(message)
    if found is None:
        return message
    prefix, template, match = found
    try:
        return prefix + template.render(match)
    except (KeyError, IndexError, ValueError):  # a template out of step with its pattern
        return message


def french_problems(problems: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """[{"field", "message"}, ...] (ArticleInvalid, InboxActionInvalid) with French messages;
    every other key kept."""
    return [
        {**problem, "message": french(problem["message"])}
        if isinstance(problem.get("message"), str)
        else dict(problem)
        for problem in problems
    ]


def french_errors(errors: Mapping[str, str]) -> dict[str, str]:
    """{field: message} (RecordError) with French messages."""
    return {field: french(message) for field, message in errors.items()}


__all__ = [
    "TEMPLATES",
    "Template",
    "find_template",
    "french",
    "french_errors",
    "french_problems",
]
