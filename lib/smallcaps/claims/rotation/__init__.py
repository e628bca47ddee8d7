"""The rotation chapter: claims R1-R7 (rotation toward quality small caps in 2026).

One module per claim (``r1_lead`` ... ``r7_sectors``); the chapter's inputs, loaded once and
whole, in :mod:`.inputs`; :mod:`.common` holds what the claims share beyond the base class.
"""

from .common import book_frame
from .inputs import MIN_WINDOW_DAYS, RotationInputs, check_window, load_inputs
from .r1_lead import R1
from .r2_ousm import R2
from .r3_quality import R3
from .r4_resilience import R4
from .r5_pair import R5
from .r6_reversal import R6
from .r7_sectors import R7

TITLE = "Rotation toward quality small caps"
CLAIMS = (R1, R2, R3, R4, R5, R6, R7)

__all__ = ["CLAIMS", "MIN_WINDOW_DAYS", "R1", "R2", "R3", "R4", "R5", "R6", "R7", "TITLE", "RotationInputs", "book_frame", "check_window", "load_inputs"]
