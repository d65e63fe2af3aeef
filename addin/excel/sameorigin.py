"""An ASGI middleware refusing state-changing requests another web site could make a browser send.

Any page on the web can make a visitor's browser POST a form (or a body without a content type)
to any address, ``http://127.0.0.1:8000`` included, without asking the server first: that is how
a cross-site form post made ``amanst serve`` (development, no sign-in) issue 77 certificates. A
browser asks first (a CORS preflight, which this server never grants to other origins) only for
requests a form cannot make, such as ``Content-Type: application/json``; the add-in's own client
always sends that, from the server's own origin (the task pane).

So a POST, PUT, PATCH or DELETE is answered 403 with a Swedish message, before the app reads it,
when

- its ``Content-Type`` is one a form or a "simple" request can carry (``application/x-www-form-
  urlencoded``, ``multipart/form-data``, ``text/plain``) or missing; or
- the browser says it came from another site (``Sec-Fetch-Site`` other than ``same-origin`` or
  ``none``, Fetch Metadata); or
- its ``Origin`` is neither the server's own (the ``Host`` it was sent to, or the configured
  host name) nor one IT allowed (``XLWINGS_CORS_ALLOW_ORIGINS``); ``Origin: null`` included.

Clients that are not browsers send neither header and are unaffected; they still need JSON.

Paths given as ``public_paths`` (the public verification page, which changes nothing and takes a
file in a form from anyone) are left alone.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Iterable, MutableMapping
from typing import Any
from urllib.parse import urlsplit

from starlette.responses import JSONResponse

log = logging.getLogger("amanst")

Scope = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[MutableMapping[str, Any]]]
Send = Callable[[MutableMapping[str, Any]], Awaitable[None]]

UNSAFE_METHODS = {"POST", "PUT", "PATCH", "DELETE"}
# Content types a page on another site can send without the browser asking the server first
# (the Fetch standard's CORS-safelisted request-header values for Content-Type), and none at all.
FORM_TYPES = {"application/x-www-form-urlencoded", "multipart/form-data", "text/plain", ""}
SAME_SITE_FETCHES = {"same-origin", "none"}  # "none": typed by the user, not made by a page

CROSS_SITE = ("Förfrågan kom från en annan webbplats och avvisades. Knapparna körs bara från "
              "tilläggets eget aktivitetsfönster i Excel.")
NOT_JSON = ("Förfrågan avvisades: servern tar bara emot knapparnas förfrågningar som JSON "
            "(application/json) från tilläggets aktivitetsfönster, aldrig formulär från en "
            "webbsida.")

_DEFAULT_PORTS = {"http": "80", "https": "443"}


def _host_port(netloc: str, scheme: str) -> str:
    netloc = netloc.strip().lower()
    default = _DEFAULT_PORTS.get(scheme)
    if default and netloc.endswith(f":{default}"):
        netloc = netloc[: -len(default) - 1]
    return netloc


def origin_key(origin: str) -> str | None:
    """``host[:port]`` of an Origin header (the scheme is left out: a proxy may end TLS)."""
    parts = urlsplit(origin.strip())
    if parts.scheme not in _DEFAULT_PORTS or not parts.netloc:
        return None
    return _host_port(parts.netloc, parts.scheme)


def refusal(method: str, headers: dict[str, str], own_hosts: Iterable[str],
            allowed_origins: Iterable[str]) -> str | None:
    """The Swedish reason to refuse this request, or None when it may go on."""
    if method not in UNSAFE_METHODS:
        return None
    site = headers.get("sec-fetch-site", "").strip().lower()
    if site and site not in SAME_SITE_FETCHES:
        return CROSS_SITE
    origin = headers.get("origin")
    if origin is not None:
        key = origin_key(origin)
        trusted = set(own_hosts) | {origin_key(o) for o in allowed_origins}
        if key is None or key not in trusted:
            return CROSS_SITE
    content_type = headers.get("content-type", "").split(";")[0].strip().lower()
    if content_type in FORM_TYPES:
        return NOT_JSON
    return None


class SameOrigin:
    """ASGI middleware: 403 for a state-changing request a cross-site page could have sent."""

    def __init__(self, app: Callable[[Scope, Receive, Send], Awaitable[None]], *,
                 hostname: str | None = None, allowed_origins: Iterable[str] = (),
                 public_paths: Iterable[str] = ()) -> None:
        self.app = app
        self.hostname = hostname
        self.public_paths = tuple(public_paths)
        self.allowed_origins = [o for o in allowed_origins if o != "*"]  # never "any site"

    def _public(self, path: str) -> bool:
        return any(path == p or path.startswith(p + "/") for p in self.public_paths)

    def _own_hosts(self, headers: dict[str, str], scope: Scope) -> set[str]:
        hosts = {_host_port(headers.get("host", ""), scope.get("scheme", "http"))}
        if self.hostname:
            hosts.add(_host_port(self.hostname, "https"))
        return hosts - {""}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or self._public(scope.get("path", "")):
            await self.app(scope, receive, send)
            return
        headers = {k.decode("latin-1").lower(): v.decode("latin-1")
                   for k, v in scope.get("headers", [])}
        reason = refusal(scope.get("method", "GET"), headers, self._own_hosts(headers, scope),
                         self.allowed_origins)
        if reason is None:
            await self.app(scope, receive, send)
            return
        log.warning("Nekad: %s %s (Origin %r, Sec-Fetch-Site %r, Content-Type %r).",
                    scope.get("method"), scope.get("path", ""), headers.get("origin"),
                    headers.get("sec-fetch-site"), headers.get("content-type"))
        response = JSONResponse({"detail": reason}, status_code=403,
                                headers={"Cache-Control": "no-store"})
        await response(scope, receive, send)
