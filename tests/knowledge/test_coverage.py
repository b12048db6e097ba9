"""Every fact of the demo employer's file is in the answer of the article that should give it.

Each line: an article, and the figures or names its English answer must state
(the French answer is checked for the same figures). The facts come from
../shared/company/ardoise-labs.yml; a fact missing here is a fact the
assistant cannot give.
"""

from __future__ import annotations

import re

import pytest

FACTS = {
    "company-overview": ["2014", "Lyon", "Watt&Co", "2035"],
    "company-customers": ["600", "90", "Belgium", "Spain"],
    "company-size": ["380", "22", "34"],
    "company-finances": ["2021", "2020"],
    "offices": ["Part-Dieu", "Oberkampf", "60", "40", "Nantes"],
    "b-corp": ["2024", "96.2"],
    "csr-overview": ["B Corp", "2024", "35%", "2019", "6 hours", "domestic", "2 paid", "1%"],
    "values": [
        "Transparence radicale",
        "Impact d'abord",
        "Autonomie responsable",
        "Apprendre ensemble",
        "Midi-Partage",
    ],
    "decision-making": ["5"],
    "meetings": ["Wednesday"],
    "rituals": ["Grande Ardoise", "Drôme", "June"],
    "language-at-work": ["French", "English", "Platform", "Data & ML"],
    "dress-code": ["dress code"],
    "teams-overview": ["28", "18", "60", "9", "12", "45", "40", "14"],
    "team-platform": ["28", "Kubernetes", "Terraform", "Google Cloud", "Go"],
    "on-call": ["350", "six"],
    "team-data-ml": ["18", "Python", "dbt", "BigQuery", "PyTorch"],
    "team-product-engineering": ["60", "8", "TypeScript", "React", "Node.js", "PostgreSQL"],
    "team-mobile": ["9", "Kotlin", "Swift"],
    "team-design": ["12", "Craie"],
    "teams-business": ["45", "40", "14"],
    "career-ladder": ["L1", "L7", "Principal Engineer"],
    "promotions": ["March", "September"],
    "training": ["2,000", "5", "conference"],
    "internal-mobility": ["12", "30%"],
    "onboarding": ["buddy", "90", "Semaine Ardoise", "mentor"],
    "salary-transparency": ["grid", "range"],
    "salary-review": ["January"],
    "profit-sharing": ["8%"],
    "equity": ["BSPCE", "1 year"],
    "health-insurance": ["Alan", "100%"],
    "meal-card": ["Swile", "11", "60%"],
    "time-off": ["27", "10", "37"],
    "parental-leave": ["8 weeks", "20 weeks"],
    "transport": ["75%", "600"],
    "equipment": ["MacBook Pro", "ThinkPad", "screen"],
    "remote-work": ["3", "team day", "France"],
    "remote-allowance": ["50", "600"],
    "work-abroad": ["4 weeks", "EU"],
    "hiring-process": ["30-minute", "1h30", "3 weeks", "5 working days"],
    "technical-interview": ["1h30", "take-home"],
    "hiring-feedback": ["written feedback", "step 2"],
    "video-interviews": ["video", "travel"],
    "reverse-interview": ["CTO"],
    "disability": ["Mission Handicap"],
    "open-house": [
        "first Thursday",
        "17:30",
        "19:30",
        "25 seats",
        "day before",
        "12:00",
        "register right here in the chat",
        "waitlist",
        "offered to you automatically",
        "calendar invitation",
        "cancel",
    ],
    "team-coffee": [
        "30-minute",
        "Tuesdays",
        "Thursdays",
        "24 hours",
        "14 days",
        "one upcoming coffee",
        "calendar invitation",
        "cancel or move",
    ],
    "ambassadors": [
        "Léa",
        "Staff Engineer",
        "Thomas",
        "Engineering Manager",
        "Sofia",
        "Senior Data Scientist",
        "Hugo",
        "Mobile Engineer",
        "Amina",
        "Product Designer",
        "Julien",
        "Customer Success Lead",
        "Nora",
        "Backend Engineer",
        "former apprentice",
    ],
    "reverse-qa": [
        "last Wednesday",
        "12:30",
        "13:15",
        "45 minutes",
        "150 seats",
        "video link",
        "register right here in the chat",
        "waitlist",
        "offered to you automatically",
        "calendar invitation",
        "cancel",
        "questions for the leaders in advance",
        "upvote",
    ],
    "hackathon": [
        "Ardoise Hack",
        "April",
        "November",
        "not set yet",
        "registration",
        "consent",
        "e-mail address",
        "once",
    ],
    "gender-balance": ["41%", "29%", "40%", "2028"],
    "equal-pay": ["94/100", "2025"],
    "anonymous-screening": ["photo", "age"],
    "employee-networks": ["Ardoise Pride", "Women in Tech"],
    "carbon-footprint": ["35%", "2019", "6 hours", "domestic"],
    "volunteering": ["2"],
    "giving": ["1%", "energy poverty"],
    "internships": ["25", "1,200", "70%"],
    "visa-sponsorship": ["Passeport Talent", "senior"],
    "relocation": ["3,000"],
    "job-senior-backend": ["58,000", "72,000"],
    "job-sre": ["55,000", "70,000"],
    "job-data-scientist": ["50,000", "65,000"],
    "job-product-designer": ["45,000", "58,000"],
    "job-mobile-kotlin": ["48,000", "60,000"],
    "job-csm": ["40,000", "48,000", "variable"],
    "open-positions": [
        "Senior Backend Engineer",
        "SRE",
        "Data Scientist",
        "Product Designer",
        "Kotlin",
        "Customer Success Manager",
    ],
    "events-overview": ["Portes ouvertes", "Café équipe", "Questions inversées", "Ardoise Hack"],
    "tech-stack": ["Kubernetes", "Python", "TypeScript", "Kotlin", "Swift"],
    "benefits-overview": ["8%", "37"],
    "recruiters": ["Camille Roux", "Malik Benali", "Inès Martin", "9:00", "18:00"],
}


def digits(fact: str) -> str | None:
    """The number in a fact, for comparing "2,000" with the French "2 000"."""
    found = re.findall(r"\d+(?:[.,]\d+)?", fact)
    return found[0].replace(",", "").replace(".", "") if found else None


def normalized_numbers(text: str) -> str:
    return re.sub(r"(?<=\d)[\s\u202f\u00a0,.](?=\d{3}\b)", "", text).replace(",", ".")


# The ambassadors agreed to have their first name, role, team and topics shown:
# never their surnames (nor e-mails, which the company file does not give).
AMBASSADOR_SURNAMES = ["Moreau", "Nguyen", "Almeida", "Lefebvre", "Diallo", "Bernard", "Haddad"]


def test_every_article_is_covered(default_docs):
    assert {d.id for d in default_docs} == set(FACTS)


@pytest.mark.parametrize("article", sorted(FACTS))
def test_the_answer_states_the_facts(default_docs, article):
    doc = next(d for d in default_docs if d.id == article)
    english = doc.texts["en"].answer
    french = normalized_numbers(doc.texts["fr"].answer)
    for fact in FACTS[article]:
        assert fact.lower() in english.lower(), f"{article} (en) does not say {fact!r}"
        number = digits(fact)
        if number:
            assert number in re.sub(r"[.,]", "", french), f"{article} (fr) does not say {fact!r}"


def test_no_answer_names_an_ambassador_by_surname_or_e_mail(default_docs):
    for doc in default_docs:
        for language, text in doc.texts.items():
            for surname in AMBASSADOR_SURNAMES:
                assert surname not in text.answer, f"{doc.id} ({language}) names {surname}"
            assert "@" not in text.answer, f"{doc.id} ({language}) shows an e-mail address"
