"""The load benchmark in short form: ``bench/bench_load.py``'s own code, 20 users for about 5 s
against ``amanst serve`` on loopback. Asserts correctness only (no errors, every answer a valid
action list, the server stopped afterwards); the timings are the benchmark's business."""

from __future__ import annotations

import importlib.util
import json
import re
import sys
from pathlib import Path

import httpx

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
    data = bench.kontrollera_request()
    proc, base = bench.start_server(str(tmp_path))
    try:
        assert base.startswith("http://127.0.0.1:")
        answers = []

        def expect(response):  # the benchmark's check, and keep the answers for a closer look
            answers.append(response.content)
            return bench.valid_actions(response)

        result = bench.run_load(base, data, users=20, seconds=5, max_requests=2_000,
                                expect=expect)
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
