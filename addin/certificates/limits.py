"""Limits for filling a template: no value, list or document beyond a size, no render beyond a time.

Administrators edit the certificate templates in Word, so a template is untrusted code that runs in
the server. Jinja's sandbox already stops a template from reaching Python internals; this module
stops it from exhausting the machine. ``LimitedSandbox`` checks the size of what an operation
would make *before* making it (``'A' * 10**9``, ``10**10**10``, ``'x'|center(10**9)``, repeated
doubling with ``~`` or ``replace``), caps every printed value and every joined output, and
``deadline`` stops a render that runs too long (an endless loop, nested ``range`` loops) by raising
an exception in the rendering thread. A refused template gets a Swedish message from
``render._explain``.

The checks are done before allocation because an allocation of gigabytes in C cannot be
interrupted; the deadline catches what is only slow (Jinja's loops are Python bytecode, where the
exception is delivered between two instructions).
"""

from __future__ import annotations

import ctypes
import os
import re
import threading
import time
from collections.abc import Callable, Iterable, Sized
from functools import wraps
from typing import Any, TypeVar

from jinja2.compiler import CodeGenerator
from jinja2.exceptions import TemplateRuntimeError
from jinja2.runtime import markup_join, str_join
from jinja2.sandbox import SandboxedEnvironment

MAX_TEXT = 200_000  # characters of one value; an Excel cell holds at most 32 767
MAX_ITEMS = 10_000  # items of a list made in a template
MAX_OUTPUT = 20_000_000  # characters of one rendered part (a certificate body is ~100 000)
MAX_INT_ARGUMENT = 10_000  # widths, counts and precisions passed to filters and methods
MAX_INT_BITS = 4_096  # integers a template computes (10**1000 is ~3 300 bits)
RENDER_SECONDS = 10.0  # a certificate renders in milliseconds; a template may take this long

# a width or precision in a %-format or {}-format string that would pad to a huge size
_WIDE_FORMAT = re.compile(r"%[-#0 +]*(?:\*|\d{5,})|%[-#0 +]*\d*\.(?:\*|\d{5,})|"
                          r"\{[^{}]*[:][^{}]*\d{5,}[^{}]*\}")

T = TypeVar("T")


class RenderLimit(TemplateRuntimeError):
    """The template would exceed a size limit. ``what`` is Swedish, for the message."""

    def __init__(self, what: str):
        super().__init__(what)
        self.what = what


class RenderTimeout(BaseException):
    """Raised inside the rendering thread when the deadline passes.

    A BaseException, so that no ``except Exception`` inside Jinja or a filter can swallow it.
    """


def _size(value: Any) -> int:
    return len(value) if isinstance(value, (str, bytes, list, tuple, dict, set)) else 0


def _check_value(value: Any) -> Any:
    if isinstance(value, (str, bytes)) and len(value) > MAX_TEXT:
        raise RenderLimit(f"en text på {len(value)} tecken (gränsen är {MAX_TEXT})")
    if isinstance(value, (list, tuple, dict, set)) and len(value) > MAX_ITEMS:
        raise RenderLimit(f"en lista med {len(value)} delar (gränsen är {MAX_ITEMS})")
    if isinstance(value, int) and not isinstance(value, bool) and value.bit_length() > MAX_INT_BITS:
        raise RenderLimit("ett orimligt stort tal")
    return value


def _check_arguments(args: Iterable[Any]) -> None:
    for arg in args:
        if isinstance(arg, int) and not isinstance(arg, bool) and abs(arg) > MAX_INT_ARGUMENT:
            raise RenderLimit(f"talet {arg} som argument (gränsen är {MAX_INT_ARGUMENT})")
        if isinstance(arg, str) and _WIDE_FORMAT.search(arg):
            raise RenderLimit("en formatering med orimlig bredd")
        _check_value(arg)


def _predicted_size(operator: str, left: Any, right: Any) -> int:
    """The length a sequence operation would give, without computing it."""
    if operator == "*":
        for seq, n in ((left, right), (right, left)):
            if isinstance(seq, (str, bytes, list, tuple)) and isinstance(n, int):
                return len(seq) * max(n, 0)
    if operator == "+" and isinstance(left, Sized) and isinstance(right, Sized):
        return _size(left) + _size(right)
    if operator == "%" and isinstance(left, str) and _WIDE_FORMAT.search(left):
        return MAX_OUTPUT + 1
    return 0


def _check_numbers(operator: str, left: Any, right: Any) -> None:
    if not (isinstance(left, int) and isinstance(right, int)):
        return
    if operator == "**":
        if right > 0 and abs(left) > 1 and left.bit_length() * right > MAX_INT_BITS:
            raise RenderLimit("ett orimligt stort tal")
    elif operator == "*" and left.bit_length() + right.bit_length() > MAX_INT_BITS:
        raise RenderLimit("ett orimligt stort tal")


class _LimitedCodeGenerator(CodeGenerator):
    """Compiles ``a ~ b`` to a join whose size is checked first (Jinja's sandbox has no hook)."""

    def visit_Concat(self, node: Any, frame: Any) -> None:
        self.write("environment.limited_concat(context.eval_ctx.volatile or "
                   f"{bool(frame.eval_ctx.autoescape)}, (")
        for arg in node.nodes:
            self.visit(arg, frame)
            self.write(", ")
        self.write("))")


class LimitedSandbox(SandboxedEnvironment):
    """Jinja's sandbox with size limits on what a template computes and prints."""

    intercepted_binops = frozenset({"*", "**", "+", "%", "//"})
    code_generator_class = _LimitedCodeGenerator

    @staticmethod
    def limited_concat(markup: bool, values: tuple[Any, ...]) -> str:
        if sum(len(v) if isinstance(v, str) else len(str(v)) for v in values) > MAX_TEXT:
            raise RenderLimit(f"en text på mer än {MAX_TEXT} tecken")
        return markup_join(values) if markup else str_join(values)

    def __init__(self, *args: Any, **kwargs: Any):
        kwargs.setdefault("finalize", _check_value)
        super().__init__(*args, **kwargs)
        self.filters = {name: _limited(f) for name, f in self.filters.items()}

    def call_binop(self, context: Any, operator: str, left: Any, right: Any) -> Any:
        _check_numbers(operator, left, right)
        size = _predicted_size(operator, left, right)
        if size > MAX_TEXT:
            raise RenderLimit(f"en text eller lista på {size} tecken eller delar "
                              f"(gränsen är {MAX_TEXT})")
        return _check_value(super().call_binop(context, operator, left, right))

    def call(__self, __context: Any, __obj: Any, *args: Any, **kwargs: Any) -> Any:
        _check_arguments(args)
        _check_arguments(kwargs.values())
        owner = getattr(__obj, "__self__", None)
        name = getattr(__obj, "__name__", "")
        if isinstance(owner, str):
            if _WIDE_FORMAT.search(owner) and name in ("format", "format_map"):
                raise RenderLimit("en formatering med orimlig bredd")
            if name == "replace" and len(args) >= 2:
                _check_replace(owner, args[0], args[1])
            if name == "join":
                _check_join(args[0] if args else ())
        return _check_value(super().call(__context, __obj, *args, **kwargs))

    @staticmethod
    def concat(parts: Iterable[str]) -> str:
        """Every joined output (the document, a ``{% set %}`` block, a macro) with a size cap."""
        out: list[str] = []
        total = 0
        for part in parts:
            total += len(part)
            if total > MAX_OUTPUT:
                raise RenderLimit(f"ett dokument på mer än {MAX_OUTPUT} tecken")
            out.append(part)
        return "".join(out)


def _check_replace(text: str, old: Any, new: Any) -> None:
    if isinstance(old, str) and isinstance(new, str) and len(new) > len(old):
        count = text.count(old) if old else len(text) + 1
        if len(text) + count * (len(new) - len(old)) > MAX_TEXT:
            raise RenderLimit(f"en text på mer än {MAX_TEXT} tecken")


def _check_join(items: Any) -> None:
    if (isinstance(items, (list, tuple))
            and sum(len(i) for i in items if isinstance(i, str)) > MAX_TEXT):
        raise RenderLimit(f"en text på mer än {MAX_TEXT} tecken")


def _limited(f: Callable[..., Any]) -> Callable[..., Any]:
    """A filter whose arguments are checked before and whose result is checked after."""

    @wraps(f)
    def guarded(*args: Any, **kwargs: Any) -> Any:
        values = [a for a in args if not hasattr(a, "environment")]  # not the context/env
        if values:
            first, rest = values[0], values[1:]
            _check_arguments(rest)
            _check_arguments(kwargs.values())
            if f.__name__.endswith("format") and isinstance(first, str) \
                    and _WIDE_FORMAT.search(first):
                raise RenderLimit("en formatering med orimlig bredd")
            if f.__name__.endswith("replace") and len(rest) >= 2:
                _check_replace(str(first), rest[0], rest[1])
            if f.__name__.endswith("join"):
                _check_join(list(first) if isinstance(first, (list, tuple, range)) else ())
        return _check_value(f(*args, **kwargs))

    return guarded


def deadline(render: Callable[[], T], seconds: float = RENDER_SECONDS) -> T:
    """``render()``, stopped with ``RenderTimeout`` when it takes longer than ``seconds``.

    A watchdog thread raises the exception asynchronously in the rendering thread (CPython's
    ``PyThreadState_SetAsyncExc``); it is delivered between two bytecode instructions, which is
    where a Jinja loop spends its time. It fires only while the render is still running. One
    watchdog serves every render of the process (a thread per render cost more than the render
    of a small certificate).
    """
    token = _WATCHDOG.arm(seconds)
    try:
        try:
            return render()
        finally:
            _WATCHDOG.disarm(token)  # a Python call: an exception injected just before arrives here
    except RenderTimeout:
        raise RenderTimedOut(seconds) from None


class _Watchdog:
    """Deadlines of running renders, and the one daemon thread that enforces them."""

    def __init__(self) -> None:
        self.reset()

    def reset(self) -> None:
        self.cond = threading.Condition()
        self.due: dict[object, tuple[float, int]] = {}  # token → (monotonic deadline, thread)
        self.pid = 0  # the process whose watchdog thread runs (a forked child starts its own)

    def arm(self, seconds: float) -> object:
        token = object()
        with self.cond:
            if self.pid != os.getpid():
                self.pid = os.getpid()
                threading.Thread(target=self._run, name="amanst-render-watchdog",
                                 daemon=True).start()
            self.due[token] = (time.monotonic() + seconds, threading.get_ident())
            self.cond.notify()
        return token

    def disarm(self, token: object) -> None:
        with self.cond:
            self.due.pop(token, None)

    def _run(self) -> None:
        with self.cond:
            while True:
                now = time.monotonic()
                for token, (when, target) in list(self.due.items()):
                    if when <= now:
                        del self.due[token]
                        ctypes.pythonapi.PyThreadState_SetAsyncExc(
                            ctypes.c_ulong(target), ctypes.py_object(RenderTimeout))
                nearest = min((when for when, _ in self.due.values()), default=None)
                self.cond.wait(None if nearest is None else max(nearest - now, 0.001))


_WATCHDOG = _Watchdog()
# a forked child has no watchdog thread, and the lock may have been held at the fork
os.register_at_fork(after_in_child=_WATCHDOG.reset)


class RenderTimedOut(Exception):
    """The render did not finish within its time; ``args[0]`` is the limit in seconds."""
