"""Shared fixtures: the example register read once, copied per test."""

from __future__ import annotations

import copy

import pytest
from certhelpers import EXAMPLE, TODAY

from addin.operations import read_register


@pytest.fixture(scope="session")
def example_register_cached():
    return read_register(EXAMPLE, TODAY)


@pytest.fixture
def example_register(example_register_cached):
    """A private deep copy, so a test may edit names or settings freely."""
    return copy.deepcopy(example_register_cached)
