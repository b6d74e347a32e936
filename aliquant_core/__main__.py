"""``python -m aliquant_core``: see :mod:`aliquant_core.cli`."""

import sys

from .cli import main

sys.exit(main())
