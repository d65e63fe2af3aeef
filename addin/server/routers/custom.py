"""Loaded by xlwings Server while it builds its app: install the add-in's adaptations.

``xlwings_server.main`` imports this module after creating ``app`` and including its own routers,
so the (still importing) module already has ``app``; ``install`` adds dependency overrides and
returns the router with the add-in's own endpoints.
"""

import sys

from addin.excel.webapp import install

router = install(sys.modules["xlwings_server.main"].app)
