"""``amanst serve``: xlwings Server with the add-in, for development on one's own machine.

Sets what xlwings Server reads from the environment before it is imported (project directory,
license, environment, names), unless already set, and runs uvicorn. Production runs the same app
(``xlwings_server.main:main_app``) under gunicorn with uvicorn workers: see docs/excel-tillagg.md.
"""

from __future__ import annotations

import argparse
import os
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parent / "server"
# Our own manifest ids (xlwings Server's defaults are shared by every project that uses it).
MANIFEST_IDS = {
    "XLWINGS_MANIFEST_ID_DEV": "5b0c6a3e-8f0e-4a4e-9d0f-3c7e2a1d9b01",
    "XLWINGS_MANIFEST_ID_QA": "5b0c6a3e-8f0e-4a4e-9d0f-3c7e2a1d9b02",
    "XLWINGS_MANIFEST_ID_UAT": "5b0c6a3e-8f0e-4a4e-9d0f-3c7e2a1d9b03",
    "XLWINGS_MANIFEST_ID_STAGING": "5b0c6a3e-8f0e-4a4e-9d0f-3c7e2a1d9b04",
    "XLWINGS_MANIFEST_ID_PROD": "5b0c6a3e-8f0e-4a4e-9d0f-3c7e2a1d9b05",
}
DEFAULTS = {
    "XLWINGS_PROJECT_DIR": str(PROJECT_DIR),
    "XLWINGS_LICENSE_KEY": "noncommercial",
    "XLWINGS_ENVIRONMENT": "dev",
    "XLWINGS_PROJECT_NAME": "Arbetsmarknadsanställningar",
    "XLWINGS_FUNCTIONS_NAMESPACE": "AMANST",
    "XLWINGS_ENABLE_EXAMPLES": "false",
    "XLWINGS_ENABLE_HOTRELOAD": "false",
    "XLWINGS_ON_SERVER": "true",
    **MANIFEST_IDS,
}


def server_environment(environ: dict[str, str] | None = None) -> dict[str, str]:
    """The environment for xlwings Server: our defaults under whatever is already set."""
    env = dict(os.environ if environ is None else environ)
    for key, value in DEFAULTS.items():
        env.setdefault(key, value)
    return env


def cmd_serve(args: argparse.Namespace) -> int:
    os.environ.update(server_environment())
    import uvicorn

    print(f"Startar tillägget på http://{args.host}:{args.port}/ (manifest: /manifest.xml, "
          f"aktivitetsfönster: /taskpane.html, miljö: {os.environ['XLWINGS_ENVIRONMENT']}). "
          "Avsluta med Ctrl+C.", flush=True)
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
