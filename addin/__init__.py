"""amanst: the register of arbetsmarknadsanställningar in Malmö stad: checked, tallied, certified.

``core`` is pure (the workbook contract, rules, tallies); ``xlsx``, ``certificates``, ``steering``
and ``excel`` are adapters; ``cli``, ``excel.scripts``/``excel.desktop`` and ``server`` are the
entry points. ``settings`` holds every setting, ``boundary`` the one error policy, ``resources``
where bundled files are.
"""

__version__ = "0.2.0"
