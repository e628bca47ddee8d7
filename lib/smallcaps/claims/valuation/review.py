"""The valuation chapter's answers to the referee (``shared/review/referee-valuation-graduation.md``).

One :class:`~smallcaps.claims.points.ReviewPoint` per point of the report that concerns V1-V5:
the claim rows of its scorecard (section 1), each numbered point of section 2 on V1, V3 and V5,
the inference question on overlapping horizons, section 4's items 1-4 as they concern this
chapter, section 5's points on how V1, V3 and V5 read on the page, and the cross-cutting point on
the S&P 600 as a stand-in. Verdicts before and after are not typed here: the review page computes
them from ``valuation.results.json`` (the verdict under the registered rule against the verdict
now). Numbers quoted in ``point`` are the referee's.
"""

from __future__ import annotations

from ..points import ReviewPoint

_R = "valuation-graduation"

POINTS: tuple[ReviewPoint, ...] = (
    # -- section 1: one row per claim -------------------------------------------------------------
    ReviewPoint(_R, "table: V1", ("V1",),
                "Pre-specified, but decided against 1926+ history while the claim's frame is since 1995, on "
                "16-month-stale December prices and on the micro-cap quintile; the bootstrap interval is too "
                "narrow. Probably not the right verdict (major).",
                "accepted",
                "Amended rule: NYSE size quintiles 2-3 against quintile 5, prices rolled forward to each month, the "
                "percentile among the months since 1995, an AR(1)-adjusted interval, inconclusive where the "
                "interval cannot tell; judged at the claim's date and as of the reading date. Quintile 1, December "
                "and June prices and the 1926+ and 1963+ percentiles are robustness rows of the V1 table."),
    ReviewPoint(_R, "table: V2", ("V2",),
                "The 'cheap' threshold (below the 50th percentile) is lax but not decisive; the three readings "
                "date from different months (minor).",
                "rebutted",
                "The threshold was registered before the evidence and is kept. The chapter now shows V2 under every "
                "alternative of its specification (the 25th-percentile threshold included: same verdict) and says "
                "that the three readings come from different months, each dated in the table."),
    ReviewPoint(_R, "table: V3", ("V3",),
                "The 'recent 156 weeks' branch that earns 'partly' runs mostly after the May 2024 claim, and the "
                "slope has no control for beta or credit; at the claim's date the same rule gives 'not "
                "supported' (major).",
                "accepted",
                "Amended rule: judged on the weeks to the claim's date (the reading date shown beside it), the "
                "recent branch being the weeks to that date; the slope holds the week's SPY return and the change in "
                "the high-yield spread fixed (raw slope shown); inconclusive where the slope has the claim's sign "
                "without a reliable interval."),
    ReviewPoint(_R, "table: V4", ("V4",),
                "A model check: three conventions fixed in advance, both quoted figures reproduced jointly "
                "(none).",
                "accepted",
                "No change: V4 keeps its rule and verdict; it is the model the amended V1 and V3 follow (conventions "
                "fixed first, the claim's own date)."),
    ReviewPoint(_R, "table: V5", ("V5",),
                "Campbell-Thompson design is fair; Newey-West errors with a persistent predictor over-reject, and "
                "the out-of-sample score depends on when evaluation starts (minor).",
                "accepted",
                "Amended rule: Hodrick (1992) 1B intervals decide (Newey-West shown), on NYSE size quintiles 2-3 "
                "against quintile 5 (quintile 1 shown); Clark and West's test beside the out-of-sample R-squared; "
                "the score by evaluation start; non-overlapping regressions; inconclusive where the slope is "
                "positive but neither test holds."),
    # -- section 2: V1 ---------------------------------------------------------------------------
    ReviewPoint(_R, "V1.1", ("V1",),
                "Reference period: the claim says 'since 1995', and every month as cheap as April 2024 lies in "
                "1926-45, 2000-02 or 2024-25; the verdict used the 1926+ percentile.",
                "accepted",
                "The percentile among the months since 1995 decides (the claim's frame); the percentiles since 1926 "
                "and since 1963 (the Compustat era) are shown in the V1 table."),
    ReviewPoint(_R, "V1.2", ("V1",),
                "Stale prices: French's BE/ME for April 2024 uses December 2022 market equity; for a claim about "
                "'now' the rolled-forward series is the relevant one and was computed but not used.",
                "accepted",
                "Price-to-book rolled forward to each month's own prices decides; December and June prices are "
                "robustness rows."),
    ReviewPoint(_R, "V1.3", ("V1",),
                "Size group: French quintile 1 is micro-caps; the Russell 2000 and S&P 600 sit in NYSE quintiles "
                "2-3, and comparing quintile 1 with 5 roughly triples the level mismatch with the claim.",
                "accepted",
                "Quintiles 2-3 (one value-weighted group) against quintile 5 decide, in V1 and in V5; quintile 1 is "
                "shown as robustness."),
    ReviewPoint(_R, "V1.4", ("V1",),
                "The 'untestable' earnings view is too strong: a cap-weighted price-to-operating-profit aggregate is "
                "usable for quintiles 2 and 3 and shows the claim's sign pattern (a premium on average, a discount "
                "now), though not 'rare'.",
                "accepted",
                "The chapter shows small caps' price-to-operating-profit against quintile 5 for quintiles 2, 3 and "
                "2-3 (level, post-1995 average, percentile) as an approximation beside the decision, and no longer "
                "calls the earnings view untestable; it explains why quintile 1 cannot give one."),
    ReviewPoint(_R, "V1.5", ("V1",),
                "The interval of the 1995+ mean is about half as wide as the series' persistence implies (a "
                "stationary bootstrap against the AR(1)-implied standard error); the sign is safe either way.",
                "accepted",
                "The average's interval is AR(1)-adjusted (the standard error times the square root of "
                "(1 + rho)/(1 - rho)); the chapter shows the bootstrap beside it and why a block as long as the "
                "persistence cannot widen it."),
    ReviewPoint(_R, "V1 (recommendation)", ("V1",),
                "The claim's -27%/+3% levels stay untestable without a forward P/E series; accept one as a user "
                "file, as G3 does (free forward P/E charts exist from the mid-1990s).",
                "accepted",
                "New parameter forward_pe_csv (date, small-cap forward P/E, large-cap forward P/E), validated like "
                "moves_csv and recorded in provenance: given, it decides V1 on the claim's own measure and checks "
                "the claim's levels."),
    # -- section 2: V3 ---------------------------------------------------------------------------
    ReviewPoint(_R, "V3.1", ("V3",),
                "Judged at the claim's date the full-sample and the last-156-week slopes give 'not supported'; "
                "the significant negative slope comes from weeks after the claim.",
                "accepted",
                "V3 is decided on the weeks to 16 May 2024 and also read as of the reading date; both readings and "
                "the registered one are shown in one table and in the results file."),
    ReviewPoint(_R, "V3.2", ("V3",),
                "Confound: IWM minus SPY carries excess beta and loads on credit; with the SPY return and the "
                "change in the high-yield spread as controls the slope is near zero.",
                "accepted",
                "The slope with both controls decides; the raw and SPY-only slopes and the controls' own "
                "coefficients are shown. The prose no longer says the sign is the opposite of the claim's unless "
                "the controlled slope says so."),
    ReviewPoint(_R, "V3.3", ("V3",),
                "Picking the last of about 1,200 rolling windows to award 'partly' is a window-selection degree of "
                "freedom.",
                "accepted in part",
                "The recent branch stays in the registered rule but is now the one window the claim could see (the "
                "weeks ending at its date), not a choice among windows; the share of negative rolling slopes stays "
                "as context."),
    ReviewPoint(_R, "V3.4", ("V3",),
                "The restated claim adds 'more of it at floating rates', which is not in [D] (it says small caps pay "
                "higher interest rates on their loans).",
                "accepted",
                "The restatement now follows [D]: small caps carry more debt and pay higher interest rates on it."),
    # -- section 2: V5 ---------------------------------------------------------------------------
    ReviewPoint(_R, "V5.1", ("V5",),
                "In-sample inference: with a persistent predictor and 36-month overlap, Newey-West errors over-reject "
                "(a null VAR bootstrap puts the 97.5% point of the t at 2.88); Hodrick 1B intervals are about twice "
                "as wide.",
                "accepted",
                "Hodrick (1992) 1B intervals decide at every horizon; Newey-West intervals are shown beside them."),
    ReviewPoint(_R, "V5.2", ("V5",),
                "Non-overlapping 3-year regressions (six phase offsets) give similar slopes and t-statistics.",
                "accepted",
                "The non-overlapping regressions are shown (six offsets, classical errors)."),
    ReviewPoint(_R, "V5.3", ("V5",),
                "The negative 3-year out-of-sample R-squared is concentrated in 1949-68 forecasts; from later "
                "evaluation starts it is positive. The figure shows it; the prose and the verdict do not.",
                "accepted",
                "The out-of-sample R-squared by evaluation start (the first forecast, 1965, 1975, 1990) is shown for "
                "the deciding group and for quintile 1, and the prose says where the failure lies when the numbers "
                "say so."),
    ReviewPoint(_R, "V5.4", ("V5",),
                "Report a Clark-West test beside the out-of-sample R-squared.",
                "accepted",
                "Clark and West's (2007) MSPE-adjusted test is computed for every horizon and shown beside the "
                "out-of-sample R-squared and in the verdict's note."),
    ReviewPoint(_R, "V5.5", ("V5",),
                "Stambaugh bias is small here; the binding problem is the overlap-plus-persistence inference, not "
                "the bias.",
                "accepted",
                "No change needed: the first-order bias stays shown as context; the inference change is V5.1."),
    ReviewPoint(_R, "V5.6", ("V5",),
                "The fixed 3-year primary horizon hides a sign flip across horizons (the 5-year out-of-sample "
                "R-squared is positive).",
                "accepted in part",
                "The registered 3-year primary horizon is kept (changing it after seeing the horizons would be "
                "choosing the winner); all three horizons are shown with their Hodrick intervals, out-of-sample "
                "R-squared and Clark-West tests in one table."),
    # -- inference questions -----------------------------------------------------------------------
    ReviewPoint(_R, "inference: HAC lags", ("V5",),
                "HAC lags of at least h-1 are set correctly, but Newey-West with a persistent regressor "
                "over-rejects; use Hodrick or a bootstrap under the null.",
                "accepted",
                "V5 uses Hodrick (1992) 1B errors (smallcaps.stats.hodrick_1b, tested) with the non-overlapping "
                "check."),
    # -- section 4 ---------------------------------------------------------------------------------
    ReviewPoint(_R, "section 4.1", ("V5",),
                "Reproduce the cited papers on the chapter's own data and show the published numbers: Goyal and "
                "Welch (2008) or Campbell and Thompson (2008) out-of-sample R-squared; Asness et al. (2018) size "
                "alpha once quality is controlled.",
                "accepted",
                "Anchors in the V5 section and the results file: Welch and Goyal's d/p out-of-sample R-squared "
                "(forecasts from 1892 and from 1965) by the chapter's own out-of-sample code on Shiller's data, and "
                "AFIMP's SMB alpha with RMW as the quality control, each beside the paper's number with its "
                "tolerance stated first. The AFIMP reproduction falls outside its tolerance: RMW controls "
                "profitability only, not all of QMJ; the chapter says so."),
    ReviewPoint(_R, "section 4.2", ("V1", "V5"),
                "Use NYSE quintiles 2-3, not the micro-cap quintile, for V1 and V5.",
                "accepted",
                "Both claims decide on quintiles 2-3 against quintile 5; quintile 1 is a robustness row in both."),
    ReviewPoint(_R, "section 4.3", ("V1", "V3"),
                "Make rolled-forward prices primary for point-in-time valuation claims and judge every dated claim "
                "at its date.",
                "accepted",
                "V1 decides on rolled-forward prices; V1 and V3 are decided at the claim's date with the reading "
                "date shown; V2 and V4 already read at their claims' dates."),
    ReviewPoint(_R, "section 4.4", ("V5",),
                "Predictive inference: Hodrick 1B or a null bootstrap; non-overlapping regressions; Clark-West; "
                "out-of-sample by subperiod; explicit handling of pre-1963 Moody's-era book data.",
                "accepted",
                "All shown in V5; the Compustat-era sample (predictor months from July 1963) is a robustness row, "
                "and V1 shows the percentile since 1963."),
    # -- section 5: the page -------------------------------------------------------------------------
    ReviewPoint(_R, "section 5: V3 deciding number", ("V3",),
                "The scorecard shows V3's full-sample slope, the opposite of the claim, beside 'partly supported'.",
                "accepted",
                "V3's deciding number is now the controlled slope at the claim's date, the number its verdict "
                "rests on; the reading as of the reading date is in the results file's dated block."),
    ReviewPoint(_R, "section 5: V5 deciding number", ("V5",),
                "The scorecard shows V5's significant in-sample slope; the out-of-sample failure that made it "
                "'partly' is invisible.",
                "accepted",
                "V5's deciding number carries its out-of-sample R-squared in its name and its Hodrick interval; the "
                "note gives Clark and West's test."),
    ReviewPoint(_R, "section 5: V1 figure", ("V1",),
                "The V1 figure overlays the claim's forward-P/E levels on a price-to-book axis, so the claim looks "
                "45 pp wrong, and its title stresses the share of months since 1926.",
                "accepted",
                "The claim's levels are drawn only on its own measure (a forward P/E file); the price-to-book figure "
                "shows the deciding series and the registered one, and its title states the percentile in the "
                "claim's frame."),
    # -- cross-cutting ---------------------------------------------------------------------------------
    ReviewPoint(_R, "section 3: S&P 600 screen", ("V3",),
                "The S&P 600 admits only companies with positive earnings and is chosen by a committee, so it is a "
                "biased stand-in for the Russell 2000.",
                "accepted",
                "Where this chapter uses the S&P 600 (IJR minus IVV in V3) it says how the earnings screen biases it "
                "for a claim about debt-laden small companies; the forward P/E parameter names the Russell 2000 as "
                "the claim's index."),
)
