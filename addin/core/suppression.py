"""The small-count threshold and its symbols, for everything published to the steering group.

A count from 1 to ``threshold - 1`` is not published; it is shown as ``<5`` where the reports show
the primary suppression, and counts hidden so that such a count cannot be worked out from the
others are shown as ``..``. Which counts are hidden, across all standard reports of a year, is
``disclosure``'s work; this module holds the rules both sides share.

A threshold below 3 cannot protect anything (``<2`` could only mean 1), so it is raised to 3.
"""

from __future__ import annotations

HIDDEN_SYMBOL = ".."
MIN_THRESHOLD = 3


def effective_threshold(threshold: int) -> int:
    return max(int(threshold), MIN_THRESHOLD)


def below_symbol(threshold: int) -> str:
    return f"<{effective_threshold(threshold)}"
