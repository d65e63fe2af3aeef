"""``amanst serve``: xlwings Server with the add-in, for development on one's own machine.

Sets what xlwings Server reads from the environment before it is imported (project directory,
license, environment, names), unless already set, and runs uvicorn. Production runs the same app
(``xlwings_server.main:main_app``) under gunicorn with uvicorn workers: see docs/excel-tillagg.md.
"""

from __future__ import annotations

import argparse
import importlib.util
from pathlib import Path

from .. import resources
from .. import settings as settings_mod
from ..core.errors import AmanstError
from .common import say


def cmd_serve(args: argparse.Namespace) -> int:
    # Look for xlwings Server without importing it: importing it reads its settings (project
    # folder, environment) at once, before apply_xlwings_environment below has set them, and the
    # server would then serve xlwings' own task pane in environment "prod".
    if importlib.util.find_spec("uvicorn") is None or importlib.util.find_spec(
            "xlwings_server") is None:
        raise AmanstError("Servern för Excel-tillägget är inte installerad. Installera amanst "
                          "med tillägget server: pip install \"amanst[server]\"")
    import uvicorn

    environment = settings_mod.apply_xlwings_environment(resources.SERVER_DIR)
    say(f"Startar tillägget på http://{args.host}:{args.port}/ (manifest: /manifest.xml, "
        f"aktivitetsfönster: /taskpane.html, miljö: {environment}). Avsluta med Ctrl+C.")
    ssl = {}
    if args.ssl_certfile and args.ssl_keyfile:
        ssl = {"ssl_certfile": str(args.ssl_certfile), "ssl_keyfile": str(args.ssl_keyfile)}
    uvicorn.run("xlwings_server.main:main_app", host=args.host, port=args.port,
                log_level="info", **ssl)
    return 0


def add_commands(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("serve", help="starta Excel-tilläggets server för utveckling",
                       description="Startar xlwings Server med tillägget (knapparna i Excel) på "
                                   "den här datorn, utan inloggning. Produktion: se "
                                   "docs/excel-tillagg.md.")
    p.add_argument("--host", metavar="ADRESS", default="127.0.0.1", help="adress att lyssna på (standard: 127.0.0.1)")
    p.add_argument("--port", metavar="PORT", type=int, default=8000, help="port (standard: 8000)")
    p.add_argument("--ssl-certfile", metavar="FIL", type=Path, help="certifikat för https (Excel kräver https "
                   "utom mot localhost i vissa klienter)")
    p.add_argument("--ssl-keyfile", metavar="FIL", type=Path, help="nyckel till certifikatet")
    p.set_defaults(func=cmd_serve)
