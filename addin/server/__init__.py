"""The xlwings Server project directory of the add-in (``XLWINGS_PROJECT_DIR``).

Only glue lives here: ``custom_scripts`` exposes the buttons of ``addin.excel.scripts``,
``routers/custom.py`` installs ``addin.excel.webapp``, and ``templates/`` and ``static/`` hold the
Swedish task pane, manifest and ribbon. The Word templates are elsewhere (top-level ``templates/``).
"""
