"""What the bundled example holds, for the tests that depend on it (one place to change).

Counted from workbooks/exempel.xlsx by hand-written openpyxl reads in
``tests/test_bundled_workbooks.py::test_the_example_facts_hold``, not by the code under test.
"""

COMPLETED = 445  # Platser rows with status Avslutad
ELIGIBLE = 115  # completed, with a Slutbedömning, and no Fel on their rows
BLOCKED_BY_FEL = ["P0003", "P0008", "P0475"]  # completed, but a planted Fel must be fixed first
ENGLISH = 27  # eligible, whose participant has Intygsspråk Engelska
INELIGIBLE = COMPLETED - ELIGIBLE  # blocked, or still without a Slutbedömning
NUMBERS = [f"ASF-2026-{n:05d}" for n in range(1, ELIGIBLE + 1)]  # a first issue's numbers
