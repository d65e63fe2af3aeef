"""The threshold rules every steering report shares (docs/styrgrupp.md): which counts are hidden
across a year's reports is disclosure's work, tested by the attacker in test_attack*.py."""

from __future__ import annotations

import pytest

from addin.core.suppression import HIDDEN_SYMBOL, below_symbol, effective_threshold


@pytest.mark.parametrize(("asked", "used"), [(5, 5), (10, 10), (3, 3), (2, 3), (1, 3), (0, 3)])
def test_a_threshold_below_three_is_raised_to_three(asked, used):
    # "<2" could only mean 1, so it would protect no one
    assert effective_threshold(asked) == used


def test_the_symbols_say_what_a_reader_may_know():
    assert below_symbol(5) == "<5"  # 1 to 4
    assert below_symbol(10) == "<10"
    assert below_symbol(1) == "<3"
    assert HIDDEN_SYMBOL == ".."
