"""The server's own pages for people: the start page at ``/`` and the documentation IT needs.

xlwings Server answers ``/`` with ``{"status": "ok"}``, which tells someone who opens the server's
address nothing. This ASGI middleware answers ``GET``/``HEAD`` on the root with a short Swedish
page (``templates/start.html``): what the server is, where the manifest is, and links to the
documentation for IT, which it also serves, as Markdown text, at
``/amanst/dokumentation/<name>.md`` (only the files in ``IT_DOCS``, from the installed package).
The root still answers 200, so a health check on ``/`` keeps working.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping, MutableMapping
from pathlib import Path
from typing import Any

from starlette.responses import HTMLResponse, PlainTextResponse, Response

Scope = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[MutableMapping[str, Any]]]
Send = Callable[[MutableMapping[str, Any]], Awaitable[None]]

IT_DOCS = {
    "excel-tillagg.md": "Installera och driva Excel-tillägget (server, inloggning, manifest)",
    "installningar.md": "Alla inställningar",
    "security.md": "Säkerhet: hot, skydd och checklista för produktion",
}
DOCS_PREFIX = "/amanst/dokumentation/"


class StartPage:
    """ASGI middleware: the start page and the IT documentation; everything else passes on."""

    def __init__(self, app: Callable[[Scope, Receive, Send], Awaitable[None]], *,
                 render: Callable[[Mapping[str, Any]], str], docs_dir: Path,
                 app_path: str = "") -> None:
        self.app = app
        self.render = render
        self.docs_dir = docs_dir
        self.app_path = app_path

    def _response(self, path: str) -> Response | None:
        if path in (f"{self.app_path}/", self.app_path or "/"):
            docs = [{"name": name, "title": title, "href": f"{self.app_path}{DOCS_PREFIX}{name}"}
                    for name, title in IT_DOCS.items()]
            return HTMLResponse(self.render({"docs": docs, "app_path": self.app_path}))
        prefix = f"{self.app_path}{DOCS_PREFIX}"
        if path.startswith(prefix) and path[len(prefix):] in IT_DOCS:
            file = self.docs_dir / path[len(prefix):]
            if file.is_file():
                return PlainTextResponse(file.read_text(encoding="utf-8"),
                                         media_type="text/markdown; charset=utf-8")
        return None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        response = None
        if scope["type"] == "http" and scope.get("method") in ("GET", "HEAD"):
            response = self._response(scope.get("path", ""))
        if response is None:
            await self.app(scope, receive, send)
        else:
            await response(scope, receive, send)
