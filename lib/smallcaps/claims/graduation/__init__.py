"""The graduation chapter: claims G1-G5 (do the best small caps leave, and what does the passive
index lose?).

One module per claim (``g1_leave`` ... ``g5_active``); the chapter's inputs, loaded once, and
its own parameters in :mod:`.inputs`; the moves on the S&P ladder and the event-study helpers
several claims share in :mod:`.events`.
"""

from .events import Ladder
from .g1_leave import G1
from .g2_late import G2
from .g3_reconstitution import G3
from .g4_unprofitable import G4
from .g5_active import G5
from .inputs import (
    MIN_WINDOW_DAYS,
    GraduationInputs,
    chapter_parameters,
    check_parameters,
    check_window,
    load_inputs,
)

TITLE = "Index graduation"
CLAIMS = (G1, G2, G3, G4, G5)

__all__ = ["CLAIMS", "G1", "G2", "G3", "G4", "G5", "MIN_WINDOW_DAYS", "TITLE", "GraduationInputs", "Ladder",
           "chapter_parameters", "check_parameters", "check_window", "load_inputs"]
