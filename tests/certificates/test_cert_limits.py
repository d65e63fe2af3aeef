"""Templates cannot exhaust the server: size and time limits, each failing with a Swedish message.

Every hostile tag below would, without the limits, allocate gigabytes or run for minutes. The test
process would then be killed or hang, so a pass also shows the check comes before the damage.
"""

from __future__ import annotations

import resource
import time
import zipfile

import pytest
from certhelpers import TODAY

from addin.certificates import limits
from addin.core.certificate_plan import plan
from addin.certificates.issuing import TEMPLATE_FILES
from addin.certificates.render import CompiledTemplate, TemplateRefused
from addin.resources import templates_dir


def _template_with(tmp_path, tag: str):
    target = tmp_path / TEMPLATE_FILES["sv"]
    with zipfile.ZipFile(templates_dir() / TEMPLATE_FILES["sv"]) as zin, \
            zipfile.ZipFile(target, "w") as zout:
        for info in zin.infolist():
            data = zin.read(info.filename)
            if info.filename == "word/document.xml":
                data = data.replace(b"{{ deltagare.namn }}", tag.encode(), 1)
            zout.writestr(info, data)
    return target


def _render(tmp_path, example_register, tag: str) -> bytes:
    cand = next(c for c in plan(example_register, TODAY).candidates if c.language == "sv")
    return CompiledTemplate(_template_with(tmp_path, tag)).render(cand.context("N", "C", TODAY))


BILLION = "1" + "0" * 9  # spelled out in the template; not written as ten digits here
HUGE = [
    "{{ 'A'*10**9 }}",
    "{{ 'A' * 1_000_000_000 }}",
    "{{ ['x'] * 10**9 }}",
    "{{ 2**1_000_000_000 }}",
    "{{ (10**1000)**1000 }}",
    "{{ 'A'|center(1_000_000_000) }}",
    "{{ 'A'|indent(1_000_000_000) }}",
    "{{ 'A'.ljust(1_000_000_000) }}",
    "{{ '%" + BILLION + "s'|format('A') }}",
    "{{ '%" + BILLION + "s' % 'A' }}",
    "{{ '{:>" + BILLION + "}'.format('A') }}",
    "{% set ns = namespace(s='AAAAAAAAAA') %}{% for i in range(40) %}"
    "{% set ns.s = ns.s ~ ns.s %}{% endfor %}{{ ns.s|length }}",
    "{% set ns = namespace(s='AAAAAAAAAA') %}{% for i in range(40) %}"
    "{% set ns.s = ns.s.replace('A', 'AA') %}{% endfor %}{{ ns.s|length }}",
    "{% set ns = namespace(s='AAAAAAAAAA') %}{% for i in range(40) %}"
    "{% set ns.s = ns.s|replace('A', 'AA') %}{% endfor %}{{ ns.s|length }}",
    "{% set ns = namespace(s=['A']) %}{% for i in range(40) %}"
    "{% set ns.s = ns.s + ns.s %}{% endfor %}{{ ns.s|length }}",
    "{% set ns = namespace(s='AAAAAAAAAA') %}{% for i in range(40) %}"
    "{% set block %}{{ ns.s }}{{ ns.s }}{% endset %}{% set ns.s = block %}{% endfor %}",
    "{% for i in range(100000) %}{{ 'A' * 100000 }}{% endfor %}",
]


@pytest.fixture
def memory_cap():
    """Cap the address space while a hostile template renders: a missed check fails the test
    with MemoryError instead of taking the machine down."""
    soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    limit = 3 * 1024 ** 3
    if hard != resource.RLIM_INFINITY and hard < limit:
        limit = hard
    resource.setrlimit(resource.RLIMIT_AS, (limit, hard))
    yield
    resource.setrlimit(resource.RLIMIT_AS, (soft, hard))


@pytest.mark.parametrize("tag", HUGE)
def test_huge_values_are_refused_in_swedish(example_register, tmp_path, tag, memory_cap):
    # the memory cap is the proof that the check comes first: allocating would end in MemoryError
    with pytest.raises(TemplateRefused) as info:
        _render(tmp_path, example_register, tag)
    message = str(info.value)
    assert message.startswith("Mallen kompetensintyg.docx")
    assert "avbröts: den skulle skapa" in message


@pytest.mark.parametrize("tag", [
    "{% for i in range(100000) %}{% for j in range(100000) %}{% endfor %}{% endfor %}",
    "{% for i in range(100000) %}{% for j in range(100000) %}{{ '' }}{% endfor %}{% endfor %}",
    "{% macro f(n) %}{% for i in range(100000) %}{% endfor %}{{ f(n) }}{% endmacro %}{{ f(1) }}",
])
def test_endless_render_stops_at_the_time_limit(example_register, tmp_path, tag, monkeypatch):
    from addin.certificates import render

    monkeypatch.setattr(render, "RENDER_SECONDS", 1.0)
    start = time.monotonic()
    with pytest.raises(TemplateRefused) as info:
        _render(tmp_path, example_register, tag)
    elapsed = time.monotonic() - start
    # unlimited, each of these runs for hours; the bound only has to tell hours from the 1 s
    # limit, generously enough for a machine shared by many test runs
    assert elapsed < 60, elapsed
    assert "avbröts" in str(info.value)


def test_ordinary_templates_are_untouched_by_the_limits(example_register):
    cand = plan(example_register, TODAY).candidates[0]
    data = CompiledTemplate(templates_dir() / TEMPLATE_FILES[cand.language]).render(
        cand.context("N", "C", TODAY))
    assert len(data) > 10_000


def test_a_deadline_never_fires_outside_its_render():
    # timers that expire around the moment the render returns: the exception is either the
    # render's own RenderTimedOut or nothing, never a stray one later in unrelated code
    outcomes = set()
    for i in range(300):
        try:
            outcomes.add(limits.deadline(lambda: sum(range(200)), 0.0001 * (i % 5)))
        except limits.RenderTimedOut:
            outcomes.add("timeout")
    for _ in range(20):
        sum(range(100_000))
        time.sleep(0.005)
    assert outcomes <= {19900, "timeout"}
