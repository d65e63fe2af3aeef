"""amanst: the register of Malmö stad's arbetsmarknadsanställningar, checked, tallied and certified.

The pure core (schema, values, identity, model, reading, checks, tally) knows nothing of Excel,
Word or e-mail; adapters live in subpackages and entry points in ``cli`` and the xlwings scripts.
"""

__version__ = "0.1.0"
