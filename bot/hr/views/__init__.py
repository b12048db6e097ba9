"""The HR workspace: knowledge base, inbox, events and positions, ambassadors, the console's
canned replies, model, analytics.

One page (/console/hr) and JSON routes under /console/api/hr, behind the
staff sign-in shared with the recruiter console. Every route needs the `hr`
role, except the page and the analytics, which recruiters may read. Each
module holds one resource's handlers; each handler calls one service, and the
services record every change (article revisions, and the audit log).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from aiohttp import web

from bot.core.settings import Settings
from bot.hr.views.ambassadors import AmbassadorViews
from bot.hr.views.articles import ArticleViews
from bot.hr.views.base import API, HR, READERS
from bot.hr.views.canned import CannedReplyViews
from bot.hr.views.community import CommunityViews
from bot.hr.views.dashboard import DashboardViews
from bot.hr.views.event_dates import EventDateViews
from bot.hr.views.inbox import InboxViews
from bot.hr.views.journal import JournalViews
from bot.hr.views.model import ModelViews
from bot.hr.views.records import RecordKind, RecordViews
from bot.staff.accounts import StaffUser
from bot.staff.gate import StaffGate, staff_page

STATIC = Path(__file__).resolve().parents[2] / "web" / "static"


def add_workspace(app: web.Application, settings: Settings, gate: StaffGate) -> None:
    """Mount the workspace's page and API on the web app."""
    hr, readers = gate.require(HR), gate.require(READERS)

    @gate.require(READERS, page=True)
    async def page(request: web.Request, user: StaffUser, websession: Any) -> web.StreamResponse:
        return staff_page(STATIC / "workspace.html", user, websession)

    router = app.router
    router.add_get("/console/hr", page)

    articles = ArticleViews(settings, gate)
    router.add_get(f"{API}/articles", hr(articles.listing))
    router.add_post(f"{API}/articles", hr(articles.create))
    router.add_post(f"{API}/preview", hr(articles.preview))
    router.add_get(f"{API}/articles/{{article}}", hr(articles.read))
    router.add_put(f"{API}/articles/{{article}}", hr(articles.update))
    router.add_delete(f"{API}/articles/{{article}}", hr(articles.delete))
    router.add_get(f"{API}/articles/{{article}}/revisions", hr(articles.history))
    router.add_post(
        f"{API}/articles/{{article}}/revisions/{{number}}/restore", hr(articles.restore)
    )

    inbox = InboxViews(settings, gate)
    router.add_get(f"{API}/inbox", hr(inbox.groups))
    router.add_post(f"{API}/inbox/dismiss", hr(inbox.dismiss))
    router.add_post(f"{API}/inbox/add", hr(inbox.add))
    router.add_get(f"{API}/recheck", hr(inbox.to_recheck))
    router.add_post(f"{API}/recheck/{{article}}/confirm", hr(inbox.confirm_checked))

    kinds: tuple[RecordKind, ...] = ("events", "jobs")
    for kind in kinds:
        records = RecordViews(settings, gate, kind)
        router.add_get(f"{API}/{kind}", hr(records.listing))
        router.add_post(f"{API}/{kind}", hr(records.save))
        router.add_put(f"{API}/{kind}/{{record}}", hr(records.save))
        router.add_delete(f"{API}/{kind}/{{record}}", hr(records.delete))

    # A date's registration terms, its cancellation (issue 12), and drafts from the
    # reverse Q&A's answered questions.
    dates = EventDateViews(settings, gate)
    router.add_get(f"{API}/events/{{record}}/terms", hr(dates.terms))
    router.add_put(f"{API}/events/{{record}}/terms", hr(dates.save_terms))
    router.add_post(f"{API}/events/{{record}}/cancel", hr(dates.cancel))
    router.add_post(f"{API}/questions/{{question}}/draft", hr(dates.draft))

    model = ModelViews(settings, gate)
    router.add_get(f"{API}/model", hr(model.state))
    router.add_post(f"{API}/model/retrain", hr(model.retrain))
    router.add_post(f"{API}/model/builds/{{build}}/confirm", hr(model.confirm))
    router.add_post(f"{API}/model/builds/{{build}}/reject", hr(model.reject))

    dashboard = DashboardViews(settings, gate)
    router.add_get(f"{API}/analytics", readers(dashboard.figures))
    router.add_get(f"{API}/analytics.csv", readers(dashboard.csv))

    journal = JournalViews(settings, gate)
    router.add_get(f"{API}/audit", hr(journal.entries))

    ambassadors = AmbassadorViews(settings, gate)
    router.add_get(f"{API}/ambassadors", hr(ambassadors.listing))
    router.add_post(f"{API}/ambassadors", hr(ambassadors.create))
    router.add_put(f"{API}/ambassadors/{{ambassador}}", hr(ambassadors.update))
    router.add_delete(f"{API}/ambassadors/{{ambassador}}", hr(ambassadors.remove))
    router.add_post(f"{API}/ambassadors/{{ambassador}}/pauses", hr(ambassadors.pause))
    router.add_delete(f"{API}/ambassadors/{{ambassador}}/pauses/{{pause}}", hr(ambassadors.unpause))

    replies = CannedReplyViews(settings, gate)
    router.add_get(f"{API}/replies", hr(replies.listing))
    router.add_post(f"{API}/replies", hr(replies.create))
    router.add_put(f"{API}/replies/{{reply}}", hr(replies.update))
    router.add_delete(f"{API}/replies/{{reply}}", hr(replies.remove))

    # The talent community: HR's counts and CSV; recruiters see a position's members.
    community = CommunityViews(settings, gate)
    router.add_get(f"{API}/community", hr(community.counts))
    router.add_get(f"{API}/community.csv", hr(community.csv))
    router.add_get("/console/api/community/matches", readers(community.matches))
    router.add_post("/console/api/community/messages", readers(community.write))
