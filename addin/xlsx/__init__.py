"""Adapters between .xlsx files and the core: safe opening, fast reading, careful writing."""
