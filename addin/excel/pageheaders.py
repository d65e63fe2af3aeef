"""An ASGI middleware that gives the server's pages (the task pane, the start page) safe headers.

- ``Content-Security-Policy`` on every HTML response: scripts, styles, fonts and connections only
  from the server itself (the task pane's scripts, xlwings' client and the Office.js copy are all
  served from ``/static``; Microsoft's CDN is added only when ``XLWINGS_CDN_OFFICEJS`` is on),
  images also as ``data:`` (Bootstrap's form controls), no plugins (``object-src 'none'``), no
  ``<base>`` elsewhere, forms posted only to the server, and ``frame-ancestors`` limited to the
  server and the Microsoft hosts of Office on the web (the setting ``office_frame_ancestors``):
  Office on the web shows an add-in in an iframe of its own page ("Privacy and security for
  Office Add-ins", learn.microsoft.com/office/dev/add-ins/concepts/privacy-and-security, "Prevent
  clickjacking"), so ``'none'`` or ``X-Frame-Options: DENY`` would break the add-in there, while
  no limit at all would let any site frame the task pane.
- ``X-Content-Type-Options: nosniff`` and ``Referrer-Policy: no-referrer`` on every response
  (xlwings Server adds them too unless ``XLWINGS_ADD_SECURITY_HEADERS`` is off).

A header the response already carries (an endpoint's own, or ``XLWINGS_CUSTOM_HEADERS``, which
xlwings Server applies after this middleware) is left as it is.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable, MutableMapping
from typing import Any

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]

OFFICE_CDN = "https://appsforoffice.microsoft.com"
OFFICE_TELEMETRY = "https://telemetryservice.firstpartyapps.oaspapps.com"  # office.js frames it


def content_security_policy(frame_ancestors: Iterable[str], *, cdn_officejs: bool = False) -> str:
    scripts = "'self'" + (f" {OFFICE_CDN}" if cdn_officejs else "")
    directives = {
        "default-src": "'self'",
        "script-src": scripts,
        "style-src": "'self'",
        "style-src-attr": "'unsafe-inline'",
        "img-src": "'self' data:",
        "font-src": "'self' data:",
        "connect-src": "'self'",
        "frame-src": f"'self' {OFFICE_TELEMETRY}",
        "object-src": "'none'",
        "base-uri": "'self'",
        "form-action": "'self'",
        "frame-ancestors": " ".join(["'self'", *frame_ancestors]),
    }
    return "; ".join(f"{name} {value}" for name, value in directives.items())


def page_headers(policy: str, content_type: str) -> dict[bytes, bytes]:
    headers = {b"x-content-type-options": b"nosniff", b"referrer-policy": b"no-referrer"}
    if content_type.split(";")[0].strip().lower() == "text/html":
        headers[b"content-security-policy"] = policy.encode("ascii")
    return headers


class PageHeaders:
    """ASGI middleware: the headers above, added to responses that don't carry them already."""

    def __init__(self, app: Callable[[Scope, Receive, Send], Awaitable[None]], *,
                 policy: str) -> None:
        self.app = app
        self.policy = policy

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                present = {k.lower(): v for k, v in message.get("headers", [])}
                content_type = present.get(b"content-type", b"").decode("latin-1")
                extra = [(k, v) for k, v in page_headers(self.policy, content_type).items()
                         if k not in present]
                message["headers"] = [*message.get("headers", []), *extra]
            await send(message)

        await self.app(scope, receive, with_headers)
