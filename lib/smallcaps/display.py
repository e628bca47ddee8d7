"""How numbers, intervals, dates and tables are shown: the one place that does it.

Everything the library computes stays in its own units (returns, shares and spreads as
**decimals**, yields in percent, counts as integers). This module turns them into what a reader
sees, with one policy for each of these:

* **Units.** :func:`percent` turns a decimal into percent or pp (:data:`PERCENT`, the only
  factor of 100 in the library: the claims' tables, figures and phrases call it, and so do the
  glued values of :func:`pp` and :func:`pct`, and :func:`scale`); :func:`num` shows a number as
  it is. Prose writes the unit word itself ("9.3 pp"), so glued values carry no unit.
* **Missing values** read :data:`MISSING` ("n/a") in tables; prose never splices it into a
  sentence: a chapter hides a paragraph whose numbers are missing instead (see
  :meth:`smallcaps.book.chapter.Chapter.flag`).
* **Intervals** are written ``low to high`` (:func:`ci_text`), in one table column
  (:func:`with_ci`).
* **Dates**: ISO in tables and results, ``13 Jul 2026`` / ``May 2024`` in prose.
* **Phrases**: where wording depends on a result, a short phrase from the small vocabulary at
  the end of this module (``above``/``below``, plurals, ordinals), never a whole sentence.

Nothing here knows about claims, chapters or notebooks.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

#: What a missing number reads in a table cell or a glued value.
MISSING = "n/a"


class Text:
    """Markdown for the page whose plain-text form is the same text.

    ``IPython.display.Markdown`` shows as ``<Markdown object>`` in plain text, which would make
    output checks vacuous; this shows the text itself in both forms.
    """

    def __init__(self, markdown: str):
        self.markdown = markdown

    def _repr_markdown_(self) -> str:
        return self.markdown

    def __repr__(self) -> str:
        return self.markdown

    def __eq__(self, other) -> bool:
        return isinstance(other, Text) and other.markdown == self.markdown

    def __hash__(self) -> int:
        return hash(self.markdown)


def configure_display() -> None:
    """Fixed pandas display options, so printed tables reproduce exactly."""
    pd.set_option("display.width", 120)
    pd.set_option("display.max_columns", 20)
    pd.set_option("display.max_colwidth", 200)  # verdict tables carry intervals: never cut them
    pd.set_option("display.precision", 4)
    pd.set_option("display.max_rows", 250)


# -- scalars ------------------------------------------------------------------------------------


def is_missing(value) -> bool:
    """None, NaN, NaT or pd.NA."""
    if value is None:
        return True
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


def format_value(value, fmt: str | None = None) -> str:
    """Format a value for prose with a ``str.format`` spec (default two decimals).

    None/NaN read :data:`MISSING`; strings pass through; timestamps read as ISO dates.
    """
    if value is None:
        return MISSING
    if isinstance(value, str):
        return value
    if isinstance(value, pd.Timestamp):
        return value.date().isoformat()
    if is_missing(value):
        return MISSING
    return (fmt or "{:.2f}").format(value)


@dataclass(frozen=True)
class Fact:
    """A value to glue into prose, with how to show it.

    ``Fact(0.0927, "pp", 1)`` reads ``9.3``. Units: ``pp`` and ``%`` multiply a decimal by 100;
    ``num`` shows the value as it is; ``int`` with a thousands separator; ``text`` a string.

    Attributes
    ----------
    value
        In the library's units (decimals for returns and shares).
    unit
        ``pp``, ``%``, ``num``, ``int`` or ``text``.
    digits
        Decimals shown.
    signed
        Show ``+`` for positive values.
    fmt
        An explicit ``str.format`` spec (overrides ``digits``/``signed``) for values that are
        already in display units.
    """

    value: Any
    unit: str = "num"
    digits: int = 1
    signed: bool = False
    fmt: str | None = None

    def scaled(self) -> Any:
        """The value in display units (decimals times 100 for ``pp`` and ``%``)."""
        if is_missing(self.value) or self.unit not in ("pp", "%"):
            return self.value
        return percent(self.value)

    def text(self) -> str:
        if self.fmt is not None:
            return format_value(self.scaled(), self.fmt)
        if self.unit == "text":
            return MISSING if is_missing(self.value) else str(self.value)
        if self.unit == "int":
            return format_value(self.value, "{:,}" if not is_missing(self.value) else None)
        spec = "{:" + ("+" if self.signed else "") + f".{self.digits}f" + "}"
        return format_value(self.scaled(), spec)


#: Decimals to percent, or to percentage points for a difference: the library's one unit factor.
PERCENT = 100


def percent(value):
    """A decimal (a return, a share, a difference of returns) in percent, or in percentage points
    for a difference (``0.0927`` -> ``9.27``): number, array, Series or DataFrame alike.

    Every conversion of a decimal to percent or pp for a table, a figure, a phrase or a
    threshold's text goes through here (the library keeps decimals everywhere else)."""
    return value * PERCENT


def pp(value, digits: int = 1, signed: bool = False) -> Fact:
    """A decimal difference shown in percentage points (``0.0927`` -> ``9.3``)."""
    return Fact(value, "pp", digits, signed)


def pct(value, digits: int = 1, signed: bool = False) -> Fact:
    """A decimal shown in percent (``0.0574`` -> ``5.7``)."""
    return Fact(value, "%", digits, signed)


def num(value, digits: int = 2, signed: bool = False) -> Fact:
    """A number shown as it is, with ``digits`` decimals."""
    return Fact(value, "num", digits, signed)


def count(value) -> Fact:
    """An integer with a thousands separator."""
    return Fact(None if is_missing(value) else int(value), "int")


def text(value) -> Fact:
    """A string (a date, a name or a phrase) glued as it is."""
    return Fact(value, "text")


def raw(value, fmt: str) -> Fact:
    """A value already in display units, with an explicit ``str.format`` spec."""
    return Fact(value, "num", fmt=fmt)


def round_or_none(x, digits: int = 1) -> float | None:
    """``round(x, digits)`` as a float, or None for a missing or infinite value."""
    if x is None or (isinstance(x, float) and not np.isfinite(x)):
        return None
    return round(float(x), digits)


def ordinal(x: float) -> str:
    """``17`` -> ``17th``, ``1`` -> ``1st``, ``22.4`` -> ``22nd`` (rounded to a whole number)."""
    n = int(round(float(x)))
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def plural(n: int, word: str, words: str | None = None) -> str:
    """``1 year``, ``2 years`` (``words`` for irregular plurals)."""
    return f"{n:,} {word if n == 1 else (words or word + 's')}"


# -- dates --------------------------------------------------------------------------------------


def iso(d) -> str | None:
    """ISO date of a timestamp, or of a period's first day; None stays None."""
    if d is None:
        return None
    if isinstance(d, pd.Period):
        return d.start_time.date().isoformat()
    return pd.Timestamp(d).date().isoformat()


def iso_end(d) -> str | None:
    """ISO date of a timestamp, or of a period's last day; None stays None."""
    if d is None:
        return None
    if isinstance(d, pd.Period):
        return d.end_time.date().isoformat()
    return pd.Timestamp(d).date().isoformat()


def month_name(p) -> str:
    """``May 2024`` for a month (period or date); :data:`MISSING` for none."""
    if p is None or (not isinstance(p, pd.Period) and is_missing(p)):
        return MISSING
    return pd.Period(p, freq="M").strftime("%b %Y")


def long_date(d) -> str:
    """``16 May 2024``."""
    return pd.Timestamp(d).strftime("%-d %B %Y")


def day_month(d) -> str:
    """``16 April``."""
    return pd.Timestamp(d).strftime("%-d %B")


# -- intervals and tables -----------------------------------------------------------------------


def ci_text(lo, hi, digits: int = 2) -> str:
    """``"2.11 to 8.64"``: an interval as one table cell (:data:`MISSING` if an end is missing)."""
    if is_missing(lo) or is_missing(hi):
        return MISSING
    return f"{lo + 0.0:.{digits}f} to {hi + 0.0:.{digits}f}"


def tidy(frame: pd.DataFrame, digits: int = 2) -> pd.DataFrame:
    """Round the float columns and turn ``-0.0`` into ``0.0`` (tables never print -0.00)."""
    out = frame.copy()
    cols = out.select_dtypes("float").columns
    out[cols] = out[cols].round(digits) + 0.0
    return out


def with_ci(frame: pd.DataFrame, digits: int = 2, name: str = "95% CI", low: str = "ci_low",
            high: str = "ci_high") -> pd.DataFrame:
    """Replace the ``ci_low``/``ci_high`` columns by one text column (narrower tables)."""
    out = frame.copy()
    pos = list(out.columns).index(low)
    cells = [ci_text(a, b, digits) for a, b in zip(out[low], out[high], strict=True)]
    out = out.drop(columns=[low, high])
    out.insert(pos, name, cells)
    return out


def scale(frame: pd.DataFrame, columns, factor: float = float(PERCENT)) -> pd.DataFrame:
    """Multiply ``columns`` by ``factor`` (default: decimals to percent or pp for a table; as a
    float, so integer columns become floats)."""
    out = frame.copy()
    cols = list(columns)
    out[cols] = factor * out[cols]
    return out


def finite(x) -> bool:
    """A real, finite number."""
    try:
        return x is not None and math.isfinite(float(x))
    except (TypeError, ValueError):
        return False


# -- phrases: the small vocabulary for wording that depends on a result ---------------------------


def above_below(x, above: str = "above", below: str = "below") -> str:
    """``above`` for a positive value, ``below`` otherwise."""
    return above if x > 0 else below


def more_less(x) -> str:
    """``more`` for a positive value, ``less`` otherwise."""
    return "more" if x > 0 else "less"


# -- book tables ----------------------------------------------------------------------------------
#
# One table style for the whole book. A table is shown as MyST Markdown (a numbered, captioned
# ``{table}`` when it has a caption), so the page renders it with the theme's table style and the
# notebook tests read the same text. Cells are formatted here, column by column:
#
# * floats: 1 decimal in columns whose header names percent or percentage points (``(%)``,
#   ``(pp``, ``pp/yr``...), 2 decimals otherwise (ratios, slopes, t); a column can say otherwise;
# * integers with a thousands separator; booleans as a tick or a dash; missing values "n/a";
# * dates ISO, months ``2017-04``; ranges written ``2017-04 to 2021-12`` (:func:`span`);
# * the index becomes the first column(s), headed by its name: no empty index-name row.

TICK, DASH = "\u2713", "\u2013"
#: Header fragments that mark a column in percent or percentage points (shown with 1 decimal);
#: "pp per pp" (a slope) is not one of them.
PERCENT_MARKS = ("(%", "%)", "(pp)", "(pp/yr", "(pp a year", "percentile")


def span(start, end) -> str:
    """``"2017-04 to 2021-12"``: a range of dates or months as one cell (ISO ends, "to")."""

    def one(x):
        if is_missing(x):
            return MISSING
        if isinstance(x, pd.Period):
            return str(x)
        if isinstance(x, str):
            return x
        return pd.Timestamp(x).date().isoformat()

    return f"{one(start)} to {one(end)}"


def tick(value) -> str:
    """A tick for true, a dash for false, :data:`MISSING` for missing."""
    if is_missing(value):
        return MISSING
    return TICK if bool(value) else DASH


def column_digits(header: str, default: int = 2) -> int:
    """Decimals for a float column from its header: 1 for percent and pp, else ``default``."""
    h = str(header)
    return 1 if any(m in h for m in PERCENT_MARKS) else default


def _cell(value, digits: int) -> str:
    if isinstance(value, (bool, np.bool_)):
        return tick(value)
    if is_missing(value):
        return MISSING
    if isinstance(value, (int, np.integer)):
        return f"{int(value):,}"
    if isinstance(value, (float, np.floating)):
        v = round(float(value), digits) + 0.0  # never -0.0
        return f"{v:,.{digits}f}"
    if isinstance(value, pd.Timestamp):
        return value.date().isoformat() if value == value.normalize() else str(value)
    if isinstance(value, pd.Period):
        return str(value)
    return str(value)


_RANGE = re.compile(r"(\S+) to (\S+)")
_VALUE = r"(-?[\d,]+(\.\d+)?%?|\d{4}-\d{2}(-\d{2})?|n/a)"
_NUMBERLIKE = re.compile(rf"^({_VALUE}( to {_VALUE})?)$")
NBSP = "\u00a0"


def _escape(text: str) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


def _keep_ranges(text: str) -> str:
    """``-57.6 to -43.6`` never breaks across lines in a table cell (non-breaking spaces)."""
    return _RANGE.sub(lambda m: f"{m.group(1)}{NBSP}to{NBSP}{m.group(2)}"
                      if any(ch.isdigit() for ch in m.group(1) + m.group(2)) else m.group(0), text)


@dataclass
class Table:
    """A book table: a DataFrame formatted once, shown as MyST Markdown.

    Parameters
    ----------
    frame
        The data, in display units (percent already times 100), one row per line of the table.
    caption
        What the table shows (a sentence); with a caption the table is numbered ("Table 3.2").
    name
        Its label, for ``{numref}`` references in the prose (e.g. ``tbl-v1``).
    digits
        Decimals by column header, overriding :func:`column_digits`.
    collapsed
        A title: the table goes in a dropdown (long robustness tables), closed until opened.
    index
        Show the index as the first column(s) (default: unless it is a plain range).
    """

    frame: pd.DataFrame
    caption: str | None = None
    name: str | None = None
    digits: dict | None = None
    collapsed: str | None = None
    index: bool | None = None

    def cells(self) -> tuple[list[str], list[list[str]], list[str]]:
        """Headers, rows of cell texts and each column's alignment (``left``/``right``)."""
        f = self.frame
        show_index = self.index if self.index is not None else not isinstance(f.index, pd.RangeIndex)
        if show_index:
            names = [n if n is not None else "" for n in f.index.names]
            f = f.reset_index(names=[n or f"_index{i}" for i, n in enumerate(names)])
            f.columns = [*names, *list(f.columns[len(names):])]
        # two header levels (a window over its columns) read as one: "since 2017, gap (pp a year)"
        headers = [", ".join(str(x) for x in c if str(x)) if isinstance(c, tuple) else str(c) for c in f.columns]
        digits = self.digits or {}
        cols, align = [], []
        for pos, h in enumerate(headers):
            s = f.iloc[:, pos]
            d = digits.get(h, column_digits(h))
            cells = [_cell(v, d) for v in s.tolist()]
            cols.append(cells)
            numeric = pd.api.types.is_numeric_dtype(s) and not pd.api.types.is_bool_dtype(s)
            # numbers, dates and ranges of them align right (and never wrap: the book's CSS)
            align.append("right" if numeric or (cells and all(_NUMBERLIKE.match(c) for c in cells)) else "left")
        rows = [list(r) for r in zip(*cols, strict=True)] if cols else []
        return headers, rows, align

    def markdown(self) -> str:
        headers, rows, align = self.cells()
        if not headers:  # a frame with no columns: one column saying so
            headers, align = ["none"], ["left"]
        if not rows:  # no rows: one row saying so (a table directive needs a table with a body)
            rows = [["none", *[""] * (len(headers) - 1)]]
        sep = {"left": ":---", "right": "---:"}
        lines = ["| " + " | ".join(_escape(h) for h in headers) + " |",
                 "|" + "|".join(sep[a] for a in align) + "|"]
        lines += ["| " + " | ".join(_keep_ranges(_escape(c)) for c in row) + " |" for row in rows]
        body = "\n".join(lines)
        if self.caption:
            opts = f":name: {self.name}\n" if self.name else ""
            body = f":::{{table}} {_escape(self.caption)}\n{opts}\n{body}\n:::"
        if self.collapsed:
            body = f"::::{{dropdown}} {self.collapsed}\n\n{body}\n::::"
        return body

    def _repr_markdown_(self) -> str:
        return self.markdown()

    def __repr__(self) -> str:
        return self.markdown()


# -- verdicts -------------------------------------------------------------------------------------

#: CSS class of each verdict (badges, callouts, the scorecard), as in the grid's colours.
VERDICT_CLASS = {"supported": "sc-supported", "partly supported": "sc-partly", "inconclusive": "sc-inconclusive",
                 "not supported": "sc-not", "untestable with available data": "sc-untestable",
                 "missing": "sc-missing"}


def badge(verdict: str) -> str:
    """The verdict as a coloured badge (inline HTML, in the verdict grid's colours)."""
    return f'<span class="sc-badge {VERDICT_CLASS.get(verdict, "sc-missing")}">{verdict}</span>'


def stat_digits(unit: str, value=None) -> int:
    """Decimals for a deciding statistic: 1 for percent and pp, 2 where ``value`` (the largest
    magnitude shown: the estimate or an end of its interval) is below 1, and 2 for ratios, slopes
    and everything else."""
    u = (unit or "").strip()
    one = u in ("pp", "%", "pp a year", "pp/yr", "percentile") or u.startswith("pp ") and "per" not in u
    if not one:
        return 2
    if value is not None and finite(value) and abs(float(value)) < 1:
        return 2
    return 1
