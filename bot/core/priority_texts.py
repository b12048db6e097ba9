"""What candidates say matters to them in an employer (folded words: lower case, no
accents), the chips that name it, and the articles that speak to each
(bot/candidate/priorities.py composes the pitch from those articles' own text)."""

from __future__ import annotations

# The priorities, in the order the chips show them.
PRIORITIES = (
    "remote", "growth", "mission", "pay", "stack", "team_size", "stability",
    "parental_leave", "balance", "diversity", "language", "location",
)  # fmt: skip

PRIORITY_LABELS: dict[str, dict[str, str]] = {
    "fr": {
        "remote": "Télétravail",
        "growth": "Apprendre et évoluer",
        "mission": "Mission et impact",
        "pay": "Rémunération",
        "stack": "Stack technique",
        "team_size": "Taille des équipes",
        "stability": "Stabilité",
        "parental_leave": "Congé parental",
        "balance": "Équilibre de vie",
        "diversity": "Diversité et inclusion",
        "language": "Langue de travail",
        "location": "Lieu de travail",
    },
    "en": {
        "remote": "Remote work",
        "growth": "Growth and learning",
        "mission": "Mission and impact",
        "pay": "Pay",
        "stack": "Tech stack",
        "team_size": "Team size",
        "stability": "Stability",
        "parental_leave": "Parental leave",
        "balance": "Work-life balance",
        "diversity": "Diversity and inclusion",
        "language": "Working language",
        "location": "Location",
    },
}

PRIORITIES_SLOT = "priorities"  # the conversation's priorities (domain.yml)


def priority_labels(priorities: list[str] | tuple[str, ...], language: str) -> list[str]:
    """The chips' names of known priorities, in `language` (English for any other)."""
    names = PRIORITY_LABELS.get(language, PRIORITY_LABELS["en"])
    return [names[p] for p in priorities if p in names]


# Words naming each priority, French and English, folded.
PRIORITY_WORDS: dict[str, tuple[str, ...]] = {
    "remote": (
        "teletravail", "teletravailler", "remote", "remotely", "full remote", "a distance",
        "hybride", "hybrid", "work from home", "wfh", "de chez moi", "from home",
        "flexibilite", "flexibility", "remote flexibility",
    ),
    "growth": (
        "apprendre", "me former", "se former", "formation", "formations", "evoluer",
        "evolution", "progresser", "monter en competences", "montee en competences",
        "carriere", "learning", "learn", "growth", "grow", "career", "training",
        "progression", "career growth", "career progression", "develop my skills",
        "mentorat", "mentoring",
    ),
    "mission": (
        "mission", "impact", "sens", "valeurs", "utile", "meaningful", "purpose", "values",
        "avoir de l'impact", "make a difference", "engagement", "b corp", "rse",
    ),
    "pay": (
        "salaire", "salaires", "remuneration", "paye", "paie", "bien gagner", "gagner ma vie",
        "argent", "salary", "pay", "paid", "compensation", "money", "package", "equity",
        "bsa", "bspce", "interessement", "participation",
    ),
    "stack": (
        "stack", "stack technique", "tech stack", "technos", "technologies", "technologie",
        "outils", "langages", "tech", "technique", "modern tools", "tools", "tooling",
        "interesting tech", "modern tech",
    ),
    "team_size": (
        "petite equipe", "petites equipes", "taille humaine", "taille des equipes",
        "taille de l'equipe", "small team", "small teams", "team size", "startup",
        "petite structure", "small company",
    ),
    "stability": (
        "stabilite", "stable", "securite de l'emploi", "perennite", "solide", "stability",
        "job security", "rentable", "profitable", "finances",
    ),
    "parental_leave": (
        "conge parental", "conge paternite", "conge maternite", "parentalite", "parent",
        "parents", "enfants", "enfant", "famille", "parental leave", "paternity",
        "maternity", "family", "kids", "children",
    ),
    "balance": (
        "equilibre", "vie pro vie perso", "vie perso", "vie privee", "equilibre de vie",
        "work-life balance", "work life balance", "balance", "conges", "vacances",
        "time off", "holidays", "bien-etre", "wellbeing", "well-being",
    ),
    "diversity": (
        "diversite", "inclusion", "inclusif", "inclusive", "parite", "egalite",
        "diversity", "equal pay", "egalite salariale", "handicap", "disability",
    ),
    "language": (
        "anglais", "francais", "langue", "langues", "english", "french", "language",
        "languages", "international",
    ),
    "location": (
        "localisation", "lieu de travail", "ville", "bureaux", "bureau",
        "location", "office", "offices", "city", "lyon", "paris", "nantes", "trajet",
        "commute", "demenager", "relocation", "relocate",
    ),
}  # fmt: skip

# A message that says what matters to the one writing it: one of these, and a priority.
PRIORITY_MARKERS = (
    "compte pour moi", "compte le plus", "ce qui compte", "important pour moi",
    "importe pour moi", "ce qui m'importe", "m'importe", "mes priorites", "ma priorite",
    "mes criteres", "mon critere", "ce que je recherche", "ce que je cherche",
    "je cherche surtout", "me tient a coeur", "j'accorde", "l'essentiel pour moi",
    "je privilegie", "ce qui me motive", "pour moi l'important", "le plus important pour moi",
    "matters to me", "matters most", "matter to me", "i care about", "i care abt",
    "i mostly care", "i care most", "important to me", "my priorities", "my priority",
    "my top criteria", "my criteria", "my number one", "what i'm looking for",
    "what i look for", "that's what i look for", "i value", "really matters",
    "for me it's all about", "all about the",
)  # fmt: skip

# The articles that speak to each priority, most telling first. The pitch quotes their
# own text; an article HR has deleted or not written in a language is skipped.
PRIORITY_ARTICLES: dict[str, tuple[str, ...]] = {
    "remote": ("remote-work", "remote-allowance", "work-abroad"),
    "growth": ("training", "career-ladder", "internal-mobility", "promotions"),
    "mission": ("company-overview", "values", "b-corp", "giving"),
    "pay": ("salary-transparency", "salary-review", "profit-sharing", "benefits-overview"),
    "stack": ("tech-stack", "teams-overview"),
    "team_size": ("company-size", "teams-overview"),
    "stability": ("company-finances", "company-customers"),
    "parental_leave": ("parental-leave", "time-off"),
    "balance": ("time-off", "remote-work", "on-call"),
    "diversity": ("equal-pay", "gender-balance", "employee-networks", "anonymous-screening"),
    "language": ("language-at-work", "relocation", "visa-sponsorship"),
    "location": ("offices", "relocation", "transport"),
}
# Priorities that point to teams: the engineering teams for the tech stack.
PRIORITY_TEAMS: dict[str, tuple[str, ...]] = {
    "stack": ("product_engineering", "platform", "data_ml", "mobile"),
}

PITCH_TEXTS = {
    "pitch_ask": {
        "fr": "Qu'est-ce qui compte le plus pour vous dans un employeur ? Choisissez une ou "
        "plusieurs réponses, ou dites-le avec vos mots : je vous montre ce qu'Ardoise Labs "
        "fait pour cela, avec la source de chaque point.",
        "en": "What matters most to you in an employer? Pick one or more, or say it in your "
        "own words: I'll show you what Ardoise Labs does about it, with the source of each "
        "point.",
    },
    "pitch_intro": {
        "fr": "Ce qui compte pour vous : {priorities}. Voici ce qu'en disent nos articles :",
        "en": "What matters to you: {priorities}. Here is what our articles say about it:",
    },
    "pitch_source": {
        "fr": "source : {title}, vérifié par les RH le {date}",
        "en": "source: {title}, checked by HR on {date}",
    },
    "pitch_source_unchecked": {
        "fr": "source : {title}, pas encore vérifié par les RH",
        "en": "source: {title}, not yet checked by HR",
    },
    "pitch_stale": {
        "fr": "a pu changer depuis",
        "en": "may have changed since",
    },
    "pitch_jobs": {
        "fr": "Les postes ouverts qui vous correspondent :",
        "en": "Open positions that fit:",
    },
    "pitch_job": {
        "fr": "{title} ({location}) : {why}",
        "en": "{title} ({location}): {why}",
    },
    "pitch_teams": {
        "fr": "Les équipes qui vous correspondent : {teams}.",
        "en": "Teams that fit: {teams}.",
    },
    "pitch_invite": {
        "fr": "Le mieux reste d'en parler avec celles et ceux qui y travaillent : un café "
        "avec un·e ambassadeur·rice, ou la prochaine visite de nos locaux.",
        "en": "Better still, talk it over with the people who work here: a coffee with an "
        "ambassador, or our next office visit.",
    },
    "pitch_nothing": {
        "fr": "Nos articles ne disent rien encore sur {priorities} : je ne veux pas "
        "l'inventer. Un·e recruteur·se peut vous répondre.",
        "en": "Our articles don't say anything yet about {priorities}: I won't make it up. "
        "A recruiter can tell you.",
    },
    "pitch_visit_button": {
        "fr": "Visiter nos locaux",
        "en": "Visit our offices",
    },
    "pitch_see_button": {
        "fr": "Voir ce qui me correspond",
        "en": "Show me what fits",
    },
    "pitch_chosen": {
        "fr": "Ce qui compte pour moi : {priorities}",
        "en": "What matters to me: {priorities}",
    },
}

# A message about the company itself (folded words): read as off topic by the model, it is
# an unknown company fact ("what's your revenue?"): "I don't know", a recruiter, HR's inbox.
COMPANY_WORDS = (
    "ardoise", "votre entreprise", "votre societe", "votre boite",
    "l'entreprise", "la societe", "la boite", "chez vous", "vos locaux", "vos bureaux",
    "vos clients", "vos salaries", "vos employes", "vos equipes", "vos fondateurs",
    "votre pdg", "votre dg", "vos actionnaires", "vos investisseurs", "votre chiffre",
    "your company", "the company", "your firm", "your startup", "you guys", "your offices",
    "your office", "your customers", "your clients", "your employees", "your staff",
    "your founders", "your ceo", "your investors", "your shareholders", "your revenue",
    "your turnover", "your teams", "at your place",
)  # fmt: skip
COMPANY_FACT_WORDS = (
    "chiffre d'affaires", "ca annuel", "benefice", "benefices", "rentabilite", "levee de fonds",
    "leve des fonds", "investisseurs", "actionnaires", "valorisation", "pdg", "ceo",
    "fondateur", "fondateurs", "concurrent", "concurrents", "revenue", "revenues",
    "turnover", "profit", "profits", "funding", "investors", "shareholders", "valuation",
    "founder", "founders", "competitors", "competitor", "headcount", "effectif",
)  # fmt: skip
