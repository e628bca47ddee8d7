"""The rotation claims' rules as registered (first published at commit 1d939b9, and unchanged
until the referee revision), verbatim: each amended claim's ``Amendment.old_rule``.

Tests check that each text equals the rule in the results committed before the revision.
"""

from __future__ import annotations

from ..contract import Rule

REGISTERED = {
    'R1': Rule(
        claim_id='R1',
        claim=('US small caps lead large caps by 8.5 pp year to date in 2026, ending about 6 years of relative '
            'underperformance'),
        hypothesis=("small caps' year-to-date return in 2026 exceeds large caps' and reached the claimed lead of "
            '8.5 pp, after small caps trailed large caps in most of the 6 calendar years before.'),
        statistic=('IWM minus SPY (Russell 2000 against S&P 500 ETFs, adjusted closes) year-to-date return spread '
            'on the reading date (the last day on or before as_of with all prices), in pp, with a band of '
            '1.96 HAC standard errors of the summed daily return difference; the other five pairs of IWM, '
            'IJR, VTWO against SPY, IVV are robustness checks.'),
        supported=('the spread is positive on the reading date, it reached 8.5 pp (to one decimal) on at least one '
            'day of 2026, and IWM trailed SPY in at least 5 of the 6 calendar years before 2026'),
        partly=('the spread is positive on the reading date but either it never reached the claimed lead or '
            'small caps trailed in fewer than 5 of the prior years'),
        not_supported='the spread is zero or negative on the reading date',
        untestable='the window has no 2026 trading day up to as_of or no close on the last trading day of 2025',
    ),
    'R2': Rule(
        claim_id='R2',
        claim='OUSM is up 4.6% year to date, with industrials contributing over 3.3 points',
        hypothesis=("OUSM's 2026 year-to-date return stood at 4.6% on some day, and its industrial holdings "
            'contributed more than 3.3 pp of it.'),
        statistic=("OUSM's year-to-date return (adjusted close) on the reading date, in %, and the 2026 days on "
            "which it was within 0.05 pp of 4.6%; the industrials' contribution would be the sum over days "
            'of sector weight times sector return.'),
        supported=('OUSM stood at 4.6% on some day and its holdings show an industrials contribution above 3.3 pp '
            'by that day'),
        partly='OUSM stood at 4.6% but its holdings show a smaller industrials contribution',
        not_supported="OUSM's year-to-date return was never within 0.05 pp of 4.6% in 2026 up to the reading date",
        untestable=("the window lacks 2026, or OUSM's holdings and sector weights are not available (sector ETFs "
            "such as PSCI show sector leadership, not OUSM's contribution)"),
    ),
    'R3': Rule(
        claim_id='R3',
        claim=('The 2026 move is a rotation toward profitable, dividend-paying small caps and away from '
            'unprofitable ones, after a 2025 led by unprofitable stocks'),
        hypothesis=('quality small-cap ETFs trailed the broad Russell 2000 (which holds the unprofitable firms) in '
            '2025 and lead it in 2026.'),
        statistic=('year-to-date return of the equal-weight quality basket (IJR, OUSM, XSHQ, SMDV, DES, rebalanced '
            'daily) minus IWM on the reading date, in pp, with a band of 1.96 HAC standard errors of the '
            'summed daily difference; the same spread for calendar 2025; and how many of the five ETFs lead '
            'IWM in 2026.'),
        supported=('the basket trailed IWM in 2025, leads it in 2026 year to date, and at least 4 of the five ETFs '
            'lead IWM in 2026'),
        partly=('the basket leads in 2026 but fewer than 4 ETFs agree, or 2025 was not a year in which the '
            'basket trailed'),
        not_supported='the basket does not lead IWM in 2026 year to date',
        untestable=('the window lacks 2026 or the basket has no close at the end of 2025; the French profitability, '
            'earnings and dividend portfolios (to 2024-12 and 2023-02) are long-run context and cannot see '
            '2025-2026'),
    ),
    'R4': Rule(
        claim_id='R4',
        claim='Dividend-quality small caps have lower beta and hold up better when credit is tight',
        hypothesis=("the quality basket's beta to IWM is below one, and in weeks that start with tight credit it "
            'beats IWM on average.'),
        statistic=('mean weekly return of the quality basket minus IWM in weeks when the ICE BofA US high-yield '
            'spread (BAMLH0A0HYM2) closed the previous week above the median of all its earlier readings in '
            "the window ('tight credit'), in pp a year (weekly mean times 52), with a HAC interval; and the "
            "basket's weekly beta to IWM with a HAC interval."),
        supported=("the beta's 95% interval lies below one and the tight-credit excess return's interval lies "
            'above zero'),
        partly='only one of the two holds',
        not_supported='neither holds',
        untestable='fewer than 52 weeks fall in either credit regime in the window',
    ),
    'R5': Rule(
        claim_id='R5',
        claim=('Long profitable small caps, short unprofitable ones targets 8-12% over one to two quarters, '
            'mostly from the short leg'),
        hypothesis=('long the quality basket, short IWM earns 8-12% over 63 to 126 trading days on average, most of '
            'it from IWM trailing the market.'),
        statistic=('mean return of long quality basket minus IWM over overlapping 126-day windows, in pp, with a '
            'HAC interval (126 overlap); the share of windows reaching 8%; and each leg against SPY.'),
        supported=("the mean's interval lies above zero and reaches 8 pp, and the short leg's mean contribution "
            "exceeds the long leg's"),
        partly=("the mean's interval lies above zero but wholly below 8 pp, or the short leg does not do most "
            'of the work, or the mean is not distinguishable from zero but at least 25% of windows reach 8%'),
        not_supported="the mean's interval includes or lies below zero and fewer than 25% of windows reach 8%",
        untestable='the basket and IWM share fewer than 504 trading days in the window',
    ),
    'R6': Rule(
        claim_id='R6',
        claim=('The rotation reverses within days to weeks on a rates rally or a volatility spike, and lasts '
            '3-6 months if credit stays calm'),
        hypothesis=("quality minus junk (IJR minus IWM: the S&P 600's profitability screen against the Russell "
            '2000) falls over the days after a sharp fall in the 10-year yield or a VIX spike, and its runs '
            'of leadership last at least 3 months when credit is calm, longer than when it is not.'),
        statistic=('mean compounded IJR minus IWM return over the event window (from the first day of the move '
            'that triggered the event), pooled over rates-rally and VIX-spike events (declustered), in pp, '
            'with a stationary-bootstrap interval across events; and the mean length of runs of positive '
            'monthly IJR minus IWM returns that start in calm credit (HY spread below the median of its '
            'earlier readings), in months.'),
        supported=("the pooled event mean's interval lies below zero, and calm-credit runs average at least 3 "
            'months and are longer than runs starting in tight credit'),
        partly='only one of the two parts holds',
        not_supported='neither part holds',
        untestable=('fewer than 10 events of either kind, or fewer than 5 completed runs in either credit regime, '
            'fall in the window'),
    ),
    'R7': Rule(
        claim_id='R7',
        claim='In 2026 the first-order winners are domestic cyclicals; mega-cap defensives lose',
        hypothesis=('in 2026 year to date small-cap cyclical sectors beat the small-cap index and large-cap '
            'defensive sectors trail the S&P 500.'),
        statistic=('year-to-date return of an equal-weight basket of small-cap cyclicals (PSCI, PSCD, PSCF, PSCM, '
            'PSCE) minus one of mega-cap defensives (XLP, XLU, XLV), in pp, on the reading date, with a '
            'band of 1.96 HAC standard errors of the summed daily difference; plus cyclicals minus IJR and '
            'defensives minus SPY.'),
        supported='cyclicals beat defensives, cyclicals beat IJR and defensives trail SPY',
        partly='cyclicals beat defensives but only one of the other two holds',
        not_supported='cyclicals do not beat defensives, or neither of the other two holds',
        untestable='the window lacks 2026 or the sector ETFs have no close at the end of 2025',
    ),
}
