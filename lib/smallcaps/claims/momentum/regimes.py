"""The chapter's regime definitions, declared once as choices and shared by M3 and M5, and the
way a regime test is shown.

The notebook's regime parameters (``market_lookback`` ... ``lead_months``) are the
:class:`~smallcaps.claims.base.Choice` objects below; M3's and M5's specification spaces reuse
them, and each choice's named alternative is the robustness alternative the chapter shows beside
its default (:func:`alternative`). A regime is always known before the return it conditions.

Units: regime tests hold decimal means per period; tables and facts show pp a year (monthly means
times 12, daily means times 252, see :data:`PP_A_YEAR`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from ...analytics import momentum as am
from ...display import MISSING, Fact, Text, ci_text, count, num, plural, pp, text
from ...errors import ParameterError
from ..base import Choice
from ..contract import Rule

# -- choices ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class WholeNumber(Choice):
    """A choice that takes whole numbers from ``lo`` to ``hi`` (in ``unit``)."""

    lo: int = 1
    hi: int = 1
    unit: str = ""

    def problem(self, value) -> str | None:
        """What is wrong with ``value`` (with the valid range), or None."""
        if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or not self.lo <= value <= self.hi:
            return f"is out of range; valid: whole numbers {self.lo}..{self.hi} ({self.unit})"
        return None

    def validate(self, value, owner: str):
        p = self.problem(value)
        if p:
            raise ParameterError(f"{owner} spec {self.name}={value!r} {p}")
        return int(value)


@dataclass(frozen=True)
class OneOf(Choice):
    """A choice among named values: the default and its alternatives."""

    def problem(self, value) -> str | None:
        if value not in self.values():
            return f"is unknown; valid: {', '.join(map(str, self.values()))}"
        return None

    def validate(self, value, owner: str):
        p = self.problem(value)
        if p:
            raise ParameterError(f"{owner} spec {self.name}={value!r} {p}")
        return value


MARKET_LOOKBACK = WholeNumber(
    "market_lookback", 36, {"24 months (registered)": 24, "12 months": 12},
    "months: the market state is the sign of the market's compounded return over the previous N months "
    "(36: the headline specification of Cooper, Gutierrez and Hameed, 2004; 24 was registered)", lo=3, hi=120,
    unit="months")
VOL_MEASURE = OneOf(
    "vol_measure", "realised", {"VIX": "vix"},
    "volatility is high when the market's realised volatility over vol_window months (realised) or the month-end "
    "VIX (vix, from 1990) is above its median to date")
VOL_WINDOW = WholeNumber("vol_window", 12, {}, "months of market returns in realised volatility", lo=3, hi=60,
                         unit="months")
CREDIT_MEASURE = OneOf(
    "credit_measure", "change", {"level": "level"},
    "credit is adverse when the Baa - Aaa spread widened over credit_lookback months (change) or is above its "
    "median to date (level)")
CREDIT_LOOKBACK = WholeNumber("credit_lookback", 6, {}, "months over which the credit spread widens or narrows",
                              lo=1, hi=36, unit="months")
RATES_MEASURE = OneOf(
    "rates_measure", "level", {"change (registered)": "change"},
    "rates are adverse when the 10-year yield is above its median to date (level: the claim's 'rates stay high') "
    "or rose over rates_lookback months (change, registered)")
RATES_LOOKBACK = WholeNumber("rates_lookback", 12, {}, "months over which the 10-year yield rises or falls",
                             lo=1, hi=60, unit="months")
BREADTH_WINDOW = WholeNumber("breadth_window", 200, {}, "trading days in the moving average of each member",
                             lo=20, hi=400, unit="trading days")
BREADTH_LOOKBACK = WholeNumber(
    "breadth_lookback", 63, {"126 trading days": 126},
    "trading days over which breadth, the high-yield spread and ^TNX rise or fall", lo=5, hi=252,
    unit="trading days")
LEAD_MEASURE = OneOf("lead_measure", "smb", {"IWM minus SPY": "iwm-spy"},
                     "small caps lead when French's SMB (smb) or IWM against SPY (iwm-spy, from 2000) compounded "
                     "positively over lead_months")
LEAD_MONTHS = WholeNumber("lead_months", 6, {"3 months": 3}, "months over which small caps must lead", lo=1, hi=24,
                          unit="months")

BOOTSTRAP_BLOCK = OneOf(
    "bootstrap_block", "spell", {"Politis-White (registered)": "politis-white"},
    "the regime bootstrap's expected block length: no shorter than the mean spell of the regimes resampled "
    "(spell: the longer of that and the Politis-White length) or the Politis-White length of the returns alone "
    "(politis-white, registered)")
VERDICT_RULE = OneOf(
    "verdict_rule", "amended", {"registered": "registered"},
    "the decision logic: as amended in the referee revision (amended) or as registered (registered)")

#: The notebook's regime parameters, in its order.
PARAMETERS: dict[str, Choice] = {c.name: c for c in (
    MARKET_LOOKBACK, VOL_MEASURE, VOL_WINDOW, CREDIT_MEASURE, CREDIT_LOOKBACK, RATES_MEASURE, RATES_LOOKBACK,
    BREADTH_WINDOW, BREADTH_LOOKBACK, LEAD_MEASURE, LEAD_MONTHS)}

#: The choices whose alternative is shown beside each regime's definition.
DEFINITION_CHOICES = ("market_lookback", "vol_measure", "credit_measure", "rates_measure", "breadth_lookback",
                      "lead_months")


def check_parameters(**values) -> dict[str, Any]:
    """The chapter's regime parameters, checked before any data is loaded (in the notebook's order).

    Raises
    ------
    ParameterError
        One line naming the parameter and its valid range or values.
    """
    out = {}
    for name, value in values.items():
        if name not in PARAMETERS:
            raise ParameterError(f"{name} is not a momentum parameter; valid: {', '.join(PARAMETERS)}")
        p = PARAMETERS[name].problem(value)
        if p:
            raise ParameterError(f"{name}={value!r} {p}")
        out[name] = PARAMETERS[name].validate(value, "momentum")
    return out


def alternative(choice: Choice, value):
    """The robustness alternative to ``value``: the choice's first named alternative, or its
    default when ``value`` is that alternative."""
    first = next(iter(choice.alternatives.values()))
    return choice.default if value == first else first


def swapped(values: Mapping[str, Any], names) -> dict[str, Any]:
    """``values`` with each choice in ``names`` replaced by its :func:`alternative`."""
    return {**values, **{n: alternative(PARAMETERS[n], values[n]) for n in names if n in values}}


# -- what the regimes are ------------------------------------------------------------------------------


def labels(values: Mapping[str, Any]) -> dict[str, tuple[str, str]]:
    """Adverse and favourable label of each century regime under these definitions."""
    return {"market state": ("down", "up"), "volatility": ("high", "low"),
            "credit": ("widening", "narrowing") if values["credit_measure"] == "change" else ("high", "low"),
            "rates": ("rising", "falling") if values["rates_measure"] == "change" else ("high", "low")}


#: The recent (daily) regimes: adverse and favourable label.
RECENT_LABELS = {"S&P 600 breadth": ("narrowing", "widening"), "S&P 400 breadth (proxy)": ("narrowing", "widening"),
                 "high-yield spread": ("widening", "narrowing"), "10-year yield": ("rising", "falling")}

CENTURY = ("market_lookback", "vol_measure", "vol_window", "credit_measure", "credit_lookback", "rates_measure",
           "rates_lookback")


def century_definitions(values: Mapping[str, Any]) -> dict[str, Any]:
    """The choices the century regimes depend on (the keyword arguments of
    :meth:`~smallcaps.claims.momentum.inputs.MomentumInputs.century_regimes`)."""
    return {k: values[k] for k in CENTURY}


def rates_words(values: Mapping[str, Any]) -> str:
    return (f"Shiller's monthly 10-year yield up over the previous {values['rates_lookback']} months"
            if values["rates_measure"] == "change" else "Shiller's monthly 10-year yield above its median to date")


def credit_words(values: Mapping[str, Any]) -> str:
    return (f"Moody's Baa minus Aaa yield spread up over the previous {values['credit_lookback']} months"
            if values["credit_measure"] == "change" else "Moody's Baa minus Aaa spread above its median to date")


def lead_words(values: Mapping[str, Any]) -> str:
    return (f"French's SMB compounded over the previous {values['lead_months']} months is positive"
            if values["lead_measure"] == "smb" else f"IWM beat SPY over the previous {values['lead_months']} months")


def describe(values: Mapping[str, Any]) -> dict[str, str]:
    """Each century and recent regime's definition, in words (all eleven parameters needed)."""
    v = values
    vol = (f"realised market volatility over the previous {v['vol_window']} months above its median to date"
           if v["vol_measure"] == "realised" else "month-end VIX above its median to date (from 1990)")
    credit = (f"Baa - Aaa spread widening over the previous {v['credit_lookback']} months"
              if v["credit_measure"] == "change" else "Baa - Aaa spread above its median to date")
    rates = (f"10-year yield rising over the previous {v['rates_lookback']} months"
             if v["rates_measure"] == "change" else "10-year yield above its median to date")
    lead = (f"SMB compounded over the previous {v['lead_months']} months positive" if v["lead_measure"] == "smb"
            else f"IWM beat SPY over the previous {v['lead_months']} months")
    lb = v["breadth_lookback"]
    return {
        "market state": f"down if the market's return over the previous {v['market_lookback']} months was negative",
        "volatility": f"high if {vol}",
        "credit": f"adverse if {credit}",
        "rates": f"adverse if {rates}",
        "breadth": (f"narrowing if the share of members above their {v['breadth_window']}-day average fell "
                    f"over the previous {lb} trading days"),
        "high-yield spread": f"widening if it rose over the previous {lb} trading days",
        "10-year yield (daily)": f"rising if ^TNX rose over the previous {lb} trading days",
        "leadership": f"small caps lead if {lead}",
    }


def definitions(values: Mapping[str, Any]) -> Text:
    """The regime definitions with their alternatives, as a Markdown list (long sentences read
    better than in a frame; notebook outputs render as CommonMark, which has no tables)."""
    values = check_parameters(**values)
    d, a = describe(values), describe(swapped(values, DEFINITION_CHOICES))
    return Text("\n".join(f"- **{k}**: {d[k]} (alternative: {a[k]})." for k in d))


def fill_rule(template: Rule, values: Mapping[str, Any], history: tuple = ()) -> Rule:
    """``template`` with its ``{placeholders}`` filled from ``values`` (choices and derived words),
    carrying the claim's public amendments (``history``)."""
    def fill(s: str) -> str:
        return s.format_map(dict(values))

    t = template
    return Rule(claim_id=t.claim_id, claim=t.claim, hypothesis=fill(t.hypothesis), statistic=fill(t.statistic),
                supported=fill(t.supported), partly=fill(t.partly), not_supported=fill(t.not_supported),
                untestable=fill(t.untestable), inconclusive=fill(t.inconclusive), history=history)


def block_words(value: str) -> str:
    """How the regime bootstrap's block length is chosen, for a rule."""
    return ("with a mean block no shorter than the mean spell of the regimes resampled (or the Politis-White length "
            "if longer), so that a resampled block keeps a regime's persistence" if value == "spell"
            else "with the Politis-White block length of the returns")


# -- showing a regime test ---------------------------------------------------------------------------

#: A mean per period (decimal) times this reads pp a year: monthly x 12 x 100, daily x 252 x 100.
PP_A_YEAR = {"monthly": 1200.0, "daily": 25200.0}


def pp_year(x, freq: str, digits: int = 1, signed: bool = False) -> Fact:
    """A mean per period (decimal) shown in pp a year."""
    return num(None if x is None or pd.isna(x) else x * PP_A_YEAR[freq], digits, signed)


def interval(lo, hi, freq: str | None = None, digits: int = 1) -> str:
    """``lo to hi`` of an interval: per-period decimals shown in pp a year (``freq``), or, with no
    ``freq``, decimals a year shown in pp."""
    if lo is None or hi is None or pd.isna(lo) or pd.isna(hi):
        return MISSING
    if freq is None:
        return ci_text(pp(lo).scaled(), pp(hi).scaled(), digits)
    return ci_text(lo * PP_A_YEAR[freq], hi * PP_A_YEAR[freq], digits)


def period_text(p) -> str:
    """A month (``1928-07``) or a day (``2021-07-01``)."""
    return str(p) if isinstance(p, pd.Period) else pd.Timestamp(p).date().isoformat()


def span(start, end) -> str:
    """``1928-07 to 2025-10``, or ``no data``."""
    if start is None:
        return "no data"
    return f"{period_text(start)} to {period_text(end)}"


def month_text(p) -> str:
    """``1928-07`` for a month or a day (empty for none)."""
    if p is None:
        return ""
    return str(p) if isinstance(p, pd.Period) else pd.Timestamp(p).strftime("%Y-%m")


def test_facts(t: am.RegimeTest | None, freq: str) -> dict[str, Fact]:
    """The numbers of one regime test for the prose: ``diff``, ``ci``, ``boot``, ``adverse``,
    ``favourable`` (pp a year), ``n`` and ``sample`` (all missing when the test has no interval)."""
    if t is None or t.diff is None:
        return dict.fromkeys(("diff", "ci", "boot", "adverse", "favourable", "n", "sample"), text(None))
    d, b = t.diff, t.boot
    return {"diff": pp_year(d.value, freq, 1, True), "ci": text(interval(d.ci_low, d.ci_high, freq)),
            "boot": text(interval(b.ci_low, b.ci_high, freq) if b else None),
            "adverse": pp_year(t.mean_regime, freq), "favourable": pp_year(t.mean_other, freq),
            "n": count(t.n), "sample": text(span(t.start, t.end))}


def testable(t: am.RegimeTest | None) -> bool:
    """The test has its interval (enough periods in both states)."""
    return t is not None and t.diff is not None


def regime_table(tests: Mapping[str, am.RegimeTest], freq: str) -> pd.DataFrame:
    """Tests as a compact display table (pp a year): the two states, their means, the difference
    with both 95% intervals, whether both intervals lie below zero, and the periods in each state."""
    k = PP_A_YEAR[freq]
    rows = {}
    for name, t in tests.items():
        d, b = t.diff, t.boot
        rows[name] = {
            "states": f"{t.regime} | {t.other}",
            "means": (f"{pp_year(t.mean_regime, freq).text() if t.n_regime else MISSING} | "
                      f"{pp_year(t.mean_other, freq).text() if t.n_other else MISSING}"),
            "difference": round(d.value * k, 1) if d else np.nan,
            "95% HAC CI": interval(d.ci_low, d.ci_high, freq) if d else MISSING,
            "95% bootstrap CI": interval(b.ci_low, b.ci_high, freq) if b else MISSING,
            "both below 0": "yes" if t.significant(-1) else "no" if d else MISSING,
            "periods": f"{t.n_regime:,} | {t.n_other:,}",
        }
    out = pd.DataFrame.from_dict(rows, orient="index")
    out.index.name = "regime"
    return out


def variant_row(regime: str, variant: str, t: am.RegimeTest, freq: str, sign: int = -1) -> dict:
    """One robustness row: the difference with its HAC interval (pp a year) and its span;
    ``significant``: the interval lies on the claimed side of zero (below for ``sign`` -1)."""
    d = t.diff
    ok = MISSING if d is None else ("yes" if (d.ci_high < 0 if sign < 0 else d.ci_low > 0) else "no")
    return {"regime": regime, "variant": variant, "states": f"{t.regime} | {t.other}",
            "difference": round(d.value * PP_A_YEAR[freq], 1) if d else np.nan,
            "95% HAC CI": interval(d.ci_low, d.ci_high, freq) if d else MISSING,
            "significant": ok, "n": t.n, "from": month_text(t.start), "to": month_text(t.end)}


def variant_frame(rows: list[dict], order: list[str]) -> pd.DataFrame:
    """Rows grouped by regime in ``order``, variants in the order they were added."""
    if not rows:
        return pd.DataFrame()
    out = pd.DataFrame(rows)
    out["_r"] = out["regime"].map({r: i for i, r in enumerate(order)})
    out = out.sort_values("_r", kind="stable").drop(columns="_r")
    return out.set_index(["regime", "variant"])


def robustness_counts(frame: pd.DataFrame, regime: str) -> tuple[int, int, int] | None:
    """For one regime of a robustness table: variants with the default's sign, variants with a
    difference, and variants flagged significant; None without a default difference."""
    if frame is None or frame.empty or regime not in frame.index.get_level_values(0):
        return None
    grp = frame.xs(regime, level=0)
    d = grp["difference"].dropna()
    if d.empty or "default" not in grp.index or pd.isna(grp.loc["default", "difference"]):
        return None
    default = grp.loc["default", "difference"]
    return int((np.sign(d) == np.sign(default)).sum()), len(d), int((grp["significant"] == "yes").sum())


def robustness_facts(frame: pd.DataFrame, regime: str) -> dict[str, Fact]:
    """``same``, ``variants`` (``4 variants``) and ``significant`` of :func:`robustness_counts`."""
    c = robustness_counts(frame, regime)
    if c is None:
        return {"same": text(None), "variants": text(None), "significant": text(None)}
    return {"same": count(c[0]), "variants": text(plural(c[1], "variant")), "significant": count(c[2])}


def note(words: str) -> Text:
    """A note shown instead of a table (italic)."""
    return Text(f"*{words}*")
