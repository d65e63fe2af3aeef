"""Rendering a large run's certificates on every core, handed back in the order of their numbers.

A certificate takes about 2.4 ms of one core to render (its QR code 1.2 ms, the document 1.2 ms),
while all the rest a run does for it (writing the file, its SHA-256, the register) takes a tenth
of that: a year-end run of a thousand waits for one core while the others idle. ``Renderers``
sends chunks of the run to worker processes and yields each certificate's bytes in the order of
the run, so the run writes files, registers them and stops exactly as it does when it renders
them itself. Only bytes come back: numbers, files and the register stay with the run, so a stop
leaves behind what it always did.

- Workers are started with ``spawn``: a process that may run threads (the server, the render
  watchdog) is never forked. They compile the very template bytes the run checked, so the
  fingerprint the register records is the template that made the file.
- While the workers start (about 0.3 s of imports), and whenever the run would wait for the next
  chunk, the run renders the last chunk no worker has taken yet itself, so no core idles.
- Ctrl+C is the run's to handle: the workers ignore it (they are started with it ignored, so not
  even their start-up can print a traceback), the run stops and tidies up as always, and waits
  for the workers to leave (each finishes its chunk). A worker whose run was killed leaves
  within half a second.
- A worker that dies (killed, out of memory), or cannot compile the templates, costs only
  speed: what it had not delivered is rendered by the run. A template that fails in a worker
  raises the same error in the run, at that certificate.

Runs below ``PARALLEL_FROM`` certificates, and machines with one core, render in process.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import signal
import threading
import time
from collections.abc import Iterator, Mapping, Sequence
from concurrent.futures import CancelledError, Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .qr import BLANK_PNG, qr_png
from .render import CompiledTemplate

PARALLEL_FROM = 200  # below this, starting workers costs more than it saves
CHUNK = 25  # certificates per hand-over: about 60 ms of rendering
MAX_WORKERS = 4


@dataclass(frozen=True)
class Job:
    """One certificate to render: its template's language, its context and its QR code's link
    (empty: no verification address, a blank picture)."""

    language: str
    context: Mapping[str, Any]
    link: str


def render_job(templates: Mapping[str, CompiledTemplate], job: Job) -> bytes:
    return templates[job.language].render(job.context,
                                          qr=qr_png(job.link) if job.link else BLANK_PNG)


def cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # macOS, Windows
        return os.cpu_count() or 1


_templates: dict[str, CompiledTemplate] = {}  # in a worker: the run's templates, compiled there


def _start_worker(sources: dict[str, tuple[Path, bytes, bytes | None]]) -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    threading.Thread(target=_leave_with, args=(os.getppid(),), daemon=True).start()
    try:
        compiled = {language: CompiledTemplate(path, logo=logo, data=data)
                    for language, (path, data, logo) in sources.items()}
    except Exception:  # noqa: BLE001 - the run compiled them: it renders what this cannot
        return
    _templates.update(compiled)


Rendered = tuple[list[bytes], Exception | None]


def _render_here(templates: Mapping[str, CompiledTemplate], jobs: Sequence[Job]) -> Rendered:
    """The chunk's certificates up to the first that fails, and what failed: the run writes the
    ones before it and then stops, as it would have rendering them one by one."""
    done = []
    for job in jobs:
        try:
            done.append(render_job(templates, job))
        except Exception as exc:  # noqa: BLE001 - raised again in the run, at that certificate
            return done, exc
    return done, None


def _leave_with(parent: int) -> None:
    """End the worker when the run's process is gone: a run that is killed, or that exits
    without waiting, cannot tell its workers (they wait on a queue they hold both ends of)."""
    while os.getppid() == parent:
        time.sleep(0.5)
    os._exit(0)


def _render_chunk(jobs: Sequence[Job]) -> Rendered | None:
    """None: this worker could not compile the templates, so the run renders the chunk."""
    return _render_here(_templates, jobs) if _templates else None


@contextlib.contextmanager
def _interrupt_ignored() -> Iterator[None]:
    """SIGINT ignored while workers are started, so they start with it ignored (an ignored
    signal stays ignored across exec, and Python then installs no handler for it)."""
    if threading.current_thread() is not threading.main_thread():
        yield  # only the main thread may change handlers; a server thread's workers start so
        return
    before = signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, before)


_SPENT: Future = Future()  # in place of a chunk's future once the run has its bytes


class Renderers:
    """The rendering of one run: ``render_all(jobs)`` yields each job's bytes in order."""

    def __init__(self, templates: Mapping[str, CompiledTemplate], count: int,
                 workers: int | None = None):
        self.templates = templates
        # the run renders too (whenever it would wait): one worker fewer than cores
        wanted = min(MAX_WORKERS, cores() - 1) if workers is None else workers
        self.workers = wanted if count >= PARALLEL_FROM and wanted > 0 else 0
        self.pool: ProcessPoolExecutor | None = None
        if self.workers:
            sources = {lang: (t.path, t.data, t.logo) for lang, t in templates.items()}
            self.pool = ProcessPoolExecutor(self.workers,
                                            mp_context=multiprocessing.get_context("spawn"),
                                            initializer=_start_worker, initargs=(sources,))
            with _interrupt_ignored():
                for _ in range(self.workers):  # each submit starts one worker: start them now,
                    self.pool.submit(int)  # to load while the run claims its numbers

    def render_all(self, jobs: Sequence[Job]) -> Iterator[bytes]:
        if self.pool is None:
            for job in jobs:
                yield render_job(self.templates, job)
            return
        chunks = [jobs[i:i + CHUNK] for i in range(0, len(jobs), CHUNK)]
        try:
            futures = [self.pool.submit(_render_chunk, chunk) for chunk in chunks]
        except BrokenProcessPool:  # the worker died while it started: all is rendered here
            self.close()
            for job in jobs:
                yield render_job(self.templates, job)
            return
        taken: dict[int, Rendered] = {}  # chunks the run rendered itself
        for i, chunk in enumerate(chunks):
            while i not in taken and not futures[i].done() and self._take_last(futures, chunks,
                                                                                  taken, i):
                pass
            done, failed = taken.pop(i) if i in taken else self._result(futures[i], chunk)
            futures[i] = _SPENT  # its bytes are the run's now: not kept twice
            yield from done
            if failed is not None:
                raise failed

    def _take_last(self, futures: list[Future], chunks: list[Sequence[Job]],
                   taken: dict[int, Rendered], waiting_for: int) -> bool:
        """Render the last chunk no worker has taken yet; False when there is none."""
        for j in range(len(chunks) - 1, waiting_for - 1, -1):
            if j not in taken and futures[j].cancel():
                taken[j] = _render_here(self.templates, chunks[j])
                return True
        return False

    def _result(self, future: Future, chunk: Sequence[Job]) -> Rendered:
        try:
            rendered = future.result()
        except (BrokenProcessPool, CancelledError):  # a worker died: the rest is rendered here
            self.close()
            rendered = None
        return _render_here(self.templates, chunk) if rendered is None else rendered

    def close(self) -> None:
        """Stop the workers: what they have not started is dropped, and the chunk each is
        rendering (milliseconds) is waited for, so none outlives the run."""
        pool, self.pool = self.pool, None
        if pool is not None:
            pool.shutdown(wait=True, cancel_futures=True)
