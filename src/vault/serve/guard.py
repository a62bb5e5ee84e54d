"""The HTTP side's door, as pure ASGI (standard library only): every request carries the
token, as `Authorization: Bearer TOKEN` or as the cookie the page sets when opened with
`?token=TOKEN` (Jupyter's way); its Host header must name the address served and its
Origin, when there is one, that address too (so a web page on another site, even one whose
name resolves here, cannot drive the server: DNS rebinding)."""

from __future__ import annotations

import hmac
from http.cookies import SimpleCookie
from urllib.parse import parse_qs

COOKIE = "vault_token"


# Bound to every interface: any name of this machine is the address served.
WILDCARDS = ("0.0.0.0", "::", "")


def allowed_hosts(host: str, port: int) -> set[str] | None:
    """The Host values a request may carry: the address served, and its loopback names
    (None: any name, with the port, when every interface is served)."""
    if host in WILDCARDS:
        return None
    shown = f"[{host}]" if ":" in host else host
    names = {shown}
    if host in ("127.0.0.1", "localhost", "::1"):
        names |= {"127.0.0.1", "localhost", "[::1]"}
    return {f"{n}:{port}" for n in names}


class Guard:
    """Wraps the ASGI app: refuses (401) a request without the token, (403) one whose Host
    or Origin is not ours, and sets the cookie on the answer to `/?token=TOKEN` (the app's
    home page)."""

    def __init__(self, app, *, token: str, host: str, port: int):
        self.app = app
        self.token = token
        self.hosts = allowed_hosts(host, port)
        self.port = port

    async def __call__(self, scope, receive, send):
        if scope["type"] == "websocket":
            return await send({"type": "websocket.close", "code": 1008})  # none served
        if scope["type"] != "http":
            return await self.app(scope, receive, send)  # lifespan
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}
        asked = headers.get("host", "")
        if not self._ours(asked):
            return await _plain(send, 403, "Forbidden: this Host is not the address served")
        origin = headers.get("origin")
        if origin is not None and origin != f"http://{asked}" and origin not in self._origins():
            return await _plain(send, 403, "Forbidden: requests from another origin are refused")
        query = parse_qs(scope.get("query_string", b"").decode("latin-1"))
        if scope["path"] == "/" and self._matches((query.get("token") or [""])[0]):
            return await self.app(scope, receive, self._with_cookie(send))
        if not self._authorized(headers):
            return await _plain(send, 401, "Unauthorized: give the token (Authorization: Bearer)")
        return await self.app(scope, receive, send)

    def _ours(self, asked: str) -> bool:
        if self.hosts is None:
            return asked.rpartition(":")[2] == str(self.port)
        return asked in self.hosts

    def _origins(self) -> set[str]:
        return {f"http://{h}" for h in self.hosts or ()}

    def _authorized(self, headers: dict[str, str]) -> bool:
        auth = headers.get("authorization", "")
        if auth[:7].lower() == "bearer " and self._matches(auth[7:].strip()):
            return True
        cookie = SimpleCookie()
        try:
            cookie.load(headers.get("cookie", ""))
        except Exception:  # http.cookies raises CookieError and others on junk
            return False
        morsel = cookie.get(COOKIE)
        return morsel is not None and self._matches(morsel.value)

    def _matches(self, given: str) -> bool:
        return bool(given) and hmac.compare_digest(given.encode(), self.token.encode())

    def _with_cookie(self, send):
        cookie = f"{COOKIE}={self.token}; HttpOnly; SameSite=Strict; Path=/".encode("latin-1")

        async def sending(message):
            if message["type"] == "http.response.start":
                headers = [*message.get("headers", []), (b"set-cookie", cookie)]
                message = {**message, "headers": headers}
            await send(message)

        return sending


async def _plain(send, status: int, text: str) -> None:
    extra = [(b"www-authenticate", b"Bearer")] if status == 401 else []
    await _respond(send, status, "text/plain; charset=utf-8", (text + "\n").encode(), extra)


async def _respond(send, status: int, kind: str, body: bytes, extra=()) -> None:
    headers = [(b"content-type", kind.encode()), (b"content-length", str(len(body)).encode())]
    await send({"type": "http.response.start", "status": status, "headers": [*headers, *extra]})
    await send({"type": "http.response.body", "body": body})
