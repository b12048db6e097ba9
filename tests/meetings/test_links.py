"""Signed links for the candidate (cancel/reschedule) and the ambassador (decline)."""

from __future__ import annotations

import base64
import datetime as dt
import stat

import pytest

from bot.meetings.links import (
    TokenExpired,
    TokenTampered,
    WrongPurpose,
    link_secret,
    link_url,
    make_token,
    read_token,
)
from tests.conftest import make_settings

SECRET = b"s" * 32
START = dt.datetime(2026, 12, 3, 13, 0)  # naive UTC, as stored
BEFORE = START - dt.timedelta(days=3)


def token(purpose="manage", public_id="b-7Xk2q", expires=START, secret=SECRET) -> str:
    return make_token(secret=secret, purpose=purpose, public_id=public_id, expires=expires)


def test_a_genuine_token_names_its_booking_until_it_expires():
    assert read_token(secret=SECRET, token=token(), purpose="manage", now=BEFORE) == "b-7Xk2q"
    last_second = START - dt.timedelta(seconds=1)
    assert read_token(secret=SECRET, token=token(), purpose="manage", now=last_second) == "b-7Xk2q"
    decline = token("decline")
    assert read_token(secret=SECRET, token=decline, purpose="decline", now=BEFORE) == "b-7Xk2q"


def test_an_expired_token_is_refused_from_its_expiry_on():
    for now in (START, START + dt.timedelta(days=30)):
        with pytest.raises(TokenExpired):
            read_token(secret=SECRET, token=token(), purpose="manage", now=now)


def test_a_decline_token_does_not_cancel_and_a_cancel_token_does_not_decline():
    with pytest.raises(WrongPurpose):
        read_token(secret=SECRET, token=token("decline"), purpose="manage", now=BEFORE)
    with pytest.raises(WrongPurpose):
        read_token(secret=SECRET, token=token("manage"), purpose="decline", now=BEFORE)


def _swap_payload(genuine: str, payload: bytes) -> str:
    signature = genuine.split(".")[1]
    return base64.urlsafe_b64encode(payload).rstrip(b"=").decode() + "." + signature


@pytest.mark.parametrize(
    "forged",
    [
        # another booking, a later expiry, another purpose under the genuine signature
        _swap_payload(token(), b"manage:1796302800:b-OTHER"),
        _swap_payload(token(), b"manage:4102444800:b-7Xk2q"),
        _swap_payload(token(), b"decline:1796302800:b-7Xk2q"),
        # signed with another secret
        token(secret=b"t" * 32),
        # one character of the signature changed
        token()[:-1] + ("A" if token()[-1] != "A" else "B"),
        # the two halves of two genuine tokens put together
        token().split(".")[0] + "." + token("manage", "b-OTHER").split(".")[1],
        "",
        "no-dot-at-all",
        "a.b.c",
        "!!!.???",
        "x" * 600 + "." + "y",
    ],
)
def test_a_tampered_or_made_up_token_is_refused(forged):
    with pytest.raises(TokenTampered):
        read_token(secret=SECRET, token=forged, purpose="manage", now=BEFORE)


def test_the_database_id_is_not_in_the_link_and_unknown_purposes_are_not_signed():
    with pytest.raises(ValueError):
        make_token(secret=SECRET, purpose="delete", public_id="b-1", expires=START)  # type: ignore[arg-type]
    with pytest.raises(ValueError):
        make_token(secret=SECRET, purpose="manage", public_id="", expires=START)


def test_the_secret_is_made_once_kept_in_var_and_readable_by_its_owner_only(tmp_path):
    settings = make_settings(tmp_path, PUBLIC_URL="https://assistant.example.org")
    first = link_secret(settings)
    assert len(first) >= 32 and link_secret(settings) == first
    path = settings.var_dir / "meeting-link-secret"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600

    url = link_url(settings, purpose="decline", public_id="b-7Xk2q", start_utc=START)
    prefix = "https://assistant.example.org/meetings/decline/"
    assert url.startswith(prefix)
    found = read_token(secret=first, token=url[len(prefix) :], purpose="decline", now=BEFORE)
    assert found == "b-7Xk2q"
    # a new process (same var/) honours the link; another deployment's does not
    assert read_token(
        secret=link_secret(settings), token=url[len(prefix) :], purpose="decline", now=BEFORE
    )
    other = make_settings(tmp_path / "other")
    with pytest.raises(TokenTampered):
        read_token(
            secret=link_secret(other), token=url[len(prefix) :], purpose="decline", now=BEFORE
        )
