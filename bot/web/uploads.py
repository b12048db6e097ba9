"""POST /apply/cv: a candidate's CV, before the application message that refers to it.

The body is a form (multipart/form-data) with one file field, `cv`; it is read up to
5 MB and one byte (more is refused without reading the rest), checked by its content
(bot.applications.files), stored under a random name outside the web root, and
answered with the token the `/apply{...}` message carries: `{"cv": token, "kind":
"pdf"|"docx", "size": n}`. A refusal is `{"error": sentence, "code": code}` in the
language of `?lang=` (fr by default): 400, 413 (too big), 415 (not a CV), 422 (active
content), 429 (too many uploads from one address in an hour).

Only the pages allowed to open a chat (WIDGET_ORIGINS, else the demo site) may send
one: a request with another Origin is refused (403), and the allowed one is told so
(Access-Control-Allow-Origin) so the widget can read the answer.
"""

from __future__ import annotations

import asyncio
import secrets

from aiohttp import BodyPartReader, web

from bot.applications.files import MAX_CV_BYTES, CvRefused, check_cv, store
from bot.applications.models import CvFile
from bot.core.application_texts import application_problem
from bot.core.clock import utcnow
from bot.core.db import transaction
from bot.core.limits import Limit, Limiter, configured, limiter_for
from bot.core.settings import Settings
from bot.staff.views import client_address

UPLOADS_PER_HOUR = Limit("cv-uploads-ip", 20, 3600.0)
STATUS = {
    "cv_empty": 400,
    "cv_bad_request": 400,
    "cv_too_big": 413,
    "cv_not_a_cv": 415,
    "cv_active_content": 422,
    "cv_too_many": 429,
}
settings_key = web.AppKey("uploads_settings", Settings)
limiter_key = web.AppKey("uploads_limiter", object)


def _language(request: web.Request) -> str:
    return "en" if request.query.get("lang") == "en" else "fr"


def _refusal(request: web.Request, code: str, headers: dict[str, str]) -> web.Response:
    body = {"error": application_problem(code, _language(request)), "code": code}
    return web.json_response(body, status=STATUS[code], headers=headers)


def _allowed_origin(settings: Settings, request: web.Request) -> tuple[bool, dict[str, str]]:
    origin = request.headers.get("Origin")
    if origin is None:
        return True, {}  # not a browser's cross-site request (curl, a server)
    own = f"{request.scheme}://{request.host}"
    allowed = {own, *settings.allowed_widget_origins}
    if origin in allowed or "*" in settings.allowed_widget_origins:
        return True, {"Access-Control-Allow-Origin": origin, "Vary": "Origin"}
    return False, {"Vary": "Origin"}


async def _read_file(request: web.Request) -> bytes:
    """The `cv` field's bytes, at most MAX_CV_BYTES + 1; CvRefused for anything else."""
    if not request.content_type.startswith("multipart/form-data"):
        raise CvRefused("cv_bad_request")
    try:
        reader = await request.multipart()
        while True:
            part = await reader.next()
            if part is None:
                raise CvRefused("cv_bad_request")
            if isinstance(part, BodyPartReader) and part.name == "cv":
                break
            if isinstance(part, BodyPartReader):
                await part.release()
        content = bytearray()
        while len(content) <= MAX_CV_BYTES:
            chunk = await part.read_chunk(64 * 1024)
            if not chunk:
                break
            content.extend(chunk)
    except (ValueError, AssertionError, RuntimeError):
        raise CvRefused("cv_bad_request") from None
    if len(content) > MAX_CV_BYTES:
        raise CvRefused("cv_too_big")
    return bytes(content)


def _save(settings: Settings, content: bytes) -> CvFile:
    checked = check_cv(content)
    stored_as = store(settings, checked)
    with transaction(settings.database_url) as session:
        row = CvFile(
            token=secrets.token_urlsafe(24),
            stored_as=stored_as,
            kind=checked.kind,
            size=len(content),
            created_at=utcnow(),
        )
        session.add(row)
        session.flush()
        session.expunge(row)
    return row


async def upload_cv(request: web.Request) -> web.Response:
    settings = request.app[settings_key]
    allowed, headers = _allowed_origin(settings, request)
    if not allowed:
        body = {"error": "this page may not send files here", "code": "origin_refused"}
        return web.json_response(body, status=403, headers=headers)
    limiter: Limiter = request.app[limiter_key]  # type: ignore[assignment]
    address = client_address(request, behind_proxy=settings.public_url is not None)
    if not limiter.hit(configured(settings, UPLOADS_PER_HOUR), address):
        return _refusal(request, "cv_too_many", headers)
    if (request.content_length or 0) > MAX_CV_BYTES + 64 * 1024:
        return _refusal(request, "cv_too_big", headers)
    try:
        content = await _read_file(request)
        row = await asyncio.to_thread(_save, settings, content)
    except CvRefused as refused:
        return _refusal(request, refused.code, headers)
    return web.json_response(
        {"cv": row.token, "kind": row.kind, "size": row.size}, status=201, headers=headers
    )


def add_uploads(app: web.Application, settings: Settings, limiter: Limiter | None = None) -> None:
    """Mount the CV upload route (before the site's catch-all)."""
    app[settings_key] = settings
    app[limiter_key] = limiter or limiter_for(settings.limits_url)
    # The form with its boundaries and one 5 MB file: the app's default body limit is lower.
    app.router.add_post("/apply/cv", upload_cv)
