"""How the add-in works with Python's cyclic garbage collector.

Reading a register makes hundreds of thousands of small objects (a list per row, a record per
place and assessment) and no reference cycles. The collector is triggered by the number of
objects made, so without care it traverses the same live rows again and again while they pile up,
and a full collection also walks every object the server imported at start. Two tools (their
effect on a Kontrollera is in the README's Prestanda and bench/bench_load.py's server rows):

- ``bulk_objects()`` pauses the collector while a register is read and checked. Whoever uses it
  lets go of the bulk inside the block: in CPython an object that is freed takes itself off the
  collector's count, so a block that ends with its rows already freed leaves nothing to collect.
- ``settle_after_start()`` moves everything a server process made while starting (modules,
  classes, the app) out of the collector's reach (``gc.freeze``), so a full collection during a
  request walks only what requests made; and it lets the youngest generation grow to
  ``YOUNG_THRESHOLD`` objects before it is collected. A request's book (a list per row, 20,000
  on the example) is alive for the whole request and freed at its end, so with Python's default
  of 700 the collector walked every row of every request once more for nothing (10-14 ms of a
  Kontrollera). Garbage that does form cycles is still collected, once that many objects are
  left over: a bound of some megabytes.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager

YOUNG_THRESHOLD = 100_000  # objects made and not yet freed before a young collection (700)


@contextmanager
def bulk_objects() -> Iterator[None]:
    """Pause the cyclic garbage collector for the block; it runs again afterwards."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


_settled = False


def settle_after_start() -> None:
    """Collect once, then freeze what is left: the imports and the app, alive for the process's
    whole life, are never traversed again (https://docs.python.org/3/library/gc.html#gc.freeze);
    then raise the youngest generation's threshold (``gc.set_threshold``) for requests' books.

    Once per process: an app started again in the same process (tests) freezes nothing more."""
    global _settled
    if _settled:
        return
    _settled = True
    gc.collect()
    gc.freeze()
    _, middle, old = gc.get_threshold()
    gc.set_threshold(YOUNG_THRESHOLD, middle, old)
