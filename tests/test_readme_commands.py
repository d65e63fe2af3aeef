"""The README's command table says what ``--help`` says: every command, its Swedish name, and its
arguments with the same optional/required marks (issue 13: the two had drifted apart)."""

from __future__ import annotations

import argparse
import re
from pathlib import Path

from addin.cli.main import build_parser

README = Path(__file__).resolve().parents[1] / "README.md"


def _commands() -> dict[str, tuple[str, list[str]]]:
    """Primary name → (usage as --help prints it, without -h; the other names)."""
    parser = build_parser()
    sub = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    names: dict[int, list[str]] = {}
    for name, subparser in sub.choices.items():
        names.setdefault(id(subparser), []).append(name)
    result = {}
    for primary, *aliases in names.values():
        usage = " ".join(sub.choices[primary].format_usage().split())
        usage = usage.split(": ", 1)[1].replace("[-h] ", "")
        result[primary] = (usage, aliases)
    return result


def _readme_rows() -> dict[str, tuple[str, str]]:
    """Primary name → (usage cell, Swedish name cell) from the table under '## Kommandon'."""
    section = README.read_text(encoding="utf-8").split("## Kommandon", 1)[1].split("\n## ", 1)[0]
    rows = {}
    for line in section.splitlines():
        cells = [c.strip() for c in re.split(r"(?<!\\)\|", line)[1:-1]]
        if len(cells) == 3 and cells[0].startswith("`amanst "):
            usage = cells[0].strip("`").replace("\\|", "|")
            rows[usage.split()[1]] = (usage, cells[1].strip("`"))
    return rows


def test_every_command_is_in_the_readme_as_help_shows_it():
    commands, rows = _commands(), _readme_rows()
    assert sorted(rows) == sorted(commands)
    for name, (usage, aliases) in commands.items():
        assert rows[name][0] == usage, f"README och --help skiljer sig för {name}"
        assert [rows[name][1]] == aliases, f"svenskt namn för {name}"


def test_every_command_has_the_swedish_name_the_issue_asks_for():
    aliases = {a for _, names in _commands().values() for a in names}
    assert aliases == {"kontrollera", "sammanstall", "utfarda", "verifiera", "aterkalla",
                       "styrgrupp", "rapport", "ny-arbetsbok", "exempel", "starta-server",
                       "intygsregister", "diagnos"}


def test_report_dates_are_optional_in_help_and_readme():
    usage, _ = _commands()["report"]
    assert "[--from DATUM] [--to DATUM]" in usage
    assert _readme_rows()["report"][0] == usage
