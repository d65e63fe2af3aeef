"""The load benchmark in short form: ``bench/bench_load.py``'s own code, 20 users for about 5 s
against ``amanst serve`` on loopback, and for 4 s against the documented production setup (two
processes behind nginx). Asserts correctness only (no errors, every answer a valid
action list, the server stopped afterwards); the timings are the benchmark's business."""

from __future__ import annotations

import importlib.util
import json
import os
import re
import shutil
import sys
from pathlib import Path

import httpx
import pytest

BENCH = Path(__file__).resolve().parents[2] / "bench" / "bench_load.py"


def _bench():
    spec = importlib.util.spec_from_file_location("bench_load", BENCH)
    module = importlib.util.module_from_spec(spec)
    sys.modules["bench_load"] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


def _without_minute(answer: bytes) -> bytes:
    return re.sub(rb"\d{4}-\d{2}-\d{2} \d{2}:\d{2}", b"<tid>", answer)


def test_twenty_users_for_five_seconds_get_only_valid_action_lists(tmp_path):
    bench = _bench()
    data = bench.as_task_pane_sends(bench.kontrollera_request())  # gzip, as the task pane does
    proc, base = bench.start_server(str(tmp_path))
    try:
        assert base.startswith("http://127.0.0.1:")
        answers = []

        def expect(response):  # the benchmark's check, and keep the answers for a closer look
            answers.append(response.content)
            return bench.valid_actions(response)

        result = bench.run_load(base, data, users=20, seconds=5, max_requests=2_000,
                                expect=expect, headers=bench.GZIP)
        memory = bench.memory_kb(proc.pid)
    finally:
        bench.stop_server(proc)
    assert proc.poll() is not None  # stopped
    assert result.errors == 0, result.error_samples
    assert result.requests == len(answers) >= 20
    first = json.loads(answers[0])["actions"]
    # values are written by the add-in's own action (runMacro amanstWrite), colours by xlwings'
    assert {"runMacro", "setRangeColors"} <= {a["func"] for a in first}
    # every user got the same answer for the same workbook: no request saw another's state. The
    # run log stamps each answer to the minute, and five seconds can cross a minute's end.
    assert len({_without_minute(a) for a in answers}) == 1
    assert memory["VmHWM"] > 0


def test_the_unauthenticated_flood_in_the_benchmark_gets_only_401(tmp_path):
    bench = _bench()
    prod = {"XLWINGS_ENVIRONMENT": "prod", "XLWINGS_AUTH_PROVIDERS": '["custom"]',
            "XLWINGS_ENABLE_SOCKETIO": "false"}
    proc, base = bench.start_server(str(tmp_path), prod)
    try:
        result = bench.run_load(base, bench.kontrollera_request(), users=20, seconds=2,
                                max_requests=400, expect=lambda r: r.status_code == 401)
        assert httpx.post(base + bench.CALL, content=b"{}", headers={
            "Content-Type": "application/json", "Authorization": "test-token"}).status_code == 400
    finally:
        bench.stop_server(proc)
    assert result.errors == 0 and result.requests > 0


def _cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def test_the_production_setup_behind_nginx_shares_the_users_between_its_processes(tmp_path):
    # docs/excel-tillagg.md: one server process per core, nginx in front with least_conn
    if not (shutil.which("nginx") or Path("/usr/sbin/nginx").exists()):
        if os.environ.get("CI"):
            pytest.fail("nginx is not installed; .ci/run installs nginx-light")
        pytest.skip("nginx is not installed (apt install nginx-light)")
    bench = _bench()
    os.chmod(tmp_path, 0o755)  # nginx's worker keeps its temporary folders there
    procs, base = bench.start_behind_nginx(str(tmp_path), 2)
    servers = procs[:-1]
    try:
        before = [_cpu_seconds(p.pid) for p in servers]
        result = bench.run_load(base, bench.kontrollera_request(), users=20, seconds=4,
                                max_requests=1_000)
        used = [_cpu_seconds(p.pid) - b for p, b in zip(servers, before, strict=True)]
    finally:
        for proc in reversed(procs):
            bench.stop_server(proc)
    assert all(proc.poll() is not None for proc in procs)
    assert result.errors == 0, result.error_samples
    assert result.requests >= 20
    # least_conn hands work to both processes: each did a real share of it
    assert min(used) > 0.25 * max(used), used
