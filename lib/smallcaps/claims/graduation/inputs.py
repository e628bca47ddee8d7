"""The graduation chapter's inputs, loaded once and shared by G1-G5, and its own parameters.

Russell membership lists are not freely available, so the observable ladder is S&P's: the
SmallCap 600, the MidCap 400 and the 500, with point-in-time membership from ``pitindex``
(S&P 500 from 2004-12-30, S&P 400 from 2011-11-20, S&P 600 from 2021-03-31) and member prices
from the snapshot, which holds only tickers still listed when it was taken.

Everything is loaded whole. A window enters the same way for every claim: the moves studied are
those dated inside it, the months followed (cohorts, the equal-weight index, dispersion) are the
month ends inside it, and no price or membership after its end is used (month-end prices run to
the window's last complete month). History before the window's start is lookback only: the
return before a move, the roster a move is ranked in, the trailing returns behind dispersion.
The labelled proxy of G4 is context and shows its whole record to the window's end. Derived
series (month-end prices, membership panels, the ladder's moves, ranks) are computed once and
shared by the claims and windows (:meth:`ChapterInputs.memo`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ClassVar

import pandas as pd

from ...analytics import graduation as ga
from ...data import DataSession, Loaded, Prices
from ...errors import ParameterError
from ...params import spec as _param
from ...sources import members_earnings_csv, moves_csv, spiva_csv
from ..base import ChapterInputs, Choice, Claim, Rule

INDICES = ("sp600", "sp400", "sp500")
E_P = "Portfolios_Formed_on_E-P"

#: The shortest window the chapter accepts. Every analysis looks back from the window's end and
#: studies the moves dated inside the window, so even a one-day window has a chapter: its moves
#: (possibly none) are counted and each claim decides or says why it cannot.
MIN_WINDOW_DAYS = 1

# -- the chapter's own parameters (the notebook's), declared once ---------------------------------

#: Return window (months) for ranking a mover among its index's members, and the "last year
#: before the move" in the event studies.
RANK_MONTHS = 12
#: The alternative matching window shown in the robustness tables (days): for dates pitindex
#: took from page revisions.
ALT_MATCH_WINDOW_DAYS = 31
#: Compare movers with the ETF of the index they leave, or of the index they join.
BENCHMARKS = ("origin", "destination")
#: Valid ranges of the notebook's whole-number parameters: the chapter's parameter declarations
#: (``smallcaps.params.SPECS``), so the notebook, ``smallcaps run`` and the claims' choices agree.
RANGES = {n: (int(_param("graduation", n).low), int(_param("graduation", n).high))
          for n in ("match_window_days", "pre_months", "post_months")}


def _within(name: str) -> Callable[[Any], str | None]:
    lo, hi = RANGES[name]
    return lambda v: None if lo <= v <= hi else f"{lo}..{hi}"


MATCH_WINDOW = Choice("match_window_days", 7, {"14 days": 14, "31 days": ALT_MATCH_WINDOW_DAYS},
                      "largest gap in calendar days between a removal from one index and the addition of the "
                      "same ticker to another that makes one move (0..92)", check=_within("match_window_days"))
PRE_MONTHS = Choice("pre_months", 36, {"24 months": 24, "60 months": 60},
                    "event window: months before the move (12..60)", check=_within("pre_months"))
POST_MONTHS = Choice("post_months", 24, {"12 months": 12, "36 months": 36},
                     "event window: months after the move (1..60)", check=_within("post_months"))
BENCHMARK = Choice("benchmark", "origin", {"destination's ETF": "destination"},
                   "compare movers with the ETF of the index they leave (origin) or join (destination)",
                   check=lambda v: None if v in BENCHMARKS else ", ".join(BENCHMARKS))


def _whole_number(name: str, value) -> int:
    """A whole-number parameter checked against its declaration (text such as ``"14"`` accepted)."""
    if isinstance(value, str) and value.strip().isdigit():
        value = int(value.strip())
    return _param("graduation", name).check(value)


def check_parameters(match_window_days, pre_months, post_months, benchmark) -> dict[str, Any]:
    """The notebook's event-definition parameters, checked and typed (whole numbers given as
    text are accepted), before any data is loaded.

    Raises
    ------
    ParameterError
        A value outside its valid range, naming the parameter.
    """
    out: dict[str, Any] = {name: _whole_number(name, value) for name, value in
                           (("match_window_days", match_window_days), ("pre_months", pre_months),
                            ("post_months", post_months))}
    if benchmark not in BENCHMARKS:
        raise ParameterError(f"benchmark={benchmark!r} is unknown; valid: {', '.join(BENCHMARKS)}")
    out["benchmark"] = benchmark
    return out


#: The chapter's user files: parameter -> (kind for ``DataSession.user_file``, parser module).
USER_FILES = {"moves_csv": ("moves", moves_csv), "members_earnings_csv": ("members_earnings", members_earnings_csv),
              "spiva_csv": ("spiva", spiva_csv)}


def chapter_parameters(match_window_days, pre_months, post_months, benchmark, moves_csv_path=None, *,
                       members_earnings_csv_path=None, spiva_csv_path=None) -> dict[str, Any]:
    """The chapter's own parameters as recorded in its results: checked, with each user file
    (``moves_csv``, ``members_earnings_csv``, ``spiva_csv``) by file name only (no machine path
    enters the results).

    Raises
    ------
    ParameterError
        A bad event-definition parameter, or a user file that is not a file.
    """
    out = check_parameters(match_window_days, pre_months, post_months, benchmark)
    for name, path in (("moves_csv", moves_csv_path), ("members_earnings_csv", members_earnings_csv_path),
                       ("spiva_csv", spiva_csv_path)):
        if path in (None, ""):
            out[name] = None
            continue
        p = Path(str(path))
        if not p.is_file():  # before any data is loaded
            raise ParameterError(f"{name}={p.name!r} is not a file; {USER_FILES[name][1].HINT}")
        out[name] = p.name
    return out


def check_window(window) -> None:
    """Refuse a window shorter than :data:`MIN_WINDOW_DAYS` (one line naming start and end).

    Raises
    ------
    ParameterError
        The window is shorter than the chapter's minimum.
    """
    days = (window.end - window.start).days + 1
    if days < MIN_WINDOW_DAYS:
        raise ParameterError(f"start={window.start.date()}, end={window.end.date()}: the window has {days} day(s); "
                             f"the graduation chapter needs at least {MIN_WINDOW_DAYS}")


# -- inputs ----------------------------------------------------------------------------------------


@dataclass
class GraduationInputs(ChapterInputs):
    """Everything the chapter reads, loaded once through the chapter's data session.

    Attributes
    ----------
    memberships
        :class:`~smallcaps.sources.membership.Membership` per index (``sp600``, ``sp400``,
        ``sp500``).
    stocks
        Daily adjusted closes of every stock in the snapshot's panel (USD).
    etfs
        Daily adjusted closes of the benchmark ETFs (IJR, IJH, IVV, IWM, IWB; USD).
    french
        French's ``Portfolios_Formed_on_E-P`` (its ``firms`` table: firm counts by E/P group).
    user_moves
        The user's ``moves_csv`` (:mod:`smallcaps.sources.moves_csv`), checked against the price
        data's dates, or None.
    user_earnings
        The user's ``members_earnings_csv`` (:mod:`smallcaps.sources.members_earnings_csv`:
        members' net income by fiscal period), or None.
    user_spiva
        The user's ``spiva_csv`` (:mod:`smallcaps.sources.spiva_csv`: the share of active
        small-cap funds that underperformed their benchmark, by horizon), or None.
    """

    chapter: ClassVar[str] = "graduation"
    default_start: ClassVar[str] = "2004-12-30"
    default_end: ClassVar[str] = "2026-07-13"

    memberships: dict[str, Any]
    stocks: Prices
    etfs: Prices
    french: Loaded | None
    user_moves: Loaded | None = None
    user_earnings: Loaded | None = None
    user_spiva: Loaded | None = None
    _memo: dict = field(default_factory=dict, repr=False)

    def coverage(self) -> tuple[pd.Timestamp, pd.Timestamp]:
        """First day of any index's membership to the last day with both membership and prices."""
        mem = self.memberships.values()
        return min(m.start for m in mem), min(max(m.end for m in mem), self.last_quote)

    @property
    def last_quote(self) -> pd.Timestamp:
        """The stock panel's last date: the day "still listed" refers to."""
        return self.stocks.close.index.max()

    def vintage(self, *names: str) -> str:
        """The data vintage line of the named inputs (``prices``, ``membership``, ``french``,
        ``moves``, ``earnings``, ``spiva``), in that order."""
        parts = []
        if "prices" in names and len(self.stocks.close):
            parts.append(f"Yahoo adjusted closes to {self.last_quote.date().isoformat()}")
        if "membership" in names and "sp600" in self.memberships:
            parts.append(self.memberships["sp600"].provenance.vintage)
        if "french" in names and self.french is not None:
            firms = self.french["firms"]
            parts.append(f"French E/P firm counts ({self.french.provenance.vintage}, to {firms.index.max()})")
        if "moves" in names and self.user_moves is not None:
            parts.append(f"moves list {self.user_moves.provenance.vintage}")
        if "earnings" in names and self.user_earnings is not None:
            parts.append(f"members' earnings {self.user_earnings.provenance.vintage}")
        if "spiva" in names and self.user_spiva is not None:
            parts.append(f"SPIVA-style table {self.user_spiva.provenance.vintage}")
        return "; ".join(parts)

    # -- derived series, shared by the claims and computed once --------------------------------------

    @property
    def last_day(self) -> pd.Timestamp:
        """The last day of the chapter's coverage (the full history's end)."""
        return self.coverage()[1]

    def month_end_prices(self, end) -> pd.DataFrame:
        """Month-end adjusted closes of the stock panel up to the last complete month at ``end``
        (USD); shared, do not modify."""
        end = pd.Timestamp(end)
        return self.memo(("prices", end), lambda: ga.month_end_prices(self.stocks.close, end))

    def month_end_etfs(self, end) -> pd.DataFrame:
        """Month-end closes of the benchmark ETFs on the stock panel's months (USD)."""
        end = pd.Timestamp(end)
        return self.memo(("etfs", end), lambda: ga.month_end_prices(self.etfs.close, end).reindex(
            self.month_end_prices(end).index))

    def panels(self, end) -> dict[str, pd.DataFrame]:
        """Month-end membership panels per index, from its record's start to the last complete
        month at ``end`` (lookback: what the index held before and during a window); no rows
        where no month end falls in that span."""
        end = pd.Timestamp(end)

        def whole():
            months = self.month_end_prices(self.last_day).index
            return {k: m.panel(months[(months >= m.start) & (months <= m.end)]) for k, m in self.memberships.items()}

        def compute():
            months = self.month_end_prices(end).index
            # membership at a month end does not depend on later data: the whole panels' rows up to end
            return {k: p.loc[p.index.isin(months)] for k, p in self.memo("panels", whole).items()}

        return self.memo(("panels", end), compute)

    def window_panels(self, window) -> dict[str, pd.DataFrame]:
        """The panels' month ends inside ``window``: the months a claim follows (cohorts, the
        equal-weight index, dispersion)."""
        return self.memo(("window panels", window.start, window.end),
                         lambda: {k: p.loc[p.index >= window.start] for k, p in self.panels(window.end).items()})

    def ladder(self, match_window_days: int) -> pd.DataFrame:
        """Every move on the ladder over the whole record (:func:`analytics.graduation.ladder_moves`)."""
        mem = self.memberships
        return self.memo(("ladder", match_window_days), lambda: ga.ladder_moves(
            {k: m.events for k, m in mem.items()}, {k: m.start for k, m in mem.items()}, match_window_days))

    def moves(self, window, match_window_days: int) -> pd.DataFrame:
        """Every move on the ladder dated inside ``window`` with ``has_prices`` (a price at the
        last month end before the move)."""
        key = ("moves", window.start, window.end, match_window_days)

        def compute():
            mv = self.ladder(match_window_days)
            mv = mv.loc[(mv["date"] >= window.start) & (mv["date"] <= window.end)]
            return ga.with_prices(mv.reset_index(drop=True), self.month_end_prices(window.end))

        return self.memo(key, compute)

    def ranks(self, window, match_window_days: int, months: int) -> pd.DataFrame:
        """Pre-move ranks (:func:`analytics.graduation.pre_move_ranks`, over ``months``) of the moves
        dated inside ``window``, dated by the move. A rank looks back from the month end before
        the move, so it is computed once over the whole record and the window's rows are kept."""
        def whole():
            ev = self.ladder(match_window_days)
            end = self.last_day
            r = ga.pre_move_ranks(ev.assign(date=ev["date"] - pd.Timedelta(days=1)), self.month_end_prices(end),
                                  self.panels(end), months)
            return r.assign(date=r["date"] + pd.Timedelta(days=1))

        r = self.memo(("ranks", match_window_days, months), whole)
        return r.loc[(r["date"] >= window.start) & (r["date"] <= window.end)].reset_index(drop=True)

    def priced_user_moves(self, end) -> pd.DataFrame | None:
        """The user's moves (all of them, whatever their dates) with ``has_prices`` at ``end``."""
        if self.user_moves is None:
            return None
        end = pd.Timestamp(end)
        return self.memo(("user_moves", end), lambda: ga.with_prices(self.user_moves.frame,
                                                                     self.month_end_prices(end)))


class GraduationClaim(Claim):
    """What G1-G5 share: the chapter, its vintage line, and rule templates that may use words
    derived from the specification (:meth:`rule_words`), e.g. ``two thirds`` for a share of 2/3."""

    chapter: ClassVar[str] = "graduation"
    #: Every claim's results carry the chapter's one vintage line (prices, membership, French),
    #: as published.
    inputs_used: ClassVar[tuple[str, ...]] = ("prices", "membership", "french")

    @classmethod
    def rule_words(cls, values) -> dict[str, str]:
        """Extra template fields derived from the specification's values (default: none)."""
        return {}

    @classmethod
    def rule_for(cls, spec=None) -> Rule:
        """The rule under ``spec``: the template filled from the specification and the words
        derived from it (:meth:`rule_words`)."""
        values = cls.space.resolve(spec, owner=cls.id)
        fields = {**dict(values), **cls.rule_words(values)}
        t = cls.rule_template

        def fill(s: str) -> str:
            return s.format_map(fields) if fields else s

        return Rule(claim_id=t.claim_id, claim=t.claim, hypothesis=fill(t.hypothesis), statistic=fill(t.statistic),
                    supported=fill(t.supported), partly=fill(t.partly), not_supported=fill(t.not_supported),
                    untestable=fill(t.untestable), inconclusive=fill(t.inconclusive), history=cls.amendments)

    def registered(self):
        """This claim under its registered rule; a claim built from given evidence
        (:meth:`Claim.from_evidence`, no inputs to recompute from) applies the registered decision
        to the same evidence."""
        if not self.amended or self.inputs is not None:
            return super().registered()
        spec = {**dict(self.spec), **type(self).amendments[0].registered_spec}
        return type(self).from_evidence(self.evidence, spec=spec, window=self.window)

    def plot(self, draw: Callable[..., Any], data: Callable[[], Any] | None = None):
        """``draw(**data())`` whenever the window has the evidence the figure shows, even if the rule
        cannot decide the claim on it (the S&P 400's record still has a figure when the S&P 600's is
        missing); a figure method returns a note (a string) instead of keyword arguments when the
        window has nothing for that figure. Without evidence at all: :meth:`Claim.plot`'s note."""
        if self.evidence is None:
            return super().plot(draw, data)
        kwargs = (data or self.figure)()
        return kwargs if isinstance(kwargs, str) else draw(**kwargs)


def load_inputs(data: DataSession, params: dict | None = None) -> GraduationInputs:
    """Load the chapter's data: S&P 600/400/500 membership, the stock panel, the benchmark ETFs,
    French's E/P firm counts, and the user's files if ``params`` names them (``moves_csv``,
    ``members_earnings_csv``, ``spiva_csv``).

    Parameters
    ----------
    data
        The chapter's data session.
    params
        Chapter parameters; only the user files (paths) change what is loaded, other keys are
        ignored (``smallcaps.claims.evaluate_many`` passes one dict to every chapter).

    Raises
    ------
    ParameterError
        A user file that is not a file or is malformed (one line naming the parameter and the
        row), or a move dated outside the price data.
    """
    files = {}
    for name, (kind, _) in USER_FILES.items():  # cheap: read and checked before any market data
        path = (params or {}).get(name)
        files[name] = data.user_file(path, kind=kind) if path not in (None, "") else None
    user = files["moves_csv"]
    mem = {k: data.membership(k) for k in INDICES}
    stocks = data.prices(data.stock_tickers())
    etfs = data.prices(sorted(set(ga.INDEX_ETFS.values())))
    french = data.french(E_P)
    if user is not None:
        close = stocks.close
        moves_csv.check_dates(user.frame, close.index.min(), close.index.max())
    return GraduationInputs(memberships=mem, stocks=stocks, etfs=etfs, french=french, user_moves=user,
                            user_earnings=files["members_earnings_csv"], user_spiva=files["spiva_csv"])
