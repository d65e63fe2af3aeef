"""Entra ID sign-in for xlwings Server: ``addin.excel.signin`` instead of the cached original.

xlwings Server imports ``auth.entraid`` from the project folder before its own; only
``validate_token`` is looked up here. The rules are in ``addin.excel.signin``.
"""

from addin.excel.signin import validate_token

__all__ = ["validate_token"]
