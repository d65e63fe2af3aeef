"""The pure core: the workbook contract, values, rules, tallies and what the outputs contain.

Nothing here knows Excel, Word, files, databases or e-mail: adapters hand it plain rows
(``model.RawSheet``) and write back what it computes. An import-linter contract (``.importlinter``)
keeps it that way.
"""
