"""``python -m smallcaps``: the same command as ``smallcaps``."""

import sys

from .cli import main

sys.exit(main())
