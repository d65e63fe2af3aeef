"""Load on loopback: 20 concurrent users pressing Kontrollera on the example workbook.

Starts, one after the other in the same run: ``uvicorn xlwings_server.main:main_app --workers N``
with 1 worker and with as many workers as cores (``--workers``; none: ``amanst serve``, one
process), and then the documented production setup (docs/excel-tillagg.md, "Run"): 1 and as many
single-process servers as cores, each on its own port, behind nginx with ``least_conn``
(``--nginx``; skipped without nginx). Development sign-in, on 127.0.0.1 on free ports;
builds Kontrollera's request once as the Office.js client does
(``tests/excel/officejs_client.py``; the example has 935 places and 14,885 assessments, 2.8 MB of
JSON as xlwings sends it), packs each sheet and compresses the whole as the task pane does
(``amanst-run.js``: ``packValues``, each distinct value once, 0.68 MB;
``CompressionStream("gzip")``, zlib's default level; ``--plain`` sends xlwings' own form
uncompressed), then ``--users`` threads, each with its own HTTP connection, post it back to back
for ``--seconds`` (and at most ``--max-requests`` in all). Every answer must be 200 with a list of
actions; anything else counts as an error. Reports requests, errors, throughput, p50/p95/max
latency, the shortest and longest of the users' mean latencies (how evenly they are served) and
the server's memory (VmRSS before, VmHWM = peak resident set after, from /proc/<pid>/status),
then stops the server.

With ``--flood-seconds`` (default 10; 0 to skip) a second server is started the way production
runs (``XLWINGS_ENVIRONMENT=prod`` with xlwings Server's test auth provider) and the same users
post the same request without a token: every answer must be 401, and the figures show what an
unauthenticated flood costs next to real work, measured in the same run.

    python bench/bench_load.py                 # 60 s, 20 users
    python bench/bench_load.py --seconds 10

``tests/adversarial/test_load.py`` runs the same code for about 5 s (no timing assertions).
"""

from __future__ import annotations

import argparse
import getpass
import gzip
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

import httpx  # noqa: E402

from addin.excel.actions import KONTROLLERA_SHEETS  # noqa: E402
from tests.excel.officejs_client import packed, payload  # noqa: E402

EXAMPLE = REPO / "workbooks" / "exempel.xlsx"
HOST = "127.0.0.1"  # loopback only
CALL = "/xlwings/custom-scripts-call/kontrollera"
STARTUP_TRIES = 150  # x 0.2 s


def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


def start_server(state: str, extra_env: dict[str, str] | None = None,
                 workers: int | None = None) -> tuple[subprocess.Popen, str]:
    """``amanst serve`` on a free loopback port, or with ``workers`` the documented production
    command (uvicorn with that many worker processes); returns the process and its base URL."""
    from addin import resources, settings

    port = free_port()
    env = {**os.environ, "AMANST_STATE_DIR": state, "AMANST_LOG_DIR": state,
           "DOTENV_PATH": str(Path(state) / "no.env"), **(extra_env or {})}
    # what the ``amanst`` console script runs (``python -m addin.cli`` would import cli twice)
    command = [sys.executable, "-c", "import sys; from addin.cli.main import main; "
               "sys.exit(main(sys.argv[1:]))", "serve", "--host", HOST, "--port", str(port)]
    if workers is not None:  # docs/excel-tillagg.md, "Run (production)"
        env = settings.xlwings_environment(resources.SERVER_DIR, env)
        command = [sys.executable, "-m", "uvicorn", "xlwings_server.main:main_app", "--host",
                   HOST, "--port", str(port), "--workers", str(workers), "--proxy-headers",
                   "--forwarded-allow-ips", HOST, "--log-level", "warning"]
    proc = subprocess.Popen(command, cwd=REPO, env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://{HOST}:{port}"
    try:
        wait_until_up(proc, base, "the server")
    except RuntimeError:
        stop_server(proc)
        raise
    return proc, base


def wait_until_up(proc: subprocess.Popen, base: str, what: str) -> None:
    """Until ``base`` answers its start page with 200; RuntimeError if ``proc`` exits first or
    it never does."""
    for _ in range(STARTUP_TRIES):
        if proc.poll() is not None:
            raise RuntimeError(f"{what} exited at start (code {proc.returncode})")
        try:
            if httpx.get(base + "/", timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            time.sleep(0.2)
    raise RuntimeError(f"{what} did not start")


# docs/excel-tillagg.md, "nginx in front", without TLS (loopback): one upstream server per
# process, least_conn. What nginx does with the upstream connection is its default
# (https://nginx.org/en/docs/http/ngx_http_proxy_module.html#proxy_http_version: HTTP/1.0,
# "Connection: close"), so every request reaches the process with the fewest in progress.
NGINX_CONF = """
user {user}; worker_processes 1; daemon off; pid {state}/nginx.pid; error_log {state}/nginx.log;
events {{ worker_connections 1024; }}
http {{
  access_log off;
  client_body_temp_path {state}/body; proxy_temp_path {state}/proxy;
  fastcgi_temp_path {state}/fcgi; uwsgi_temp_path {state}/uwsgi; scgi_temp_path {state}/scgi;
  upstream amanst {{ least_conn; {servers} }}
  server {{
    listen {host}:{port};
    client_max_body_size 6m; client_body_buffer_size 6m; proxy_read_timeout 300s;
    location / {{ proxy_pass http://amanst; proxy_set_header Host $host;
                 proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for; }}
  }}
}}
"""


def start_behind_nginx(state: str, processes: int, extra_env: dict[str, str] | None = None
                       ) -> tuple[list[subprocess.Popen], str]:
    """The documented production setup: ``processes`` single-process servers, each on its own
    port, and nginx in front with ``least_conn``; returns every process (nginx last) and nginx's
    base URL."""
    nginx = shutil.which("nginx") or "/usr/sbin/nginx"
    if not Path(nginx).exists():
        raise RuntimeError("nginx is not installed (apt install nginx-light)")
    started: list[subprocess.Popen] = []
    bases = []
    try:
        for _ in range(processes):
            proc, base = start_server(state, extra_env, workers=1)
            started.append(proc)
            bases.append(base)
        port = free_port()
        conf = Path(state) / "nginx.conf"
        conf.write_text(NGINX_CONF.format(
            user=getpass.getuser(), state=state, host=HOST, port=port,
            servers=" ".join(f"server {b.removeprefix('http://')};" for b in bases)))
        proxy = subprocess.Popen([nginx, "-c", str(conf), "-p", state],
                                 stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        started.append(proxy)
        base = f"http://{HOST}:{port}"
        wait_until_up(proxy, base, "nginx")
        return started, base
    except BaseException:
        for proc in started:
            stop_server(proc)
        raise


def stop_server(proc: subprocess.Popen) -> None:
    proc.terminate()
    try:
        proc.wait(timeout=15)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(timeout=15)


def _children(pid: int) -> list[int]:
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            found.append(int(stat.parent.name))
    return found


def memory_kb(pid: int) -> dict[str, int]:
    """VmRSS (now) and VmHWM (peak resident set) of a process and its worker processes, summed,
    in kB, from /proc."""
    result = {"VmRSS": 0, "VmHWM": 0}
    for each in [pid, *_children(pid)]:
        try:
            lines = Path(f"/proc/{each}/status").read_text().splitlines()
        except OSError:
            continue
        for line in lines:
            key, _, value = line.partition(":")
            if key in result:
                result[key] += int(value.split()[0])
    return result


def kontrollera_request(plain: bool = False) -> bytes:
    """Kontrollera's request as JSON, its sheets packed as the task pane packs them
    (``packValues`` in amanst-run.js); ``plain``: as xlwings' own client sends them."""
    body = payload(EXAMPLE, list(KONTROLLERA_SHEETS))
    return json.dumps(body if plain else packed(body), ensure_ascii=False,
                      separators=(",", ":")).encode("utf-8")  # as JSON.stringify writes it


GZIP = {"Content-Encoding": "gzip"}


def as_task_pane_sends(data: bytes) -> bytes:
    """The body compressed as amanst-run.js sends it (gzip at zlib's default level, 6)."""
    return gzip.compress(data, 6)


def valid_actions(response: httpx.Response) -> bool:
    """200 with ``{"actions": [...]}``, every action an object naming its function."""
    if response.status_code != 200:
        return False
    try:
        acts = response.json()["actions"]
    except (ValueError, KeyError, TypeError):
        return False
    return (isinstance(acts, list) and bool(acts)
            and all(isinstance(a, dict) and isinstance(a.get("func"), str) for a in acts))


@dataclass
class Result:
    seconds: float = 0.0
    latencies: list[float] = field(default_factory=list)
    errors: int = 0
    error_samples: list[str] = field(default_factory=list)
    by_user: dict[int, list[float]] = field(default_factory=dict)  # each user's latencies

    @property
    def requests(self) -> int:
        return len(self.latencies)

    def percentile(self, p: float) -> float:
        if not self.latencies:
            return 0.0
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


def run_load(base: str, data: bytes, *, users: int = 20, seconds: float = 60.0,
             max_requests: int = 20_000, expect=valid_actions,
             headers: dict[str, str] | None = None) -> Result:
    """``users`` threads post ``data`` until ``seconds`` pass or ``max_requests`` are sent."""
    result = Result()
    lock = threading.Lock()
    sent = [0]
    send_headers = {"Content-Type": "application/json", **(headers or {})}
    start = time.perf_counter()
    deadline = start + seconds

    def user(number: int) -> None:
        with httpx.Client(base_url=base, timeout=120) as http:
            while time.perf_counter() < deadline:
                with lock:
                    if sent[0] >= max_requests:
                        return
                    sent[0] += 1
                t0 = time.perf_counter()
                try:
                    response = http.post(CALL, content=data, headers=send_headers)
                    ok, detail = expect(response), f"{response.status_code} {response.text[:200]}"
                except httpx.HTTPError as exc:
                    ok, detail = False, repr(exc)
                elapsed = time.perf_counter() - t0
                with lock:
                    result.latencies.append(elapsed)
                    result.by_user.setdefault(number, []).append(elapsed)
                    if not ok:
                        result.errors += 1
                        if len(result.error_samples) < 5:
                            result.error_samples.append(detail)

    threads = [threading.Thread(target=user, args=(i,), daemon=True) for i in range(users)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=seconds + 180)  # bounded: a request has a 120 s timeout
    result.seconds = time.perf_counter() - start
    return result


def measure(data: bytes, *, users: int, seconds: float, max_requests: int,
            extra_env: dict[str, str] | None = None, expect=valid_actions,
            headers: dict[str, str] | None = None, workers: int | None = None,
            behind_nginx: int | None = None) -> tuple[Result, dict[str, int]]:
    """Start a server (or ``behind_nginx`` processes and nginx), load it, read its memory, stop
    it."""
    with tempfile.TemporaryDirectory(prefix="amanst-load-") as state:
        os.chmod(state, 0o755)  # nginx's worker reads its temp folders there
        if behind_nginx:
            procs, base = start_behind_nginx(state, behind_nginx, extra_env)
            servers = procs[:-1]
        else:
            proc, base = start_server(state, extra_env, workers)
            procs = servers = [proc]
        if workers:
            time.sleep(2)  # every worker up before the clock starts
        try:
            before = [memory_kb(p.pid) for p in servers]
            result = run_load(base, data, users=users, seconds=seconds,
                              max_requests=max_requests, expect=expect, headers=headers)
            after = [memory_kb(p.pid) for p in servers]
        finally:
            for proc in reversed(procs):
                stop_server(proc)
    return result, {"rss_before_kb": sum(m["VmRSS"] for m in before),
                    "peak_kb": sum(m["VmHWM"] for m in after)}


def report(title: str, result: Result, memory: dict[str, int], users: int) -> None:
    print(f"\n{title}")
    print(f"  users {users}, {result.seconds:.1f} s, requests {result.requests}, "
          f"errors {result.errors}, throughput {result.requests / result.seconds:.1f} req/s")
    print(f"  latency p50 {result.percentile(50) * 1000:.0f} ms, p95 "
          f"{result.percentile(95) * 1000:.0f} ms, max {max(result.latencies, default=0) * 1000:.0f} ms")
    means = sorted(sum(v) / len(v) for v in result.by_user.values())
    if means:  # how evenly the users are served: first come, first served gives all the same
        print(f"  mean latency per user: shortest {means[0] * 1000:.0f} ms, longest "
              f"{means[-1] * 1000:.0f} ms")
    print(f"  server memory: {memory['rss_before_kb'] / 1024:.0f} MB resident before, "
          f"peak (VmHWM) {memory['peak_kb'] / 1024:.0f} MB")
    for sample in result.error_samples:
        print(f"  error: {sample}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--users", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--max-requests", type=int, default=20_000)
    parser.add_argument("--flood-seconds", type=float, default=10.0)
    parser.add_argument("--workers", type=int, nargs="*", default=[1, os.cpu_count() or 1],
                        help="worker counts to run uvicorn --workers with, one after the "
                             "other in this run (none: amanst serve, one process)")
    parser.add_argument("--nginx", type=int, nargs="*", default=[1, os.cpu_count() or 1],
                        help="process counts to run behind nginx least_conn, the documented "
                             "production setup (none: skip; needs nginx)")
    parser.add_argument("--plain", action="store_true",
                        help="send the book as xlwings' own client does, its values row by row "
                             "and uncompressed, instead of packed and gzip as the task pane does")
    args = parser.parse_args(argv)

    text = kontrollera_request(plain=args.plain)
    data, headers = (text, {}) if args.plain else (as_task_pane_sends(text), GZIP)
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else 0.0
    print(f"Kontrollera on {EXAMPLE.name}: request {len(text) / 1e6:.2f} MB of JSON "
          f"({'as xlwings sends it' if args.plain else 'its sheets packed'}), sent "
          f"{'as it is' if args.plain else f'gzip-compressed: {len(data) / 1e6:.2f} MB'}, "
          f"{os.cpu_count()} CPUs, load average {load:.1f}, server on {HOST}")
    failed = False
    rates = {}
    for workers in args.workers or [None]:
        result, memory = measure(data, users=args.users, seconds=args.seconds,
                                 max_requests=args.max_requests, workers=workers,
                                 headers=headers)
        label = (f"production command, {workers} worker{'s' if workers > 1 else ''}" if workers
                 else "amanst serve, one process")
        report(f"Kontrollera, signed in (development), {label}", result, memory, args.users)
        rates[workers] = result.requests / result.seconds if result.seconds else 0.0
        failed = failed or result.errors > 0
    if len(rates) > 1:
        first = next(iter(rates.values()))
        print("\n  throughput by workers: " + ", ".join(
            f"{w}: {r:.1f} req/s ({r / first:.2f}x)" for w, r in rates.items()))
    proxied = {}
    for processes in args.nginx or []:
        if not (shutil.which("nginx") or Path("/usr/sbin/nginx").exists()):
            print("\nnginx is not installed: the production setup is not measured")
            break
        result, memory = measure(data, users=args.users, seconds=args.seconds,
                                 max_requests=args.max_requests, behind_nginx=processes,
                                 headers=headers)
        report(f"Kontrollera, signed in (development), production setup: {processes} "
               f"process{'es' if processes > 1 else ''} behind nginx least_conn", result, memory,
               args.users)
        proxied[processes] = result.requests / result.seconds if result.seconds else 0.0
        failed = failed or result.errors > 0
    if len(proxied) > 1:
        first = next(iter(proxied.values()))
        print("\n  throughput by processes behind nginx: " + ", ".join(
            f"{w}: {r:.1f} req/s ({r / first:.2f}x)" for w, r in proxied.items()))
    if args.flood_seconds > 0:
        prod = {"XLWINGS_ENVIRONMENT": "prod", "XLWINGS_AUTH_PROVIDERS": '["custom"]',
                "XLWINGS_ENABLE_SOCKETIO": "false"}
        flood, flood_memory = measure(
            data, users=args.users, seconds=args.flood_seconds, max_requests=args.max_requests,
            extra_env=prod, expect=lambda r: r.status_code == 401, headers=headers)
        report("The same requests without a token (production settings): all must be 401",
               flood, flood_memory, args.users)
        if result.requests and flood.requests:
            ratio = (flood.requests / flood.seconds) / (result.requests / result.seconds)
            print(f"\n  an unauthenticated request costs 1/{ratio:.0f} of a Kontrollera "
                  f"(throughput ratio {ratio:.0f}x, same run)")
        failed = failed or flood.errors > 0
    return 1 if failed else 0


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
