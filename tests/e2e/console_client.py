"""A recruiter in the console, over HTTP (sign-in form, CSRF, JSON API, live socket)."""

from __future__ import annotations

import re
from typing import Any

import aiohttp
import requests


class Recruiter:
    def __init__(self, web_url: str) -> None:
        self.web_url = web_url
        self.http = requests.Session()
        self.csrf = ""
        self._sockets: list[aiohttp.ClientSession] = []

    def sign_in(self, login: str, password: str) -> requests.Response:
        page = self.http.get(f"{self.web_url}/console/login", timeout=10)
        form_csrf = re.search(r'name="csrf" value="([^"]+)"', page.text)
        assert form_csrf, page.text
        response = self.http.post(
            f"{self.web_url}/console/login",
            data={"csrf": form_csrf.group(1), "login": login, "password": password},
            allow_redirects=False,
            timeout=10,
        )
        if response.status_code == 302:
            # the page sign-in leads to (the console for recruiters, the workspace for HR)
            home = self.http.get(
                requests.compat.urljoin(f"{self.web_url}/", response.headers["Location"]),
                timeout=10,
            )
            found = re.search(r'name="csrf" content="([^"]+)"', home.text)
            assert found, f"{home.url} carries no CSRF token"
            self.csrf = found.group(1)
            self.http.headers["X-CSRF-Token"] = self.csrf
        return response

    def get(self, path: str, **params: Any) -> requests.Response:
        return self.http.get(f"{self.web_url}{path}", params=params, timeout=15)

    def post(self, path: str, json: Any = None) -> requests.Response:
        return self.http.post(f"{self.web_url}{path}", json=json, timeout=15)

    def queue(self) -> list[dict[str, Any]]:
        return self.get("/console/api/queue").json()["handoffs"]

    def handoff_for(self, conversation_id: str) -> dict[str, Any]:
        return next(h for h in self.queue() if h["conversation"] == conversation_id)

    def sign_out(self) -> None:
        self.post("/console/logout")

    async def live(self) -> aiohttp.ClientWebSocketResponse:
        """The console's live socket (caller closes it and its session)."""
        cookies = "; ".join(f"{k}={v}" for k, v in self.http.cookies.get_dict().items())
        session = aiohttp.ClientSession()
        self._sockets.append(session)
        return await session.ws_connect(
            f"{self.web_url.replace('http', 'ws')}/console/ws", headers={"Cookie": cookies}
        )

    async def apost(self, path: str, json: Any = None) -> int:
        """The same POST without a thread (for many at once); returns the status."""
        if not hasattr(self, "_async_http"):
            cookies = "; ".join(f"{k}={v}" for k, v in self.http.cookies.get_dict().items())
            self._async_http = aiohttp.ClientSession(
                headers={"Cookie": cookies, "X-CSRF-Token": self.csrf}
            )
            self._sockets.append(self._async_http)
        async with self._async_http.post(f"{self.web_url}{path}", json=json) as response:
            await response.read()
            return response.status

    async def close_live(self) -> None:
        for session in self._sockets:
            await session.close()
        self._sockets.clear()
