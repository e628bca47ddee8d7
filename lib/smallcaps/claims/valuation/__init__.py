"""The valuation chapter: claims V1-V5 (the small-cap valuation discount and whether it predicts).

One module per claim (``v1_discount`` ... ``v5_predicts``); the chapter's inputs, loaded once,
in :mod:`.inputs`; dated claims decided when said in :mod:`.readings`; the published results it
reproduces in :mod:`.anchors`; the answers to the referee in :mod:`.review`.
"""

from . import anchors
from .inputs import ValuationInputs, load_inputs
from .readings import readings_table
from .v1_discount import V1
from .v2_stretched import V2
from .v3_yields import V3
from .v4_may2024 import V4
from .v5_predicts import V5

TITLE = "The valuation discount"
CLAIMS = (V1, V2, V3, V4, V5)

__all__ = ["CLAIMS", "TITLE", "V1", "V2", "V3", "V4", "V5", "ValuationInputs", "anchors", "load_inputs",
           "readings_table"]
