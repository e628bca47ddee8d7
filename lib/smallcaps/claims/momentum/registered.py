"""The momentum rules as first published (commit 1d939b9), verbatim, for the claims amended in
the referee revision (issue 13): each amendment records its registered rule from here, and the
claim's ``registered()`` reading recomputes the verdict under it.

These texts are frozen: a test checks each against the rule in the results published before the
amendments (``git show 7cacd59:book/momentum.results.json``).
"""

from __future__ import annotations

from ..contract import Rule

#: The date of the referee revision's amendments.
AMENDED = "2026-11-26"

M1 = Rule(
    "M1", "Since 2017 XSMO has beaten the main small-cap momentum and single-factor ETFs (source B).",
    hypothesis=("From the last close of 2016 to the end of the window, XSMO compounded faster than each of its ten "
                "peers (IJR, IJT, SLYG, DWAS, XMMO, SPMO, MTUM, XSVM, XSLV, XSHQ); a peer that started later is "
                "compared from its first close."),
    statistic=("for each peer, XSMO's annualised log-return gap over it (pp a year: mean daily gap times 252 on "
               "common trading days; positive exactly when XSMO compounded faster) with a 95% Newey-West interval; "
               "the number reported is the gap over the closest peer."),
    supported="the gap is positive against every peer",
    partly="it is positive against at least half of the peers but not all",
    not_supported="it is positive against fewer than half of them",
    untestable=("the window starts after 2017-01-01 or holds less than a year of XSMO prices after it (ETF prices "
                "from 2017 on decide it)"),
)

M2 = Rule(
    "M2", "Since inception XSMO only matches the S&P SmallCap 600 and trails the S&P 600 growth ETF (IJT) over the "
          "long run (source B).",
    hypothesis=("From XSMO's first close to the end of the window, XSMO's return is indistinguishable from IJR's "
                "(S&P SmallCap 600) and below IJT's (S&P SmallCap 600 Growth)."),
    statistic=("annualised log-return gaps of XSMO over IJT and over IJR (pp a year) with 95% Newey-West intervals; "
               "the number reported is the gap over IJT."),
    supported="the IJR gap's interval includes zero (XSMO matches the S&P 600) and the IJT gap is negative",
    partly="exactly one of the two holds",
    not_supported="neither holds",
    untestable=("the window starts after XSMO's first close or holds less than a year of its prices (XSMO, IJR and "
                "IJT prices over XSMO's life decide it)"),
)

M3 = Rule(
    "M3", "The momentum edge in small caps depends on the regime: it compounds when breadth widens and unwinds fast "
          "when breadth narrows, rates stay high or credit tightens (source B).",
    hypothesis=("small-cap momentum earns less in each adverse regime the claim names than in its favourable "
                "counterpart: narrowing breadth (XSMO minus IJR once XSMO tracked momentum, by whether the share of "
                "S&P 600 members above their 200-day average fell over the previous 63 trading days), rising rates "
                "(Shiller's monthly 10-year yield up over the previous 12 months) and tightening credit (Moody's Baa "
                "minus Aaa yield spread up over the previous 6 months), with French's small high minus small low "
                "prior-return portfolio for rates and credit. Every regime is known before the return it "
                "conditions."),
    statistic=("for each of the three, the mean return in the adverse regime minus the favourable one (pp a year: "
               "monthly mean times 12, daily mean times 252) with a 95% Newey-West interval and a 95% stationary "
               "block-bootstrap interval; a difference counts if it is negative and both intervals exclude zero. The "
               "number reported is the first testable of breadth, rates, credit. Market state and volatility are "
               "shown as context."),
    supported="all three differences count",
    partly="one or two of them count",
    not_supported="none counts",
    untestable="none of the three can be computed in the window",
)

M5 = Rule(
    "M5", "When small caps lead for several months, momentum and quant flows follow and squeeze the most shorted "
          "names; the move gives back fast if rates reprice higher (source C).",
    hypothesis=("after small caps lead (French's SMB compounded over the previous 6 months is positive), small-cap "
                "momentum earns more the next month than after they lag; and in those months it earns less when the "
                "10-year yield rises on the month (Shiller's monthly yield) than when it falls. The squeeze of the "
                "most shorted names needs short-interest data by stock, which the book does not have."),
    statistic=("mean small-cap momentum after leading minus after lagging (pp a year: monthly times 12) with a 95% "
               "Newey-West interval (the number reported) and a block-bootstrap interval; and, within months after "
               "leading, rising-yield minus falling-yield months. A difference counts if it has the claimed sign and "
               "both intervals exclude zero."),
    supported=("both differences count and short-interest data confirm the squeeze (they are not available, so the "
               "best verdict this book can give is partly supported)"),
    partly="at least one of the two differences counts",
    not_supported="neither counts",
    untestable="either comparison has fewer than 6 months in a group",
)
