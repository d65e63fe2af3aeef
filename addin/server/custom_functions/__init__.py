"""No custom (worksheet) functions: the add-in works through its buttons only."""
