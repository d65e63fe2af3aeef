"""``amanst serve`` (``amanst starta-server``): xlwings Server with the add-in, for development on
one's own machine.

Sets what xlwings Server reads from the environment before anything of it is imported (it reads
its settings and project folder at import: project directory, license, environment, names),
unless already set, and runs uvicorn. Without sign-in (``XLWINGS_AUTH_PROVIDERS``) it listens only
on the computer itself: a ``--host`` that other computers can reach is refused, since in
development everyone is then signed in with every role. Production runs the same app
(``xlwings_server.main:main_app``) under gunicorn with uvicorn workers: see docs/excel-tillagg.md.
"""

from __future__ import annotations

import argparse
import importlib.util
import ipaddress
from pathlib import Path

from .. import resources
from .. import settings as settings_mod
from ..core.errors import AmanstError
from .common import say

LOOPBACK_NAMES = {"localhost"}


def is_loopback(host: str) -> bool:
    """Whether only this computer can reach ``host`` (127.0.0.0/8, ::1, localhost)."""
    host = host.strip().strip("[]").lower()
    if host in LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:  # a host name: it may resolve to anything
        return False


def check_host(host: str, auth_providers: list[str]) -> None:
    if not auth_providers and not is_loopback(host):
        raise AmanstError(
            f"Servern startas inte på adressen {host}: utan inloggning skulle alla som når den "
            "datorn kunna köra knapparna med alla roller, också utfärda intyg. Utan inloggning "
            "lyssnar servern bara på den egna datorn (--host 127.0.0.1, standard). För att ta emot "
            "anslutningar från andra datorer: konfigurera inloggning med Entra ID "
            "(XLWINGS_AUTH_PROVIDERS=[\"entraid\"] med klient- och klientorganisations-id, se "
            "docs/excel-tillagg.md).")


def _require_server_extra() -> None:
    try:
        import uvicorn  # noqa: F401
        found = importlib.util.find_spec("xlwings_server") is not None
    except (ImportError, ValueError):  # ValueError: a module set to None in sys.modules
        found = False
    if not found:
        raise AmanstError("Servern för Excel-tillägget är inte installerad. Installera amanst "
                          "med tillägget server: pip install \"amanst[server]\"")


def cmd_serve(args: argparse.Namespace) -> int:
    # before xlwings Server is imported: it reads its settings and project folder at import
    environment = settings_mod.apply_xlwings_environment(resources.SERVER_DIR)
    _require_server_extra()
    import uvicorn
    from xlwings_server.config import settings as server_settings

    check_host(args.host, server_settings.auth_providers)
    say(f"Startar tillägget på http://{args.host}:{args.port}/ (manifest: /manifest.xml, "
        f"aktivitetsfönster: /taskpane.html, miljö: {environment}). Avsluta med Ctrl+C.")
    tls = bool(args.ssl_certfile and args.ssl_keyfile)
    uvicorn.run("xlwings_server.main:main_app", host=args.host, port=args.port, log_level="info",
                ssl_certfile=str(args.ssl_certfile) if tls else None,
                ssl_keyfile=str(args.ssl_keyfile) if tls else None)
    return 0


def add_commands(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("serve", aliases=["starta-server"],
                       help="starta Excel-tilläggets server för utveckling",
                       description="Startar xlwings Server med tillägget (knapparna i Excel) på "
                                   "den här datorn, utan inloggning. Produktion: se "
                                   "docs/excel-tillagg.md.")
    p.add_argument("--host", metavar="ADRESS", default="127.0.0.1",
                   help="adress att lyssna på (standard: 127.0.0.1; en adress som andra datorer "
                        "når kräver inloggning)")
    p.add_argument("--port", metavar="PORT", type=int, default=8000, help="port (standard: 8000)")
    p.add_argument("--ssl-certfile", metavar="FIL", type=Path,
                   help="certifikat för https (Excel kräver https utom mot localhost i vissa "
                        "klienter)")
    p.add_argument("--ssl-keyfile", metavar="FIL", type=Path, help="nyckel till certifikatet")
    p.set_defaults(func=cmd_serve)
