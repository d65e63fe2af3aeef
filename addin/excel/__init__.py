"""The Excel add-in: xlwings adapter, buttons (xlwings Server scripts) and desktop entry points.

``book`` reads a live ``xw.Book`` into raw sheets and writes results back in few large writes;
``form`` is the pure layout of the Formulär sheet; ``actions`` runs the core for one button;
``scripts`` holds the ``@script`` functions xlwings Server exposes; ``webapp`` adapts the server
(sign-in in development, refusing anything that is not a script); ``desktop`` holds the RunPython
entry points for Excel with a local Python.
"""
