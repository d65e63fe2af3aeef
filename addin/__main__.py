"""``python -m addin ...`` runs the command line, like the ``amanst`` console script."""

import sys

from addin.cli.main import main

sys.exit(main())
