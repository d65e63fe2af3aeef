"""An ASGI middleware that refuses a request body over a size limit before the app sees it.

Excel on the web moves at most about 5 MB between an add-in and the workbook, so a button's request
is never larger than that; anything much larger is a mistake or an attack. The limit is the setting
``max_body_bytes`` (``AMANST_MAX_BODY_BYTES``, default 6 MiB, the same as the documented nginx
``client_max_body_size 6m``), handed in by ``webapp``. A request whose ``Content-Length`` is over
the limit is answered 413 at once, without reading a byte of its body. A body without
``Content-Length`` (chunked) — and, to be safe, every other body — is read into memory by the
middleware, counting, and refused with 413 as soon as the count passes the limit; only a body that
is complete and within the limit is handed on to the app, so nothing downstream (FastAPI's form
parser, the JSON decoder, a script) ever runs on an oversized request. The app reads the whole body
anyway, so buffering costs nothing extra.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

log = logging.getLogger("amanst")


Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]


def too_large_message(limit: int) -> str:
    mb = f"{limit / 1_000_000:.1f}".replace(".", ",")
    return (f"Arbetsboken är för stor för att skickas till servern (gränsen är {mb} MB). "
            "Dela upp arbetsboken per år eller förvaltning, eller flytta äldre bedömningar till "
            "en arkivbok. Kommandoraden (amanst validate) har ingen storleksgräns.")


async def _answer(send: Send, status: int, detail: str) -> None:
    body = json.dumps({"detail": detail}, ensure_ascii=False).encode("utf-8")
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", b"application/json; charset=utf-8"),
                            (b"content-length", str(len(body)).encode("ascii")),
                            # the client may still be sending: don't reuse the connection
                            (b"connection", b"close")]})
    await send({"type": "http.response.body", "body": body})


class BodyLimit:
    """ASGI middleware: 413 for a body over ``max_bytes``; 400 for a malformed Content-Length."""

    def __init__(self, app: Callable[[Scope, Receive, Send], Awaitable[None]],
                 max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        lengths = [v for k, v in scope.get("headers", []) if k.lower() == b"content-length"]
        if lengths:
            text = lengths[0].strip()
            if len(lengths) > 1 or not text.isdigit():
                await _answer(send, 400, "Förfrågan har en ogiltig längduppgift (Content-Length).")
                return
            if int(text) > self.max_bytes:
                log.warning("Nekad: förfrågan på %s byte till %s (gräns %d).", text.decode(),
                            scope.get("path", ""), self.max_bytes)
                await _answer(send, 413, too_large_message(self.max_bytes))
                return
        # Read the whole body, counting, before the app runs (chunked bodies have no length).
        messages: list[Message] = []
        total = 0
        while True:
            message = await receive()
            if message["type"] != "http.request":  # the client went away: let the app see it
                messages.append(message)
                break
            total += len(message.get("body", b""))
            if total > self.max_bytes:
                log.warning("Nekad: förfrågan utan giltig längd passerade %d byte till %s.",
                            self.max_bytes, scope.get("path", ""))
                await _answer(send, 413, too_large_message(self.max_bytes))
                return
            messages.append(message)
            if not message.get("more_body", False):
                break
        body = b"".join(m.get("body", b"") for m in messages if m["type"] == "http.request")
        replay: list[Message] = ([{"type": "http.request", "body": body, "more_body": False}]
                                 if messages[-1]["type"] == "http.request" else messages[-1:])

        async def buffered() -> Message:
            return replay.pop(0) if replay else await receive()

        await self.app(scope, buffered, send)
