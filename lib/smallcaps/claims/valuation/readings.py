"""Dated claims decided when they were made, and the readings a reader compares.

V1 ("small caps are cheap now") and V3 ("falling yields help small caps", said in May 2024) are
claims about the present when [D] wrote them. The book's one rule for dated claims (issue 13):
judge them at the claim's date and as of the reading date, show both, and let the claim's date
decide for a claim about its own present. :class:`DecidedWhenSaid` gives a claim that shape: its
``read_at`` choice (``claim date`` by default) says where its evidence is read; its published
result is the claim-date reading, and the results file's ``dated`` block carries the reading as
of the chapter's reading date beside it.

:func:`readings_table` shows, for any claim, its verdict and deciding number when said, as of
the reading date and under the registered rule, one row each.
"""

from __future__ import annotations

import copy
import dataclasses
from functools import cached_property

import pandas as pd

from ...display import long_date
from ..base import Claim

#: The ``read_at`` values: where a dated claim's evidence is read.
READ_AT = ("claim date", "as of")


class DecidedWhenSaid:
    """Mixin for a claim decided at its claim's date (``read_at="claim date"``) and also read as
    of the reading date (``read_at="as of"``), both published.

    The claim's own :meth:`compute` must honour ``self.spec.read_at``: with ``claim date`` its
    evidence ends at the claim's date (or the window's as-of date, if earlier); with ``as of``
    it uses the whole window.
    """

    def when_said(self) -> Claim | None:
        """This claim judged at its claim's date: when it already reads there (``read_at="claim
        date"``), the same evidence seen through a window ending at the claim's date (its
        decision reads nothing after it), so nothing is computed twice; otherwise the base's."""
        if self.spec.read_at != "claim date" or self.window is None:
            return Claim.when_said(self)
        from ...params import Window

        date = pd.Timestamp(type(self).claim_dates[0])
        if not self.window.start <= date:
            return None
        end = min(self.window.end, date)
        clone = copy.copy(self)  # shares the cached evidence and decision
        clone.window = Window(self.window.start, end, min(self.window.as_of, end))
        for key in ("result", "bare_result"):
            clone.__dict__.pop(key, None)
        return clone

    def reading_as_of(self) -> Claim | None:
        """This claim read as of the window's reading date (None when it already is)."""
        if self.spec.read_at == "as of":
            return None
        return type(self)(self.inputs, self.window, {**dict(self.spec), "read_at": "as of"})

    @cached_property
    def result(self):
        r = Claim.result.func(self)
        if r.dated is None or self.spec.read_at == "as of":
            return r
        other = self.reading_as_of()
        d = other.decision
        dated = {**r.dated, "as_of": {"date": self.window.as_of.date().isoformat(), "verdict": d.verdict,
                                      "statistic": other._statistic(d).to_dict()}}
        return dataclasses.replace(r, dated=dated)


def _number(stat: dict) -> str:
    v = stat.get("value")
    if v is None:
        return "no value"
    out = f"{v:+.2f} {stat.get('unit', '')}".strip()
    lo, hi = stat.get("ci_low"), stat.get("ci_high")
    if lo is not None and hi is not None:
        out += f" ({lo:+.2f} to {hi:+.2f})"
    return out


def readings_table(claim: Claim) -> pd.DataFrame:
    """The claim's verdict and deciding number at its claim's date, as of the reading date and
    under its registered rule (the rows that apply), with which one decides."""
    r = claim.result
    rows = []
    decides_said = claim.spec.get("read_at") == "claim date"
    if r.dated is not None:
        w, a = r.dated["when_said"], r.dated["as_of"]
        rows.append({"reading": f"when said ({long_date(r.dated['claim_date'])})", "verdict": w["verdict"],
                     "deciding number": f"{w['statistic']['name']}: {_number(w['statistic'])}",
                     "decides": decides_said})
        rows.append({"reading": f"as of the reading date ({long_date(a['date'])})", "verdict": a["verdict"],
                     "deciding number": f"{a['statistic']['name']}: {_number(a['statistic'])}",
                     "decides": not decides_said})
    else:
        rows.append({"reading": "this window", "verdict": r.verdict,
                     "deciding number": f"{r.statistic.name}: {_number(r.statistic.to_dict())}", "decides": True})
    if r.registered is not None:
        s = r.registered["statistic"]
        rows.append({"reading": "under the registered rule", "verdict": r.registered["verdict"],
                     "deciding number": f"{s['name']}: {_number(s)}", "decides": False})
    return pd.DataFrame(rows).set_index("reading")
