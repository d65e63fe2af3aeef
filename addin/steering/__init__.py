"""The steering group: the summary workbook, its e-mail and the report section for the nämnd.

The figures and their disclosure control are pure and live in ``addin.core`` (``compute``,
``figures``, ``disclosure``, ``steering_summary``); ``workbook``, ``report``, ``mail`` and
``charts`` are the adapters; ``service`` holds the operations the command line and the Excel button share.
"""
