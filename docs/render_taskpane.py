"""Render the task pane to docs/img/aktivitetsfonster.png with headless Chromium.

Usage: start ``amanst serve`` (and run a button or two so the list of runs has something), then
``python docs/render_taskpane.py [http://127.0.0.1:8000]``.

Outside Excel, Office.js never becomes ready and xlwings Server covers the page with its "didn't
load" prompt after a few seconds. A small same-origin proxy hides that prompt in the copy Chromium
sees; everything else (styles, scripts, the user's last runs) comes from the real server.
"""

from __future__ import annotations

import http.server
import shutil
import subprocess
import sys
import tempfile
import threading
import urllib.error
import urllib.request
from pathlib import Path

HIDE = b"<style>#xlwings-office-ready-error{display:none!important}</style></head>"
OUT = Path(__file__).resolve().parent / "img" / "aktivitetsfonster.png"


def main() -> None:
    upstream = (sys.argv[1] if len(sys.argv) > 1 else "http://127.0.0.1:8000").rstrip("/")

    class Proxy(http.server.BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802 - http.server's naming
            try:
                with urllib.request.urlopen(upstream + self.path) as response:
                    status, body = response.status, response.read()
                    kind = response.headers.get("Content-Type", "text/html")
            except urllib.error.HTTPError as exc:  # passed on as it is (e.g. Office-only calls)
                status, body, kind = exc.code, exc.read(), "text/plain"
            if self.path.startswith("/taskpane"):
                body = body.replace(b"</head>", HIDE, 1)
            self.send_response(status)
            self.send_header("Content-Type", kind)
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Proxy)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    profile = tempfile.mkdtemp(prefix="amanst-chromium-")
    try:
        OUT.parent.mkdir(parents=True, exist_ok=True)
        subprocess.run([shutil.which("chromium") or "chromium", "--headless", "--no-sandbox",
                        "--disable-gpu", "--disable-background-networking", "--no-first-run",
                        f"--user-data-dir={profile}", "--hide-scrollbars",
                        "--window-size=340,780", "--virtual-time-budget=3000",
                        f"--screenshot={OUT}",
                        f"http://127.0.0.1:{server.server_port}/taskpane.html"],
                       check=True, capture_output=True, timeout=120)
    finally:
        server.shutdown()
        shutil.rmtree(profile, ignore_errors=True)
    print(f"Skrev {OUT}")


if __name__ == "__main__":
    main()
