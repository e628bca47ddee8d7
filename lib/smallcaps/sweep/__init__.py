"""The specification sweep: every claim under every defensible specification and window.

A verdict rests on choices (a window, a threshold, a measure). The sweep evaluates each claim
over its declared specification space (:class:`~smallcaps.claims.SpecSpace`) crossed with a
grid of windows (:mod:`.windows`), by calling the claim objects directly, on Dask distributed
(a local cluster, or an existing one), and keeps one tidy table with a row per claim x
specification x window (:mod:`.table`). The book's Robustness page reads it
(:mod:`smallcaps.book.robustness`).

::

    smallcaps sweep                                  # every ported claim, local cluster
    smallcaps sweep --claims V1 V3 --workers 2 --out runs/sweep
    smallcaps sweep --scheduler tcp://127.0.0.1:8786 --design grid

Modules: :mod:`.windows` (the grid), :mod:`.chapters` (which claims can be swept),
:mod:`.tasks` (batches and the code workers run), :mod:`.table` (the Parquet table),
:mod:`.cluster` (Dask), :mod:`.run` (the whole run).
"""

from .chapters import ported_chapters, resolve_claims, sweepable_claims
from .run import DESIGNS, Progress, SweepIncomplete, SweepReport, run
from .table import SweepTable, read_table
from .tasks import COLUMN_NAMES, KEY
from .windows import KINDS, SweepWindow, WindowGrid

__all__ = ["COLUMN_NAMES", "DESIGNS", "KEY", "KINDS", "Progress", "SweepIncomplete", "SweepReport", "SweepTable",
           "SweepWindow", "WindowGrid", "ported_chapters", "read_table", "resolve_claims", "run", "sweepable_claims"]
