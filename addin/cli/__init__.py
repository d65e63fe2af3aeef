"""The command line ``amanst``: one module per command group, shared helpers in ``common``.

Entry points only: each command parses its arguments, calls the operations and prints.
"""
