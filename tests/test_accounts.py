"""Staff accounts: validated, passwords hashed with scrypt, checked in constant work."""

from __future__ import annotations

import pytest

from bot.core.db import transaction
from bot.staff.accounts import (
    AccountError,
    StaffUser,
    add_user,
    credentials,
    hash_password,
    verify_password,
)


def test_passwords_are_salted_hashes_that_verify():
    first, second = hash_password("correct horse battery"), hash_password("correct horse battery")
    assert first != second and first.startswith("scrypt$")
    assert "correct horse" not in first
    assert verify_password("correct horse battery", first)
    assert not verify_password("correct horse battery!", first)
    assert not verify_password("x", "garbage") and not verify_password("x", "md5$abc")


def test_add_and_authenticate(db_url):
    with transaction(db_url) as session:
        add_user(
            session=session,
            login="Camille",
            display_name="Camille Roux",
            role="recruiter",
            password="a-long-password",
        )
    with transaction(db_url) as session:
        user = session.get(StaffUser, credentials(session=session, login="camille").user_id)
        assert user is not None and user.display_name == "Camille Roux"
        stored = credentials(session=session, login="camille").password_hash
        assert stored is not None and verify_password("a-long-password", stored)
        assert not verify_password("wrong-password", stored)
        assert credentials(session=session, login="nobody").user_id is None
        assert session.query(StaffUser).one().password_hash.startswith("scrypt$")


@pytest.mark.parametrize(
    "login, name, role, password, error",
    [
        ("x", "X", "recruiter", "a-long-password", "login"),
        ("bad login", "X", "recruiter", "a-long-password", "login"),
        ("camille", "", "recruiter", "a-long-password", "display name"),
        ("camille", "C", "admin", "a-long-password", "role"),
        ("camille", "C", "recruiter", "short", "password"),
    ],
)
def test_bad_accounts_are_refused(db_url, login, name, role, password, error):
    with transaction(db_url) as session, pytest.raises(AccountError, match=error):
        add_user(session=session, login=login, display_name=name, role=role, password=password)


def test_logins_are_unique(db_url):
    with transaction(db_url) as session:
        add_user(
            session=session,
            login="camille",
            display_name="C",
            role="hr",
            password="a-long-password",
        )
    with transaction(db_url) as session, pytest.raises(AccountError, match="taken"):
        add_user(
            session=session,
            login="CAMILLE",
            display_name="C",
            role="hr",
            password="a-long-password",
        )


async def test_passwords_are_checked_on_the_hashing_threads_only(db_url):
    import threading

    from bot.staff.accounts import credentials, hashing_pool, verify_off_loop

    with transaction(db_url) as session:
        add_user(
            session=session,
            login="camille",
            display_name="C",
            role="recruiter",
            password="a-long-password",
        )
    with transaction(db_url) as session:
        known = credentials(session=session, login=" Camille ")
        unknown = credentials(session=session, login="nobody")
    assert known.role == "recruiter" and known.password_hash.startswith("scrypt$")
    assert unknown.user_id is None and unknown.password_hash is None
    assert await verify_off_loop("a-long-password", known.password_hash)
    assert not await verify_off_loop("a-long-password", unknown.password_hash)
    name = hashing_pool().submit(lambda: threading.current_thread().name).result()
    assert name.startswith("password-hash")
