"""A large run renders on every core and issues exactly what rendering in one process issues.

``parallel_render.Renderers`` hands chunks of a run to worker processes (spawned) and renders
itself whenever it would wait. These tests run real workers: the files a run through them writes
are byte for byte the files rendering in process gives, in the order of their numbers; a worker
that dies costs nothing but speed; a template error in a worker stops the run at that certificate
with the same Swedish message; Ctrl+C sent to the workers does not stop them or print anything;
a stop while the workers render is tidied up and told as always.
"""

from __future__ import annotations

import os
import signal
import time
from pathlib import Path

import pytest
from certhelpers import TODAY

from addin.certificates import issuing, parallel_render, workflow
from addin.certificates.backend import open_store
from addin.certificates.files import sha256_file
from addin.certificates.parallel_render import Job, Renderers, render_job
from addin.certificates.render import TemplateRefused
from addin.certificates.stopped import IssueStopped
from addin.core.certificate_plan import plan
from addin.operations import read_register
from tests import example_facts as facts

ADDRESS = "https://intyg.malmo.se/verifiera"


@pytest.fixture
def pooled(monkeypatch):
    """Workers for runs of any size (the threshold is about cost, not behaviour)."""
    monkeypatch.setattr(parallel_render, "PARALLEL_FROM", 1)


@pytest.fixture
def templates():
    return issuing.load_templates({"sv"})


def _jobs(register, count: int) -> list[Job]:
    cands = [c for c in plan(register, TODAY).candidates if c.language == "sv"]
    jobs = []
    for i in range(count):
        number = f"ASF-2026-{i + 1:05d}"
        context = cands[i % len(cands)].context(number, "7ZQY-WDAA-DYNN", TODAY, ADDRESS)
        jobs.append(Job("sv", context, f"{ADDRESS}/{number}?kod=7ZQY-WDAA-DYNN"))
    return jobs


def _booted(renderers: Renderers) -> Renderers:
    assert renderers.pool is not None
    renderers.pool.submit(int).result(timeout=60)  # the worker has started and answers
    return renderers


def _run_waits_only(monkeypatch) -> None:
    """The run takes no chunk itself: every certificate goes through a worker."""
    monkeypatch.setattr(Renderers, "_take_last", lambda self, *args: False)


def test_workers_render_what_the_run_renders_in_the_order_of_the_run(
        pooled, example_register, templates, monkeypatch):
    monkeypatch.setattr(parallel_render, "CHUNK", 2)
    jobs = _jobs(example_register, 30)
    expected = [render_job(templates, job) for job in jobs]
    in_run = []
    real = parallel_render.render_job
    monkeypatch.setattr(parallel_render, "render_job",
                        lambda t, job: in_run.append(job) or real(t, job))
    renderers = _booted(Renderers(templates, len(jobs), workers=1))
    try:
        assert list(renderers.render_all(jobs)) == expected
    finally:
        renderers.close()
    assert len(in_run) < len(jobs)  # the worker rendered some: the rest the run took itself


def test_small_runs_and_single_cores_render_in_process(example_register, templates, monkeypatch):
    assert Renderers(templates, parallel_render.PARALLEL_FROM - 1).pool is None
    monkeypatch.setattr(parallel_render, "cores", lambda: 1)
    assert Renderers(templates, 10 * parallel_render.PARALLEL_FROM).pool is None


class _KillsTheWorker:
    """Unpickled in the worker, it ends the process there, as the kernel's OOM killer would."""

    def __reduce__(self):
        return os._exit, (9,)


def test_a_worker_that_dies_costs_only_speed(pooled, example_register, templates, monkeypatch):
    _run_waits_only(monkeypatch)
    monkeypatch.setattr(parallel_render, "CHUNK", 3)
    jobs = _jobs(example_register, 12)
    jobs[4] = Job("sv", {**jobs[4].context, "unused": _KillsTheWorker()}, jobs[4].link)
    expected = [render_job(templates, job) for job in jobs]
    renderers = _booted(Renderers(templates, len(jobs), workers=1))
    try:
        assert list(renderers.render_all(jobs)) == expected
    finally:
        renderers.close()
    assert renderers.pool is None  # the broken pool was given up


def test_a_worker_that_cannot_compile_the_templates_leaves_the_chunks_to_the_run(
        pooled, example_register, monkeypatch, capfd):
    _run_waits_only(monkeypatch)
    monkeypatch.setattr(parallel_render, "CHUNK", 3)
    templates = issuing.load_templates({"sv"})
    jobs = _jobs(example_register, 9)
    expected = [render_job(templates, job) for job in jobs]
    templates["sv"].data = b"not a Word file"  # what the worker is given to compile
    renderers = _booted(Renderers(templates, len(jobs), workers=1))
    try:
        assert list(renderers.render_all(jobs)) == expected
    finally:
        renderers.close()
    assert "Traceback" not in capfd.readouterr().err


@pytest.mark.parametrize("where", ["worker", "run"])
def test_a_template_error_stops_the_run_at_that_certificate(
        pooled, example_register, templates, monkeypatch, where):
    monkeypatch.setattr(parallel_render, "CHUNK", 2)
    jobs = _jobs(example_register, 8)
    failing = 5 if where == "worker" else 7
    broken = {k: v for k, v in jobs[failing].context.items() if k != "deltagare"}
    jobs[failing] = Job("sv", broken, jobs[failing].link)
    if where == "worker":
        _run_waits_only(monkeypatch)
        renderers = _booted(Renderers(templates, len(jobs), workers=1))
    else:  # the worker is still starting: the run takes the last chunks itself, first
        renderers = Renderers(templates, len(jobs), workers=1)
    got = []
    try:
        with pytest.raises(TemplateRefused) as refused:
            for data in renderers.render_all(jobs):
                got.append(data)
    finally:
        renderers.close()
    assert got == [render_job(templates, job) for job in jobs[:failing]]
    assert "platshållare som inte finns" in str(refused.value)


def test_ctrl_c_sent_to_the_workers_neither_stops_them_nor_prints(
        pooled, example_register, templates, monkeypatch, capfd):
    import multiprocessing

    _run_waits_only(monkeypatch)
    jobs = _jobs(example_register, 6)
    renderers = _booted(Renderers(templates, len(jobs), workers=1))
    try:
        workers = multiprocessing.active_children()
        assert workers
        for worker in workers:
            os.kill(worker.pid, signal.SIGINT)  # what a Ctrl+C in the terminal does to them
        time.sleep(0.5)
        assert all(worker.is_alive() for worker in workers)
        assert list(renderers.render_all(jobs)) == [render_job(templates, j) for j in jobs]
    finally:
        renderers.close()
    assert "Traceback" not in capfd.readouterr().err


def _issue(book: Path, out: Path, db: Path):
    return workflow.issue_workbook(book, out, register=db, issuer="anna", today=TODAY)


def test_a_run_through_workers_issues_the_files_and_entries_one_process_issues(
        pooled, book, tmp_path, monkeypatch):
    monkeypatch.setattr(parallel_render, "CHUNK", 2)
    monkeypatch.setattr(parallel_render, "cores", lambda: 2)
    by_place = {c.plats_id: c for c in plan(read_register(book, TODAY), TODAY).candidates}
    out, db = tmp_path / "intyg", tmp_path / "reg.sqlite3"
    result = _issue(book, out, db).result
    assert [c.number for c in result.issued] == facts.NUMBERS
    with open_store(str(db)) as store:
        for cert in result.issued:
            candidate = by_place[cert.plats_id]
            context = candidate.context(cert.number, cert.code, TODAY)
            link = issuing.verification_url(candidate.settings.get("Verifieringsadress", "")
                                            .rstrip("/"), cert.number, cert.code)
            expected = render_job(issuing.load_templates({candidate.language}),
                                  Job(candidate.language, context, link))
            assert cert.docx.read_bytes() == expected, cert.number
            entry = store.get(cert.number)
            assert entry.status == "Giltigt"
            assert entry.files["docx"] == (cert.docx.name, sha256_file(cert.docx))


def test_a_stop_while_workers_render_is_tidied_up_and_told_as_always(
        pooled, book, tmp_path, monkeypatch):
    monkeypatch.setattr(parallel_render, "CHUNK", 2)
    monkeypatch.setattr(parallel_render, "cores", lambda: 2)
    real, written = issuing.write_new, [0]

    def write(*args, **kwargs):
        if written[0] == 7:
            raise KeyboardInterrupt  # Ctrl+C, as the run writes its eighth file
        written[0] += 1
        return real(*args, **kwargs)

    monkeypatch.setattr(issuing, "write_new", write)
    out, db = tmp_path / "intyg", tmp_path / "reg.sqlite3"
    with pytest.raises(IssueStopped) as stopped:
        _issue(book, out, db)
    report = stopped.value.report
    assert report.registered == facts.NUMBERS[:7]
    assert report.kept == facts.NUMBERS[7:]
    assert sorted(p.name for p in out.glob("*.docx")) == [f"{n}.docx" for n in facts.NUMBERS[:7]]
    assert not [p for p in out.iterdir() if p.name.startswith(".")]
    monkeypatch.setattr(issuing, "write_new", real)  # the next run completes under the numbers
    assert [c.number for c in _issue(book, out, db).result.issued] == facts.NUMBERS[7:]


_KILLED_RUN = """
import multiprocessing, os, sys
from addin.certificates import issuing, parallel_render
if __name__ == "__main__":
    parallel_render.PARALLEL_FROM = 1
    renderers = parallel_render.Renderers(issuing.load_templates({"sv"}), 10, workers=1)
    renderers.pool.submit(int).result(timeout=60)
    print(*[p.pid for p in multiprocessing.active_children()
            if "Process" in type(p).__name__], flush=True)
    os._exit(9)  # as a killed run: no clean-up, no word to the workers
"""


def test_the_workers_of_a_killed_run_leave(tmp_path):
    import subprocess
    import sys

    script = tmp_path / "killed.py"
    script.write_text(_KILLED_RUN)
    done = subprocess.run([sys.executable, str(script)], capture_output=True, text=True,
                          timeout=60, cwd=Path(__file__).resolve().parents[2])
    pids = [int(p) for p in done.stdout.split()]
    assert pids, done.stderr
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and any(_alive(pid) for pid in pids):
        time.sleep(0.1)
    assert not any(_alive(pid) for pid in pids)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    try:  # a zombie has left; only its entry remains until init reaps it
        return Path(f"/proc/{pid}/stat").read_text().split(") ")[1][0] != "Z"
    except (OSError, IndexError):
        return True
