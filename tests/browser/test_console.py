"""The recruiter console in a real browser, with a candidate chatting over socket.io."""

from __future__ import annotations

import asyncio
import re
import threading

import pytest
from playwright.sync_api import Browser, expect
from sqlalchemy import select

from bot.core.db import transaction
from bot.staff.accounts import StaffUser, add_user
from tests.browser.conftest import screenshot
from tests.e2e.socket_client import Candidate

pytestmark = [pytest.mark.e2e, pytest.mark.browser]

PASSWORD = "a-long-browser-password"


class BackgroundCandidate:
    """A socket.io candidate living on its own event loop, driven from sync tests."""

    def __init__(self, url: str) -> None:
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self.thread.start()
        self.client = Candidate(url)

    def run(self, coroutine):
        return asyncio.run_coroutine_threadsafe(coroutine, self.loop).result(60)

    def close(self) -> None:
        self.run(self.client.close())
        self.run(self._cancel_the_rest())
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(5)

    @staticmethod
    async def _cancel_the_rest() -> None:
        tasks = [t for t in asyncio.all_tasks() if t is not asyncio.current_task()]
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)


@pytest.fixture(scope="module")
def ines(assistant):
    with transaction(assistant.settings.database_url) as session:
        exists = session.execute(select(StaffUser).where(StaffUser.login == "ines")).first()
        if not exists:
            add_user(
                session=session,
                login="ines",
                display_name="Inès Martin",
                role="recruiter",
                password=PASSWORD,
            )


def test_sign_in_claim_and_chat_live(browser: Browser, assistant, ines):
    context = browser.new_context(viewport={"width": 1366, "height": 900})
    page = context.new_page()
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    web = assistant.settings.web_url
    candidate = BackgroundCandidate(assistant.url)
    try:
        page.goto(f"{web}/console")
        expect(page).to_have_url(re.compile(r"/console/login$"))
        page.fill("#login", "ines")
        page.fill("#password", "not the password")
        page.click("button[type=submit]")
        expect(page.locator(".error")).to_contain_text("incorrect")
        page.fill("#login", "ines")
        page.fill("#password", PASSWORD)
        page.click("button[type=submit]")
        expect(page.locator("#link")).to_have_text("En direct", timeout=10_000)

        client = candidate.client
        candidate.run(client.start())
        candidate.run(client.say("Je suis en alternance, comment ça marche ?", language="fr"))
        hostile = "<img src=x onerror=alert(1)> je voudrais parler à un humain"
        candidate.run(client.say("Je voudrais parler à un humain", language="fr"))
        item = page.locator(f'#queue .item[data-conversation="{client.session_id}"]')
        expect(item).to_be_visible(timeout=5_000)  # the queue updated by itself
        expect(item).to_contain_text("en attente")
        item.click()
        expect(page.locator(".summary")).to_contain_text("alternance")
        screenshot(page, "console-queue")

        page.click("button.claim")
        expect(page.locator("#reply")).to_be_visible(timeout=5_000)
        joined = candidate.run(client.next_message())
        assert joined["custom"]["recruiter"] == "Inès Martin"

        # What the recruiter types survives the view's live updates.
        page.fill("#reply", "Bonjour, je suis Inès. <b>Je</b> vous écoute.")
        candidate.run(client.say("Vous êtes là ?", language="fr"))
        expect(page.locator("#transcript")).to_contain_text("Vous êtes là ?", timeout=5_000)
        expect(page.locator("#reply")).to_have_value(
            "Bonjour, je suis Inès. <b>Je</b> vous écoute."
        )
        page.press("#reply", "Enter")
        message = candidate.run(client.next_message())
        assert message["text"] == "Bonjour, je suis Inès. <b>Je</b> vous écoute."
        transcript = page.locator("#transcript")
        expect(transcript).to_contain_text("Bonjour, je suis Inès. <b>Je</b> vous écoute.")

        candidate.run(client.say(hostile, language="fr"))
        expect(transcript).to_contain_text("<img src=x onerror=alert(1)>", timeout=2_000)
        assert transcript.locator("img, b").count() == 0
        page.fill("#note", "Alternance en septembre <script>alert(2)</script>")
        page.click(".note-form button")
        expect(page.locator(".notes")).to_contain_text("<script>alert(2)</script>")
        screenshot(page, "console-chat")

        page.click("button.return")
        expect(page.locator("#reply")).to_be_hidden(timeout=5_000)
        left = candidate.run(client.next_message())
        assert left["custom"]["status"] == "returned"
        assert dialogs == []
    finally:
        candidate.close()
        context.close()
