"""The sweep's units of work, and the code that runs them (on a Dask worker or in-process).

A sweep is a set of **rows**, one per claim x specification x window. Rows are grouped into
**batches** by (chapter, window): a batch is one task. A worker loads a chapter's inputs once
(:func:`chapter_inputs`, a per-process cache keyed by chapter and data settings) and evaluates
every claim and specification of the batch on it, so derived series memoized on the inputs are
reused across claims and specifications; within a batch, a claim's evidence is computed once
per distinct value of the choices its :meth:`~smallcaps.claims.Claim.compute` actually reads
(choices that only move a threshold reuse it; see :func:`_evaluate_one`).

Nothing here changes process-wide state: no environment writes, no file descriptors, no
matplotlib; the only state kept is the inputs cache.
"""

from __future__ import annotations

import json
import math
import threading
import time
from collections import OrderedDict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from ..claims.base import Claim, Spec
from ..claims.contract import round_sig
from .windows import SweepWindow

#: Version of the row layout (stored in the table's metadata).
ROW_FORMAT = 1

#: The columns of a sweep table, in order, with their Arrow types (see :mod:`.table`).
COLUMNS = (
    ("claim", "string"), ("chapter", "string"),
    ("spec", "string"), ("spec_index", "int32"), ("is_default_spec", "bool"),
    ("spec_choices", "string"), ("spec_values", "string"),
    ("window_kind", "string"), ("window_years", "float64"), ("window_start", "string"), ("window_end", "string"),
    ("window_as_of", "string"), ("is_published_window", "bool"),
    ("verdict", "string"), ("statistic", "string"), ("value", "float64"), ("unit", "string"),
    ("ci_low", "float64"), ("ci_high", "float64"), ("ci_level", "float64"), ("method", "string"),
    ("p_value", "float64"),
    ("sample_start", "string"), ("sample_end", "string"), ("sample_n", "int64"), ("sample_frequency", "string"),
    ("note", "string"), ("error", "string"), ("seconds", "float64"),
)
COLUMN_NAMES = tuple(c for c, _ in COLUMNS)
#: A row's identity: re-running a sweep skips rows whose key is already in its table.
KEY = ("claim", "spec", "window_start", "window_end", "window_as_of")


@dataclass(frozen=True)
class Item:
    """One claim under one specification (within a batch, whose window it shares)."""

    claim: str
    spec: str  # the specification's label
    spec_index: int  # its position in the design's list of specifications
    values: tuple[tuple[str, Any], ...]  # choice name -> value, the full specification
    choices: tuple[tuple[str, str], ...]  # choice name -> label of the value taken
    is_default: bool

    @classmethod
    def of(cls, claim: type[Claim], spec: Spec, index: int) -> Item:
        return cls(claim.id, spec.label, index, tuple(spec.items()), tuple(spec.choices().items()), spec.is_default)


@dataclass(frozen=True)
class Batch:
    """One task: every item of a chapter on one window."""

    chapter: str
    window: SweepWindow
    published: bool  # the window is the chapter's published one
    items: tuple[Item, ...] = field(default_factory=tuple)

    def keys(self) -> list[tuple[str, str, str, str, str]]:
        w = self.window
        return [(it.claim, it.spec, w.start, w.end, w.as_of) for it in self.items]


# -- inputs, once per worker process ---------------------------------------------------------------

_CACHE_SIZE = 4
_inputs: OrderedDict[tuple, Any] = OrderedDict()
_inputs_lock = threading.Lock()


def data_key(data: Mapping[str, Any] | None) -> tuple:
    """The resolved data settings (mode, snapshot, store) a worker would use for ``data``
    (explicit settings, or None for the worker's environment)."""
    from ..config import Settings

    d = dict(data or {})
    s = Settings.resolve(mode=d.get("mode"), snapshot=d.get("snapshot"), store=d.get("store"))
    return (s.mode, str(s.snapshot) if s.snapshot else "none", str(s.store))


def chapter_inputs(chapter: str, data: Mapping[str, Any] | None = None, params: Mapping[str, Any] | None = None):
    """A chapter's inputs, loaded once per process and data settings (a small LRU cache).

    The inputs are shared by every batch this process runs: claims must not modify them (the
    claim base's contract: inputs hold full histories, claims cut their window).
    """
    from .. import claims
    from ..data import DataSession

    mode, snapshot, store = data_key(data)
    key = (chapter, mode, snapshot, store, json.dumps(dict(params or {}), sort_keys=True, default=str))
    with _inputs_lock:
        if key in _inputs:
            _inputs.move_to_end(key)
            return _inputs[key]
        inputs = claims.load_inputs(chapter, DataSession(mode=mode, snapshot=snapshot, store=store), params)
        _inputs[key] = inputs
        while len(_inputs) > _CACHE_SIZE:
            _inputs.popitem(last=False)
        return inputs


# -- evaluating one batch ----------------------------------------------------------------------------


class _Reading(Spec):
    """A specification that records which choices are read (to know what evidence depends on)."""

    def __init__(self, spec: Spec):
        super().__init__(dict(spec), spec.choices())
        self._read: set[str] = set()
        self._everything = False

    def __getitem__(self, key: str) -> Any:
        self._read.add(key)
        return super().__getitem__(key)

    def __getattr__(self, key: str) -> Any:
        if key.startswith("_"):
            raise AttributeError(key)
        self._read.add(key)
        return super().__getattr__(key)

    def __iter__(self):
        self._everything = True
        return super().__iter__()

    def __len__(self) -> int:
        self._everything = True
        return super().__len__()

    @property
    def label(self) -> str:
        self._everything = True
        return super().label

    @property
    def is_default(self) -> bool:
        self._everything = True
        return super().is_default

    def choices(self) -> dict[str, str]:
        self._everything = True
        return super().choices()


def _same(a, b) -> bool:
    return type(a) is type(b) and a == b


def _evaluate_one(claim: Claim, cache: dict[str, list | None] | None) -> None:
    """Compute ``claim.evidence``, reusing evidence computed for an earlier specification of
    the same claim and window when it agrees on every choice that computation read.

    The first computation runs with a specification that records the choices read. Reuse is
    switched off for a claim whose computation reads the whole specification or sets
    attributes on the claim besides its evidence (a later specification could not recreate
    them); such a claim is simply computed each time.
    """
    if cache is None:
        _ = claim.evidence
        return
    entries = cache.setdefault(claim.id, [])
    if entries is None:  # reuse is off for this claim
        _ = claim.evidence
        return
    spec = claim.spec
    for read, values, evidence, note in entries:
        if all(_same(spec[name], values[name]) for name in read):
            claim.__dict__["evidence"] = evidence
            if evidence is None:
                claim._untestable_note = note
            return
    before = set(claim.__dict__)
    reading = _Reading(spec)
    claim.spec = reading
    try:
        evidence = claim.evidence
    finally:
        claim.spec = spec
    added = set(claim.__dict__) - before - {"evidence", "_untestable_note"}
    if reading._everything or added:
        cache[claim.id] = None
        return
    entries.append((frozenset(reading._read), {n: spec[n] for n in reading._read}, evidence,
                    claim.__dict__.get("_untestable_note")))


def one_line(exc: BaseException) -> str:
    """``Type: first line of the message`` (at most 300 characters)."""
    lines = str(exc).strip().splitlines()
    msg = f"{type(exc).__name__}: {lines[0] if lines else ''}".strip().rstrip(":")
    return msg[:300]


def _num(x) -> float | None:
    if x is None:
        return None
    try:
        x = float(x)
    except (TypeError, ValueError):
        return None
    return round_sig(x) if math.isfinite(x) else None


def _row(batch: Batch, item: Item) -> dict[str, Any]:
    w = batch.window
    return {
        "claim": item.claim, "chapter": batch.chapter, "spec": item.spec, "spec_index": item.spec_index,
        "is_default_spec": item.is_default,
        "spec_choices": json.dumps(dict(item.choices), sort_keys=True),
        "spec_values": json.dumps(dict(item.values), sort_keys=True, default=repr),
        "window_kind": w.kind, "window_years": w.years, "window_start": w.start, "window_end": w.end,
        "window_as_of": w.as_of, "is_published_window": batch.published,
        "verdict": None, "statistic": None, "value": None, "unit": None, "ci_low": None, "ci_high": None,
        "ci_level": None, "method": None, "p_value": None, "sample_start": None, "sample_end": None,
        "sample_n": None, "sample_frequency": None, "note": None, "error": None, "seconds": None,
    }


def evaluate_batch(batch: Batch, data: Mapping[str, Any] | None = None, params: Mapping[str, Any] | None = None,
                   reuse_evidence: bool = True) -> list[dict[str, Any]]:
    """Evaluate every item of ``batch``: one row each (see :data:`COLUMNS`).

    A specification that raises is recorded with its error (type and first line) and the batch
    goes on. Only a failure to load the chapter's inputs fails the whole batch (it raises).
    """
    from .. import claims

    inputs = chapter_inputs(batch.chapter, data, params)
    cache: dict[str, list | None] | None = {} if reuse_evidence else None
    rows = []
    win = None
    for item in batch.items:
        row = _row(batch, item)
        t0 = time.perf_counter()
        try:
            if win is None:
                win = batch.window.to_params()
            cls = claims.get(item.claim)
            claim = cls(inputs, win, dict(item.values))
            _evaluate_one(claim, cache)
            # the claim's own verdict (bare_result): a row records nothing of the registered-rule or
            # claim-date readings that `result` adds, and those are rows of their own (the
            # claim-date windows); computing them here made every row pay for them again
            res = claim.bare_result
            st, smp = res.statistic.to_dict(), res.sample
            row.update(verdict=res.verdict, statistic=st["name"], value=st["value"], unit=st["unit"],
                       ci_low=st["ci_low"], ci_high=st["ci_high"], ci_level=st["ci_level"], method=st["method"],
                       p_value=_num(claim.p_value), sample_start=smp.start, sample_end=smp.end, sample_n=smp.n,
                       sample_frequency=smp.frequency, note=res.note)
        except Exception as exc:  # one specification never stops the sweep
            row["error"] = one_line(exc)
        row["seconds"] = round(time.perf_counter() - t0, 4)
        rows.append(row)
    return rows


def plan(claim_classes: Iterable[type[Claim]], grid, design: str = "one-at-a-time",
         done: set[tuple] | None = None, max_items: int = 400) -> tuple[list[Batch], int]:
    """The batches still to run, and how many rows were already done.

    Parameters
    ----------
    claim_classes
        The claims to sweep.
    grid
        A :class:`~.windows.WindowGrid`.
    design
        ``one-at-a-time`` or ``grid`` (:meth:`~smallcaps.claims.SpecSpace.variants`).
    done
        Keys (:data:`KEY`) of rows already in the table: skipped.
    max_items
        Largest batch; a (chapter, window) with more items is split.
    """
    from .chapters import inputs_class

    done = done or set()
    groups: dict[tuple[str, SweepWindow], list[Item]] = {}
    published: dict[str, tuple[str, str, str]] = {}
    skipped = 0
    for cls in claim_classes:
        icls = inputs_class(cls.chapter)
        published[cls.chapter] = (icls.default_start, icls.default_end, icls.default_end)
        items = [Item.of(cls, spec, i) for i, spec in enumerate(cls.space.variants(design))]
        for w in grid.windows(icls.default_start, icls.default_end, cls.claim_dates):
            for it in items:
                if (it.claim, it.spec, w.start, w.end, w.as_of) in done:
                    skipped += 1
                    continue
                groups.setdefault((cls.chapter, w), []).append(it)
    batches = []
    for (chapter, w), items in groups.items():
        is_pub = w.key == tuple(pd.Timestamp(d).date().isoformat() for d in published[chapter])
        for i in range(0, len(items), max_items):
            batches.append(Batch(chapter, w, is_pub, tuple(items[i:i + max_items])))
    return batches, skipped
