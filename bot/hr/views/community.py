"""The talent community for staff: HR's counts and CSV (no e-mail address), and a
recruiter's view of the members a position fits, with a message to them (logged)."""

from __future__ import annotations

import asyncio
import csv
import io
from typing import Any

from aiohttp import web
from sqlalchemy.orm import Session

from bot.community.mail import send_recruiter_message
from bot.community.service import (
    Reached,
    community_counts,
    community_rows,
    matching_members,
    write_to_members,
)
from bot.core.clock import utcnow
from bot.hr.views.base import Views
from bot.records import service as records
from bot.staff.accounts import StaffUser
from bot.staff.gate import json_error

CSV_COLUMNS = (
    "teams",
    "locations",
    "remote",
    "level",
    "languages",
    "language",
    "joined",
    "expires",
)
NO_POSITION = "aucun poste de ce nom : rechargez la page"


class CommunityViews(Views):
    """Each handler calls one service of bot.community.service."""

    async def counts(
        self, request: web.Request, user: StaffUser, websession: Any
    ) -> web.StreamResponse:
        now = utcnow()
        return web.json_response(
            await self.db(lambda session: community_counts(session=session, now=now))
        )

    async def csv(
        self, request: web.Request, user: StaffUser, websession: Any
    ) -> web.StreamResponse:
        now = utcnow()
        rows = await self.db(lambda session: community_rows(session=session, now=now))
        out = io.StringIO()
        writer = csv.writer(out)
        writer.writerow(CSV_COLUMNS)
        for row in rows:
            writer.writerow(
                [
                    " ".join(row["teams"]),
                    " ".join(row["locations"]),
                    "yes" if row["remote"] else "no",
                    row["level"] or "",
                    " ".join(row["languages"]),
                    row["language"],
                    row["joined"],
                    row["expires"],
                ]
            )
        return web.Response(
            text=out.getvalue(),
            content_type="text/csv",
            charset="utf-8",
            headers={
                "Content-Disposition": f'attachment; filename="communaute-{now:%Y-%m-%d}.csv"'
            },
        )

    async def matches(
        self, request: web.Request, user: StaffUser, websession: Any
    ) -> web.StreamResponse:
        job_id, now = request.query.get("job", ""), utcnow()

        def read(session: Session) -> dict[str, Any]:
            job = records.get_job(session=session, job_id=job_id)
            members = matching_members(session=session, job=job, now=now)
            return {"job": job.id, "title": job.title_fr, "members": [m.to_json() for m in members]}

        try:
            return web.json_response(await self.db(read))
        except records.RecordNotFound:
            raise json_error(404, NO_POSITION) from None

    async def write(
        self, request: web.Request, user: StaffUser, websession: Any
    ) -> web.StreamResponse:
        data = await self.gate.body(request)
        subject, body, now = data.get("subject"), data.get("text"), utcnow()

        def reach(session: Session) -> Reached:
            job = records.get_job(session=session, job_id=data.get("job"))
            return write_to_members(
                session=session,
                job=job,
                subject=subject,
                body=body,
                author=user.display_name,
                now=now,
            )

        try:
            reached = await self.db(reach)
        except records.RecordNotFound:
            raise json_error(404, NO_POSITION) from None
        except ValueError as error:
            raise json_error(422, str(error)) from None
        sent = await asyncio.to_thread(
            send_recruiter_message,
            self.settings,
            reached,
            subject=str(subject),
            body=str(body),
            now=now,
        )
        later = reached.next_possible
        return web.json_response(
            {
                "sent": sent,
                "reached": len(reached.to),
                "waiting": reached.waiting,
                "next_possible": later.isoformat(timespec="seconds") + "Z" if later else None,
            }
        )
