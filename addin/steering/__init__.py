"""The steering group: the summary workbook, its e-mail and the report section for the nämnd.

``suppression`` and ``summary`` are pure; ``workbook``, ``report``, ``mail`` and ``charts`` are the
adapters; ``service`` holds the operations the command line and the Excel button share.
"""
