"""The momentum chapter: claims M1-M5 (is small-cap momentum regime dependent?).

One module per claim (``m1_peers`` ... ``m5_flows``); the chapter's inputs, loaded once, in
:mod:`.inputs`; the regime definitions shared by M3 and M5 (the notebook's parameters, each a
specification choice) in :mod:`.regimes`; the published results the chapter reproduces in
:mod:`.anchors`; the rules as first registered (before the referee revision's amendments) in
:mod:`.registered`; the answers to the referee in :mod:`.review`.
"""

from .anchors import ChapterAnchors
from .inputs import MIN_WINDOW_DAYS, MomentumInputs, check_window, load_inputs
from .m1_peers import M1
from .m2_inception import M2
from .m3_regimes import M3
from .m4_standalone import M4
from .m5_flows import M5
from .regimes import check_parameters, definitions

TITLE = "Is small-cap momentum regime dependent?"
CLAIMS = (M1, M2, M3, M4, M5)

__all__ = ["CLAIMS", "ChapterAnchors", "M1", "M2", "M3", "M4", "M5", "MIN_WINDOW_DAYS", "MomentumInputs", "TITLE", "check_parameters",
           "check_window", "definitions", "load_inputs"]
