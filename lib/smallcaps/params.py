"""Chapter parameters: declared once, parsed and checked before any work, with one-line errors
that name the parameter and the valid range.

Every chapter's parameters are declared here, in :data:`SPECS` (name, kind, default, valid range
or choices, one line of help), in the order of the chapter's ``parameters`` cell; a test checks
that the table and each notebook's cell agree. Two callers use the table:

* ``smallcaps run`` checks every date, ``-p NAME=VALUE`` and chapter id against it before any
  kernel starts (:func:`check_run`);
* each chapter's set-up cell calls :meth:`smallcaps.book.chapter.Chapter.open`, which checks the
  values papermill injected (:func:`check_chapter`), so a plain ``papermill`` run gets the same
  one-line errors in its first cell.

Dates are strict ``YYYY-MM-DD`` strings (or ``datetime.date``/``pd.Timestamp`` objects from
Python); ``as_of`` defaults to ``end`` in every chapter.
"""

from __future__ import annotations

import csv
import datetime as _dt
import math
import numbers
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .errors import ParameterError

if TYPE_CHECKING:
    import pandas as pd

# pandas and numpy are imported only where a Timestamp is made: `smallcaps run` checks every
# parameter before any kernel starts, and that must stay fast (see check_run)

#: The earliest date any parameter may name (no series the book uses starts before it).
EARLIEST = _dt.date(1800, 1, 1)
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def as_date(value, name: str) -> _dt.date:
    """A date given as a ``YYYY-MM-DD`` string, a ``datetime.date``/``datetime`` (``pd.Timestamp``
    included; a zone is converted to UTC) or a ``numpy.datetime64``, as a ``datetime.date``.

    Anything else is refused rather than guessed: an integer (``1995`` would otherwise be read as
    1995 ns after 1970), ``now``, ``today``, ``1/2/2020``, ``-1``; so is a date before
    :data:`EARLIEST`.

    Raises
    ------
    ParameterError
        ``name=value is not a date; give YYYY-MM-DD``, or out of range.
    """
    bad = ParameterError(f"{name}={value!r} is not a date; give YYYY-MM-DD")
    if isinstance(value, str):
        text = value.strip()
        if not _ISO_DATE.fullmatch(text):
            raise bad
        try:
            d = _dt.date.fromisoformat(text)
        except ValueError:
            raise bad from None
    elif isinstance(value, _dt.datetime):  # pd.Timestamp too
        if value != value:  # NaT
            raise bad
        d = (value.astimezone(_dt.UTC) if value.tzinfo is not None else value).date()
    elif isinstance(value, _dt.date):
        d = value
    elif type(value).__name__ == "datetime64":
        import pandas as pd

        ts = pd.Timestamp(value)
        if ts is pd.NaT:
            raise bad
        d = ts.date()
    else:
        raise bad
    if d < EARLIEST:
        raise ParameterError(f"{name}={d.isoformat()} is out of range; valid: {EARLIEST.isoformat()} or later")
    return d


def parse_date(value, name: str, *, allow_none: bool = False) -> pd.Timestamp | None:
    """Parse a date (see :func:`as_date`) into a midnight ``pd.Timestamp``.

    Raises
    ------
    ParameterError
        Missing (unless ``allow_none``), unparseable or out-of-range value, naming the parameter
        and the expected format.
    """
    if value is None or (isinstance(value, str) and value.strip() == ""):
        if allow_none:
            return None
        raise ParameterError(f"{name} is required; give a date as YYYY-MM-DD")
    import pandas as pd

    return pd.Timestamp(as_date(value, name))


@dataclass(frozen=True)
class Window:
    """A validated analysis window.

    Attributes
    ----------
    start, end
        First and last date analysed (inclusive).
    as_of
        The "today" of the claims (e.g. the date a year-to-date figure is read), within
        ``start..end``; defaults to ``end``.
    """

    start: pd.Timestamp
    end: pd.Timestamp
    as_of: pd.Timestamp

    def as_dict(self) -> dict[str, str]:
        return {"start": self.start.date().isoformat(), "end": self.end.date().isoformat(),
                "as_of": self.as_of.date().isoformat()}


def _window_dates(start, end, as_of=None) -> tuple[_dt.date, _dt.date, _dt.date]:
    """The checks of :func:`window`, on ``datetime.date`` (no pandas)."""
    if start is None or (isinstance(start, str) and not start.strip()):
        raise ParameterError("start is required; give a date as YYYY-MM-DD")
    if end is None or (isinstance(end, str) and not end.strip()):
        raise ParameterError("end is required; give a date as YYYY-MM-DD")
    s, e = as_date(start, "start"), as_date(end, "end")
    if e < s:
        raise ParameterError(f"end={e} is before start={s}; end must be on or after start")
    a = e if as_of is None or (isinstance(as_of, str) and not as_of.strip()) else as_date(as_of, "as_of")
    if not (s <= a <= e):
        raise ParameterError(f"as_of={a} is outside the window; valid: {s}..{e}")
    return s, e, a


def window(start, end, as_of=None) -> Window:
    """Parse and order-check ``start``, ``end`` and ``as_of`` (no data needed); ``as_of``
    defaults to ``end``.

    Raises
    ------
    ParameterError
        Unparseable dates, end before start, as_of outside start..end.
    """
    import pandas as pd

    return Window(*(pd.Timestamp(d) for d in _window_dates(start, end, as_of)))


def check_coverage(win: Window, first, last, what: str) -> None:
    """Require the window to overlap the data ``first..last``.

    A window that lies wholly outside the data is an error; a partial overlap is allowed (each
    analysis reports the sample it actually used).

    Raises
    ------
    ParameterError
        Names the parameter at fault and the data's coverage.
    """
    import pandas as pd

    f, last_ = pd.Timestamp(first), pd.Timestamp(last)
    if win.start > last_:
        raise ParameterError(f"start={win.start.date()} is after the last date of {what}; "
                             f"valid: {f.date()}..{last_.date()}")
    if win.end < f:
        raise ParameterError(f"end={win.end.date()} is before the first date of {what}; "
                             f"valid: {f.date()}..{last_.date()}")


# -- the declaration of every chapter's parameters ---------------------------------------------------

KINDS = ("date", "int", "number", "choice", "bool", "file", "text")


@dataclass(frozen=True)
class ParameterSpec:
    """One parameter of a chapter.

    Attributes
    ----------
    name
        The variable in the chapter's ``parameters`` cell.
    kind
        ``date`` (YYYY-MM-DD), ``int`` (whole number), ``number`` (int or float), ``choice``
        (one of ``choices``), ``bool``, ``file`` (a path to an existing file; recorded and shown
        by name only) or ``text``.
    default
        The value in the ``parameters`` cell.
    help
        One line: meaning and unit.
    low, high
        Inclusive range of ``int`` and ``number`` parameters.
    unit
        Unit of ``int`` and ``number`` parameters, for messages.
    choices
        Valid values of a ``choice``.
    none_ok
        None is valid (it means: the chapter's default behaviour, e.g. ``as_of`` = ``end``).
    managed
        Set by the run itself, not with ``-p`` (names the option that sets it, e.g. ``--mode``).
    """

    name: str
    kind: str
    default: Any
    help: str
    low: float | None = None
    high: float | None = None
    unit: str = ""
    choices: tuple = ()
    none_ok: bool = False
    managed: str = ""

    def __post_init__(self):
        if self.kind not in KINDS:
            raise ValueError(f"unknown parameter kind {self.kind!r}")

    def valid(self) -> str:
        """The valid values, in words (ends every error message)."""
        unit = f" ({self.unit})" if self.unit else ""
        if self.kind == "int":
            return f"whole numbers {self.low:g}..{self.high:g}{unit}"
        if self.kind == "number":
            return f"{self.low:g}..{self.high:g}{unit}"
        if self.kind == "choice":
            return ", ".join(map(str, self.choices))
        if self.kind == "bool":
            return "True, False"
        if self.kind == "date":
            return "YYYY-MM-DD"
        if self.kind == "file":
            return "a path to an existing file"
        return "text"

    def check(self, value):
        """The value, checked and normalised (ints stay ints, dates become ISO strings).

        Raises
        ------
        ParameterError
            ``name=value is ...; valid: ...`` on one line.
        """
        if value is None or (self.none_ok and isinstance(value, str) and value == ""):
            if self.none_ok:
                return None
            raise ParameterError(f"{self.name} is required; valid: {self.valid()}")
        k = self.kind
        if k == "date":
            return as_date(value, self.name).isoformat()
        if k in ("int", "number"):
            ok_type = (isinstance(value, numbers.Real) and not isinstance(value, bool)
                       and type(value).__name__ != "bool_")
            word = "a whole number" if k == "int" else "a number"
            if not ok_type or not math.isfinite(float(value)):
                raise ParameterError(f"{self.name}={value!r} is not {word}; valid: {self.valid()}")
            if hasattr(value, "item"):  # a numpy scalar
                value = value.item()
            if k == "int":
                if float(value) != int(value):
                    raise ParameterError(f"{self.name}={value!r} is not a whole number; valid: {self.valid()}")
                value = int(value)
            if not self.low <= value <= self.high:
                raise ParameterError(f"{self.name}={value!r} is out of range; valid: {self.valid()}")
            return value
        if k == "choice":
            if not isinstance(value, str) or value not in self.choices:
                raise ParameterError(f"{self.name}={value!r} is unknown; valid: {self.valid()}")
            return value
        if k == "bool":
            if not (isinstance(value, bool) or type(value).__name__ == "bool_"):
                raise ParameterError(f"{self.name}={value!r} is not True or False; valid: {self.valid()}")
            return bool(value)
        if not isinstance(value, (str, Path)) or str(value).strip() == "":
            what = "a path" if k == "file" else "text"
            raise ParameterError(f"{self.name}={value!r} is not {what}; valid: {self.valid()}")
        if k == "file":
            check_file(self.name, value)
        return str(value)


def _dates(start: str, end: str, start_help: str, end_help: str) -> tuple[ParameterSpec, ...]:
    return (
        ParameterSpec("start", "date", start, start_help),
        ParameterSpec("end", "date", end, end_help),
        ParameterSpec("as_of", "date", None, "the claims' 'today', within start..end; None: end", none_ok=True),
        ParameterSpec("data_mode", "choice", None, "offline, auto or refresh; None: from the environment",
                      choices=("offline", "auto", "refresh"), none_ok=True, managed="--mode"),
        ParameterSpec("snapshot", "text", None, "snapshot folder; None: SMALLCAPS_SNAPSHOT or the reference snapshot",
                      none_ok=True, managed="--snapshot"),
    )


_MONTHS, _DAYS = "months", "trading days"

#: Each chapter's parameters, in the order of its ``parameters`` cell.
SPECS: dict[str, tuple[ParameterSpec, ...]] = {
    "rotation": _dates("1926-07-01", "2026-07-13", "first date analysed (French's monthly factors begin in July 1926)",
                       "last date analysed") + (
        ParameterSpec("rates_rally_bp", "number", 25, "R6: a rates rally is a fall of at least this many basis points "
                      "in the 10-year yield over 5 days", 1, 300, "basis points"),
        ParameterSpec("vix_spike_pct", "number", 40, "R6: a VIX spike is a rise of at least this percent in the VIX "
                      "over 5 days", 1, 1000, "percent"),
        ParameterSpec("event_days", "int", 10, "R6: the event window, in trading days from the first day of the move",
                      1, 63, _DAYS),
        ParameterSpec("ousm_holdings_csv", "file", None, "R2: optional CSV of OUSM's holdings with columns ticker, "
                      "sector, weight, date (decides the industrials' contribution)", none_ok=True),
    ),
    "momentum": _dates("1927-01-01", "2026-07-14", "first date analysed", "last date analysed") + (
        ParameterSpec("market_lookback", "int", 36, "months: the market state is the sign of the market return over "
                      "the previous N months (36: Cooper, Gutierrez and Hameed's headline; 24 was registered)", 3, 120,
                      _MONTHS),
        ParameterSpec("vol_measure", "choice", "realised", "realised market volatility over vol_window, or the VIX",
                      choices=("realised", "vix")),
        ParameterSpec("vol_window", "int", 12, "months of market returns in realised volatility", 3, 60, _MONTHS),
        ParameterSpec("credit_measure", "choice", "change", "change: Baa-Aaa widening over credit_lookback; level: "
                      "above its median to date", choices=("change", "level")),
        ParameterSpec("credit_lookback", "int", 6, "months over which the credit spread widens or narrows", 1, 36,
                      _MONTHS),
        ParameterSpec("rates_measure", "choice", "level", "level: 10-year yield above its median to date (the "
                      "claim's 'rates stay high'); change: rising over rates_lookback (registered)",
                      choices=("level", "change")),
        ParameterSpec("rates_lookback", "int", 12, "months over which the 10-year yield rises or falls", 1, 60,
                      _MONTHS),
        ParameterSpec("breadth_window", "int", 200, "trading days in the moving average of each member", 20, 400,
                      _DAYS),
        ParameterSpec("breadth_lookback", "int", 63, "trading days over which breadth, the high-yield spread and ^TNX "
                      "rise or fall", 5, 252, _DAYS),
        ParameterSpec("lead_measure", "choice", "smb", "smb: French SMB; iwm-spy: IWM minus SPY (from 2000)",
                      choices=("smb", "iwm-spy")),
        ParameterSpec("lead_months", "int", 6, "months over which small caps must lead", 1, 24, _MONTHS),
    ),
    "valuation": _dates("1871-01-01", "2026-07-14", "first date analysed (Shiller's data begin in 1871)",
                        "last date analysed: the snapshot's last ETF close") + (
        ParameterSpec("forward_pe_csv", "file", None, "optional CSV of monthly forward P/E with columns "
                      "date,small_forward_pe,large_forward_pe (e.g. the Russell 2000 and the S&P 500 from an index "
                      "provider); given, it decides V1 on the claim's own measure", none_ok=True),
    ),
    "graduation": _dates("2004-12-30", "2026-07-13", "first move date studied (S&P 500 membership starts 2004-12-30)",
                         "last date used (membership ends 2026-07-13)") + (
        ParameterSpec("match_window_days", "int", 7, "a removal and an addition at most this many calendar days apart "
                      "make a move", 0, 92, "calendar days"),
        ParameterSpec("pre_months", "int", 36, "event window: months before the move", 12, 60, _MONTHS),
        ParameterSpec("post_months", "int", 24, "event window: months after the move", 1, 60, _MONTHS),
        ParameterSpec("benchmark", "choice", "origin", "compare movers with the ETF of the index they leave (origin) "
                      "or join (destination)", choices=("origin", "destination")),
        ParameterSpec("moves_csv", "file", None, "optional CSV of moves with columns ticker,date,from,to",
                      none_ok=True),
        ParameterSpec("members_earnings_csv", "file", None, "optional CSV of index members' earnings with columns "
                      "ticker,fiscal_period_end,net_income (decides G4)", none_ok=True),
        ParameterSpec("spiva_csv", "file", None, "optional SPIVA-style CSV with columns horizon,share_underperformed "
                      "(percent of small-cap funds beaten by their benchmark; decides G5)", none_ok=True),
    ),
    "scorecard": _dates("1926-07-01", "2026-07-14", "first date (the scorecard reads results, not data)",
                        "last date") + (
        ParameterSpec("results_dir", "text", ".", "folder holding <chapter>.results.json", managed="the run"),
        ParameterSpec("require_complete", "bool", True, "fail if any claim has no result (False for a partial run)",
                      managed="the run"),
    ),
    "data": _dates("1871-01-01", "2026-07-23", "first date of the coverage check", "last date of the coverage check"),
    "intro": _dates("1926-07-01", "2026-07-14", "first date (the landing page reads results, not data)",
                    "last date") + (
        ParameterSpec("results_dir", "text", ".", "folder holding <chapter>.results.json", managed="the run"),
    ),
    "review": _dates("1926-07-01", "2026-07-14", "first date (the review page reads results, not data)",
                     "last date") + (
        ParameterSpec("results_dir", "text", ".", "folder holding <chapter>.results.json", managed="the run"),
    ),
}

#: The first date of each chapter's data (a start before it cannot be analysed); None: no data.
FIRST_DATE = {"intro": None, "review": None, "rotation": "1926-07-01", "momentum": "1927-01-01",
              "valuation": "1871-01-01", "graduation": "2004-12-30", "scorecard": None, "data": "1871-01-01"}
DATE_NAMES = ("start", "end", "as_of")


def specs(chapter: str) -> dict[str, ParameterSpec]:
    """``{name: spec}`` of a chapter's parameters, in the order of its ``parameters`` cell."""
    if chapter not in SPECS:
        raise ParameterError(f"chapter={chapter!r} is unknown; valid: {', '.join(SPECS)}")
    return {s.name: s for s in SPECS[chapter]}


def spec(chapter: str, name: str) -> ParameterSpec:
    return specs(chapter)[name]


def own_parameters(chapter: str) -> list[str]:
    """The chapter's own parameters (besides the dates and data settings every chapter has)."""
    return [n for n in specs(chapter) if n not in DATE_NAMES + ("data_mode", "snapshot")]


# -- checks --------------------------------------------------------------------------------------------

MOVES_COLUMNS = ("ticker", "date", "from", "to")
FORWARD_PE_COLUMNS = ("date", "small_forward_pe", "large_forward_pe")
#: File parameters whose header is checked up front: name -> (required columns, what a row is).
CSV_FILES = {"moves_csv": (MOVES_COLUMNS, "at least one move"),
             "forward_pe_csv": (FORWARD_PE_COLUMNS, "one row per month")}


def check_file(name: str, value) -> Path:
    """An existing, readable file; a CSV the book knows (:data:`CSV_FILES`: ``moves_csv``,
    ``forward_pe_csv``) also needs its header and a row, and an OUSM holdings file
    (``ousm_holdings_csv``), a members' earnings file (``members_earnings_csv``) and a SPIVA-style
    table (``spiva_csv``) must parse (one line naming row and column).

    The message names the file by its name only, so no machine path reaches a notebook.
    """
    p = Path(str(value)).expanduser()
    known = CSV_FILES.get(name)
    if not p.is_file():
        raise ParameterError(f"{name}={p.name!r} is not a file; give a CSV with columns {', '.join(known[0])}"
                             if known else f"{name}={p.name!r} is not a file")
    try:
        with open(p, newline="", encoding="utf-8-sig") as f:
            head = f.read(1 << 20)
    except (OSError, UnicodeDecodeError) as exc:
        raise ParameterError(f"{name}={p.name!r} cannot be read ({type(exc).__name__})") from None
    if known:
        columns, what = known
        rows = list(csv.reader(head.splitlines()[:2]))
        cols = [re.sub(r"[\s\-]+", "_", c.strip().lower()) for c in rows[0]] if rows else []
        missing = [c for c in columns if c not in cols]
        if missing:
            raise ParameterError(f"{name} lacks column(s) {', '.join(missing)}; required: {', '.join(columns)}")
        if len(rows) < 2 or not any(c.strip() for c in rows[1]):
            raise ParameterError(f"{name} has no rows; give {what} ({', '.join(columns)})")
    if name == "moves_csv":  # parsed whole too: repeated rows, non-tickers and bad dates fail here, not in a kernel
        from .sources import moves_csv

        moves_csv.parse(p.read_bytes())
    if name == "ousm_holdings_csv":  # small files: parsed whole, with the chapter's own one-line errors
        from .sources.ousm_holdings import HINT, parse

        if not p.read_bytes().strip():
            raise ParameterError(f"ousm_holdings_csv has no rows; {HINT}")
        parse(p.read_bytes())
    if name in ("members_earnings_csv", "spiva_csv"):  # the graduation chapter's G4 and G5 files, likewise
        from .sources import members_earnings_csv, spiva_csv

        src = members_earnings_csv if name == "members_earnings_csv" else spiva_csv
        if not p.read_bytes().strip():
            raise ParameterError(f"{name} has no rows; {src.HINT}")
        src.parse(p.read_bytes())
    return p


def check_window(chapter: str, start, end, as_of) -> tuple[_dt.date, _dt.date, _dt.date]:
    """The chapter's window (start, end, as_of), checked against the first date of its data
    (known without loading it).

    Raises
    ------
    ParameterError
        Bad dates, as_of outside the window, or a start before the chapter's data begin.
    """
    s, e, a = _window_dates(start, end, as_of)
    first = FIRST_DATE.get(chapter)
    if first is not None and s < _dt.date.fromisoformat(first):
        raise ParameterError(f"start={s} is before the first date of the {chapter} chapter's data; "
                             f"valid: {first} or later")
    return s, e, a


def check_chapter(chapter: str, values: Mapping[str, Any]) -> dict[str, Any]:
    """Check every parameter of one chapter (the values its ``parameters`` cell ended with).

    Names the chapter does not declare are an error; names it declares but ``values`` lacks take
    their default. Returns ``{name: value}`` in the chapter's order, dates as ISO strings and
    ``as_of`` filled in (``end`` when None).

    Raises
    ------
    ParameterError
        The first bad value, on one line naming the parameter and the valid values.
    """
    table = specs(chapter)
    unknown = [n for n in values if n not in table]
    if unknown:
        raise ParameterError(f"{unknown[0]} is not a parameter of the {chapter} chapter; valid: {', '.join(table)}")
    out: dict[str, Any] = {}
    for name, sp in table.items():
        if name in DATE_NAMES:
            continue
        out[name] = sp.check(values.get(name, sp.default))
    s, e, a = check_window(chapter, values.get("start", table["start"].default),
                           values.get("end", table["end"].default), values.get("as_of", table["as_of"].default))
    return {"start": s.isoformat(), "end": e.isoformat(), "as_of": a.isoformat(), **out}


def resolve_value(value: str):
    """A ``-p NAME=VALUE`` value read exactly as papermill reads ``-p NAME VALUE``
    (``papermill.cli._resolve_type``): ``True``, ``False``, ``None``, an int, a float, else the
    text. A copy, not an import: importing papermill takes over a second (it loads pyarrow),
    and the checks before a run must stay fast; a test keeps the two identical."""
    if value == "True":
        return True
    if value == "False":
        return False
    if value == "None":
        return None
    for cast in (int, float):
        try:
            cast(value)
        except ValueError:
            continue
        return cast(value)
    return value


def parse_assignments(items: list[str]) -> dict[str, Any]:
    """``["NAME=VALUE", ...]`` to ``{name: value}`` (papermill's typing; a name given twice is an error)."""
    out: dict[str, Any] = {}
    for item in items:
        name, sep, value = item.partition("=")
        name = name.strip()
        if not sep or not name.isidentifier():
            raise ParameterError(f"param={item!r} is not NAME=VALUE")
        if name in out:
            raise ParameterError(f"param {name} is given twice; give each parameter once")
        out[name] = resolve_value(value)
    return out


@dataclass
class RunParameters:
    """What each chapter of a run receives (see :func:`check_run`)."""

    dates: dict[str, str]  # start, end, as_of given by the user (ISO), the rest left to each chapter
    by_chapter: dict[str, dict[str, Any]]  # the injected parameters of each chapter
    files: dict[str, Path]  # file parameters: name -> the user's file (copied into the run's folder)


def check_run(chapters: list[str], dates: Mapping[str, Any], extra: Mapping[str, Any]) -> RunParameters:
    """Check a run's dates and ``-p`` parameters against every chosen chapter, before any kernel starts.

    ``dates`` are ``--start/--end/--as-of`` (None when not given); ``extra`` the ``-p`` values
    (already typed). A ``-p`` name must be a parameter of at least one chosen chapter and is given
    only to the chapters that declare it; ``start``, ``end`` and ``as_of`` may come from either
    place (not both). Each chapter's effective window (given dates, else its own defaults) is
    checked, including ``as_of`` against it and the start against the first date of its data.

    Raises
    ------
    ParameterError
        One line naming the parameter (and the chapter, where it matters) and the valid values.
    """
    extra = dict(extra)
    given = {k: v for k, v in dates.items() if v not in (None, "")}
    for k in DATE_NAMES:
        if k in extra and extra[k] is None:
            del extra[k]  # -p as_of=None: the default
        if k in extra:
            if k in given:
                raise ParameterError(f"{k} is given twice (--{k.replace('_', '-')} and -p {k}); give it once")
            given[k] = extra.pop(k)
    for k, v in given.items():
        given[k] = as_date(v, k).isoformat()
    tables = {c: specs(c) for c in chapters}
    for name, value in extra.items():
        owners = [c for c in chapters if name in tables[c]]
        if not owners:
            own = list(dict.fromkeys(n for c in chapters for n in own_parameters(c) if not tables[c][n].managed))
            raise ParameterError(f"-p {name} is not a parameter of the chosen chapters "
                                 f"({', '.join(chapters)}); valid: {', '.join(DATE_NAMES + tuple(own))}")
        if tables[owners[0]][name].managed:
            raise ParameterError(f"-p {name} is set by {tables[owners[0]][name].managed}, not with -p")
        for c in owners:
            tables[c][name].check(value)
    if {"start", "end"} <= given.keys():
        _window_dates(given["start"], given["end"], given.get("as_of"))  # one message about the window given
    by_chapter: dict[str, dict[str, Any]] = {}
    files: dict[str, Path] = {}
    for c in chapters:
        t = tables[c]
        mine = {**given, **{k: v for k, v in extra.items() if k in t}}
        try:
            check_window(c, mine.get("start", t["start"].default), mine.get("end", t["end"].default),
                         mine.get("as_of", t["as_of"].default))
        except ParameterError as exc:
            own = [f"{k} {t[k].default}" for k in ("start", "end") if k not in given]
            if not own:
                raise
            raise ParameterError(f"{exc} (the {c} chapter keeps its own {' and '.join(own)}; "
                                 f"give --start and --end)") from None
        for k, v in mine.items():
            if t[k].kind == "file" and v is not None:
                files[k] = Path(str(v)).expanduser().resolve()
        by_chapter[c] = mine
    return RunParameters(dates=given, by_chapter=by_chapter, files=files)
