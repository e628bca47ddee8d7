"""Moved to :mod:`smallcaps.params` (the parameters are validated on the ground floor, below the
claims and the sweep, which read them too); this name stays for code written against it."""

import sys

from .. import params as _params

sys.modules[__name__] = _params  # the same module object: every name, and monkeypatching, agree
