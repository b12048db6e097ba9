"""Applications in the console: list (by position, by status), move on, download the CV.

Recruiters only: an application holds a candidate's contact details and CV. A CV
is sent as a download (never shown inline: `Content-Disposition: attachment`, a
sandboxing Content-Security-Policy, no sniffing), named from the candidate's name
in plain ASCII, never from what their computer called the file.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any

from aiohttp import web
from sqlalchemy.orm import Session

from bot.applications import files
from bot.applications.models import APPLICATION_STATUSES
from bot.applications.service import (
    ApplicationNotFound,
    get_application,
    list_applications,
    set_status,
)
from bot.core.clock import utcnow
from bot.handoff.views.state import console_of, failure
from bot.records.service import list_jobs
from bot.staff.accounts import StaffUser
from bot.staff.gate import StaffGate

UNKNOWN = "unknown application"
CONTENT_TYPES = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
}


def _ascii(text: str) -> str:
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^A-Za-z0-9]+", "-", plain).strip("-").lower()[:40] or "candidate"


async def application_list(
    request: web.Request, user: StaffUser, websession: Any
) -> web.StreamResponse:
    console = console_of(request)
    job = request.query.get("job") or None
    status = request.query.get("status") or None
    if status is not None and status not in APPLICATION_STATUSES:
        return failure(400, f"status must be one of {', '.join(APPLICATION_STATUSES)}")
    if job is not None and len(job) > 64:
        return failure(400, "unknown position")

    def read(session: Session) -> dict[str, Any]:
        rows = list_applications(session=session, job=job, status=status)
        positions = [
            {"id": j.id, "title": j.title("fr"), "status": j.status}
            for j in list_jobs(session=session)
        ]
        return {
            "applications": [application.to_json(cv) for application, cv in rows],
            "jobs": positions,
        }

    return web.json_response(await console.db(read))


async def application_status(
    request: web.Request, user: StaffUser, websession: Any
) -> web.StreamResponse:
    console = console_of(request)
    public_id = request.match_info["application"]
    status = (await StaffGate.body(request)).get("status")

    def change(session: Session) -> dict[str, Any]:
        application = set_status(
            session=session,
            public_id=public_id,
            status=status,
            author=user.display_name,
            now=utcnow(),
        )
        return {"id": application.public_id, "status": application.status}

    try:
        changed = await console.db(change)
    except ApplicationNotFound:
        return failure(404, UNKNOWN)
    except ValueError as error:
        return failure(400, str(error))
    await console.consoles.publish({"type": "applications"})
    return web.json_response(changed)


async def application_cv(
    request: web.Request, user: StaffUser, websession: Any
) -> web.StreamResponse:
    console = console_of(request)
    public_id = request.match_info["application"]

    def read(session: Session) -> tuple[str, str, str] | None:
        application, cv = get_application(session=session, public_id=public_id)
        if cv is None:
            return None
        name = f"cv-{_ascii(application.last_name)}-{_ascii(application.first_name)}.{cv.kind}"
        return cv.stored_as, cv.kind, name

    try:
        found = await console.db(read)
    except ApplicationNotFound:
        return failure(404, UNKNOWN)
    path = files.stored_path(console.settings, found[0]) if found else None
    if found is None or path is None:
        return failure(404, "this application has no CV")
    return web.FileResponse(
        path,
        headers={
            "Content-Type": CONTENT_TYPES[found[1]],
            "Content-Disposition": f'attachment; filename="{found[2]}"',
            "Content-Security-Policy": "sandbox; default-src 'none'",
            "X-Content-Type-Options": "nosniff",
            "Cache-Control": "no-store",
        },
    )
