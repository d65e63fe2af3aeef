"""The scripts xlwings Server may run: exactly the buttons in ``addin.excel.scripts.SCRIPTS``.

Nothing else is defined here, so no helper function can be reached as a script; the server also
refuses any other name before looking here (``addin.excel.webapp``).
"""

from addin.excel.scripts import SCRIPTS as _SCRIPTS

globals().update(_SCRIPTS)
__all__ = list(_SCRIPTS)
del _SCRIPTS
