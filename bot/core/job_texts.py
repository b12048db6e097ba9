"""The words of a job search, as candidates type them (folded: lower case, no accents),
and what the assistant says about the positions it finds (bot/candidate/jobs.py)."""

from __future__ import annotations

# Words naming a team's kind of work in a job title or request.
JOB_TEAM_WORDS: dict[str, tuple[str, ...]] = {
    "product_engineering": (
        "backend", "back-end", "back end", "frontend", "front-end", "front end", "fullstack",
        "full-stack", "full stack", "software engineer", "ingenieur logiciel", "python", "web",
    ),
    "platform": (
        "sre", "devops", "platform", "plateforme", "infra", "infrastructure", "ops",
        "kubernetes", "cloud", "site reliability",
    ),
    "data_ml": (
        "data", "donnees", "data science", "data scientist", "data engineer", "machine learning",
        "ml", "ia", "intelligence artificielle", "forecasting", "prevision",
    ),
    "mobile": ("mobile", "android", "kotlin", "ios", "swift"),
    "design": ("design", "designer", "designers", "designeuse", "ux", "ui"),
    "customer_success": (
        "customer success", "csm", "success manager", "relation client", "account manager",
        "support client",
    ),
    "sales": (
        "sales", "commercial", "commerciale", "commerciaux", "vente", "ventes",
        "business developer",
    ),
    "people": (
        "rh", "ressources humaines", "human resources", "recruteur", "recruiter",
        "people team", "equipe people",
    ),
}  # fmt: skip
# A developer or engineer without a speciality: any engineering team.
ENGINEERING_TEAMS = ("product_engineering", "platform", "data_ml", "mobile")
ENGINEERING_WORDS = (
    "developpeur", "developpeuse", "developpeurs", "developer", "developers", "dev", "devs",
    "engineer", "engineers", "ingenieur", "ingenieure", "ingenieurs", "tech", "technique",
    "programmer", "codeur",
)  # fmt: skip
# The offices (as the records write them) and other cities a candidate may name.
OFFICE_CITIES = ("Lyon", "Paris", "Nantes")
OTHER_CITIES = (
    "Bordeaux", "Marseille", "Lille", "Toulouse", "Rennes", "Strasbourg", "Nice",
    "Montpellier", "Grenoble", "Brest", "Londres", "London", "Berlin", "Bruxelles", "Brussels",
)  # fmt: skip
FULL_REMOTE_WORDS = (
    "full remote", "full-remote", "fully remote", "100% remote", "100 % remote",
    "100% teletravail", "100 % teletravail", "teletravail complet", "teletravail total",
    "teletravail a 100", "full teletravail", "entierement a distance", "totalement a distance",
    "remote only", "only remote", "work from anywhere", "anywhere in france",
    "partout en france", "n'importe ou en france", "remote complet", "completely remote",
)  # fmt: skip
REMOTE_WORDS = (
    "remote", "teletravail", "a distance", "hybride", "hybrid", "work from home", "wfh",
    "home office", "from home", "de chez moi", "depuis chez moi",
)  # fmt: skip
LEVEL_WORDS: dict[str, tuple[str, ...]] = {
    "intern": (
        "stage", "stages", "stagiaire", "intern", "interns", "internship", "alternance",
        "alternant", "alternante", "apprenti", "apprentie", "apprentissage", "apprenticeship",
        "work-study",
    ),
    "junior": (
        "junior", "juniors", "debutant", "debutante", "debutants", "jeune diplome",
        "jeune diplomee", "jeunes diplomes", "graduate", "graduates", "entry level", "entry-level",
        "premier emploi", "first job", "sortie d'ecole", "sortant d'ecole",
    ),
    "confirmed": ("confirme", "confirmee", "mid-level", "mid level", "intermediate"),
    "senior": ("senior", "seniors", "experimente", "experimentee", "lead", "expert"),
}  # fmt: skip
CONTRACT_WORDS: dict[str, tuple[str, ...]] = {
    "permanent": ("cdi", "permanent", "permanent contract"),
    "fixed_term": ("cdd", "fixed-term", "fixed term", "temporary", "contrat court"),
    "internship": ("stage", "internship", "stagiaire"),
    "apprenticeship": ("alternance", "apprentissage", "apprenticeship", "work-study"),
    "freelance": ("freelance", "freelancer", "independant", "contractor", "portage"),
}  # fmt: skip
# Words of a search for positions (not a question about one position's details).
SEARCH_WORDS = (
    "je cherche", "cherche un", "cherche une", "recherche un", "recherche une", "je recherche",
    "looking for", "searching for", "search for", "anything in", "anything for", "any job",
    "any jobs", "any position", "any positions", "any opening", "any openings", "any role",
    "any roles", "what jobs", "which jobs", "what positions", "which positions", "what roles",
    "which roles", "what openings", "quels postes", "quel poste", "quelles offres",
    "des postes", "des offres", "offres d'emploi", "un poste", "un job", "un emploi",
    "postes ouverts", "open positions", "open roles", "openings", "jobs for", "positions for",
    "roles for", "postes pour", "jobs in", "positions in", "roles in", "opportunites",
    "opportunities", "are you hiring", "vous recrutez", "recrutez-vous", "hiring",
    "jobs", "postes", "vacancies", "job offers", "any internship", "any internships",
    "internships", "un stage", "des stages", "une alternance", "apprenticeships",
    "a job", "a position", "a role", "vous embauchez", "embauchez-vous", "du taf", "boulot",
    "boulots", "what can i apply", "apply to",
)  # fmt: skip
# How many positions an unfiltered list shows (then: narrow down, or see them all).
SHOWN = 8

JOB_TEXTS = {
    "jobs_found": {
        "fr": "Voici les postes ouverts qui correspondent à votre recherche :",
        "en": "Here are the open positions that match what you're looking for:",
    },
    "jobs_all": {
        "fr": "Voici les postes ouverts en ce moment :",
        "en": "Here are the positions open right now:",
    },
    "jobs_nearest": {
        "fr": "Aucun poste ouvert ne correspond à tout cela ({wanted}). Les plus proches :",
        "en": "No open position matches all of that ({wanted}). The closest ones:",
    },
    "jobs_none": {
        "fr": "Il n'y a aucun poste ouvert en ce moment. Un recruteur peut vous dire ce qui "
        "s'ouvre bientôt.",
        "en": "There are no open positions right now. A recruiter can tell you what is "
        "opening soon.",
    },
    "jobs_narrow": {
        "fr": "Pour affiner : quel domaine vous intéresse ? Vous pouvez aussi me dire une "
        "ville, le télétravail ou votre niveau.",
        "en": "To narrow it down: which field interests you? You can also tell me a city, "
        "remote work or your level.",
    },
    "jobs_more": {
        "fr": "Et {count} autre(s) poste(s) ouvert(s).",
        "en": "And {count} more open position(s).",
    },
    "jobs_all_button": {"fr": "Voir tous les postes", "en": "See every position"},
    "jobs_more_button": {"fr": "En savoir plus : {title}", "en": "More about: {title}"},
    "jobs_team_button": {"fr": "Postes : {team}", "en": "Positions: {team}"},
    "jobs_line": {
        "fr": "**{title}** — équipe {team} — {location} — {salary}",
        "en": "**{title}** — {team} team — {location} — {salary}",
    },
    "jobs_reason_team": {"fr": "équipe {team}", "en": "{team} team"},
    "jobs_reason_city": {"fr": "basé à {city}", "en": "based in {city}"},
    "jobs_reason_remote_city": {
        "fr": "télétravail complet possible depuis {city}",
        "en": "fully remote possible from {city}",
    },
    "jobs_reason_full_remote": {
        "fr": "télétravail complet possible en France",
        "en": "fully remote possible in France",
    },
    "jobs_reason_hybrid": {
        "fr": "hybride : jusqu'à 3 jours de télétravail par semaine",
        "en": "hybrid: up to 3 remote days a week",
    },
    "jobs_reason_level": {"fr": "niveau {level}", "en": "{level} level"},
    "jobs_reason_contract": {"fr": "{contract}", "en": "{contract}"},
    "jobs_reason_salary": {
        "fr": "fourchette jusqu'à {high} €",
        "en": "range up to €{high}",
    },
    "jobs_differs": {"fr": "mais : {what}", "en": "but: {what}"},
    "jobs_differs_team": {"fr": "équipe {team}", "en": "{team} team"},
    "jobs_differs_city": {"fr": "basé à {cities}", "en": "based in {cities}"},
    "jobs_differs_remote": {
        "fr": "hybride, pas de télétravail complet",
        "en": "hybrid, not fully remote",
    },
    "jobs_differs_on_site": {"fr": "sur site", "en": "on site"},
    "jobs_differs_contract": {"fr": "contrat : {contract}", "en": "contract: {contract}"},
    "jobs_or": {"fr": " ou ", "en": " or "},
    "jobs_differs_level": {"fr": "niveau {level}", "en": "{level} level"},
    "jobs_differs_salary": {
        "fr": "fourchette jusqu'à {high} €",
        "en": "range up to €{high}",
    },
    "jobs_no_office": {
        "fr": "Nous n'avons pas de bureau à {city} : nos bureaux sont à Lyon, Paris et Nantes.",
        "en": "We have no office in {city}: our offices are in Lyon, Paris and Nantes.",
    },
    "jobs_level_unstated": {
        "fr": "Le niveau attendu n'est pas précisé pour {titles} : un recruteur peut vous le dire.",
        "en": "The level expected isn't stated for {titles}: a recruiter can tell you.",
    },
    "jobs_contract_unstated": {
        "fr": "Le type de contrat n'est pas précisé pour {titles} : un recruteur peut vous le "
        "dire.",
        "en": "The type of contract isn't stated for {titles}: a recruiter can tell you.",
    },
    "jobs_wanted_remote": {"fr": "télétravail complet", "en": "fully remote"},
    "jobs_wanted_any_remote": {"fr": "télétravail", "en": "remote work"},
    "jobs_wanted_salary": {"fr": "au moins {amount} €", "en": "at least €{amount}"},
}
JOB_LEVELS = {
    "fr": {"intern": "stage / alternance", "junior": "junior", "confirmed": "confirmé",
           "senior": "senior"},
    "en": {"intern": "internship / work-study", "junior": "junior", "confirmed": "mid-level",
           "senior": "senior"},
}  # fmt: skip
JOB_CONTRACTS = {
    "fr": {"permanent": "CDI", "fixed_term": "CDD", "internship": "stage",
           "apprenticeship": "alternance", "freelance": "freelance"},
    "en": {"permanent": "permanent contract", "fixed_term": "fixed-term contract",
           "internship": "internship", "apprenticeship": "apprenticeship",
           "freelance": "freelance"},
}  # fmt: skip
