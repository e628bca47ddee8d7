"""analytics.regimes: labels known at t, checked by hand and by perturbing the present and future."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from smallcaps.analytics import regimes as G

IDX = pd.period_range("2020-01", periods=7, freq="M")


def labels(series: pd.Series) -> list:
    return [None if (isinstance(v, float) and np.isnan(v)) or v is None else v for v in series.tolist()]


# -- market state ----------------------------------------------------------------------------------


def test_market_state_by_hand():
    r = pd.Series([0.1, -0.05, -0.1, 0.2, 0.01], index=IDX[:5])
    st = G.market_state(r, 2)
    assert st.name == "market 2m"
    # cum over (t-2, t-1): t=2: 1.1*0.95-1=+0.045 up; t=3: 0.95*0.9-1=-0.145 down; t=4: 0.9*1.2-1=+0.08 up
    assert labels(st) == [None, None, "up", "down", "up"]


def test_market_state_zero_cumulative_return_is_down():
    r = pd.Series([0.25, -0.2, 0.0], index=IDX[:3])  # 1.25 * 0.8 = 1
    assert labels(G.market_state(r, 2)) == [None, None, "down"]


def test_market_state_label_at_t_ignores_the_return_at_t():
    rng = np.random.default_rng(4)
    r = pd.Series(rng.normal(0.005, 0.05, 60))
    base = G.market_state(r, 12)
    for t in (12, 13, 30, 59):
        for shock in (-0.9, 0.9):
            moved = r.copy()
            moved.iloc[t] = shock
            after = G.market_state(moved, 12)
            # labels up to and including t are unchanged: the label at t is known at the start of t
            pd.testing.assert_series_equal(after.iloc[: t + 1], base.iloc[: t + 1])
    # ...while the return at t does feed the label at t+1 (the check above is not vacuous)
    moved = r.copy()
    moved.iloc[30] = -0.9
    assert G.market_state(moved, 12).iloc[31] == "down"


# -- high/low -----------------------------------------------------------------------------------

VALUES = pd.Series([5.0, 1.0, 3.0, 10.0, 0.0, 4.0, 2.0], index=IDX, name="spread")


def test_high_low_expanding_median_by_hand():
    hl = G.high_low(VALUES, min_periods=3)
    assert hl.name == "spread"
    # thresholds: t=3 median(5,1,3)=3; t=4 median(5,1,3,10)=4; t=5 median(..,0)=3; t=6 median(..,4)=3.5
    assert labels(hl) == [None, None, None, "high", "low", "high", "low"]


def test_high_low_has_no_look_ahead():
    base = G.high_low(VALUES, min_periods=3)
    later = pd.Series([100.0, 100.0, 100.0], index=pd.period_range("2020-08", periods=3, freq="M"), name="spread")
    future = pd.concat([VALUES, later])
    with_future = G.high_low(future, min_periods=3)
    pd.testing.assert_series_equal(with_future.iloc[:7], base)
    # changing today's value changes only today's label, never the threshold it is compared with
    moved = VALUES.copy()
    moved.iloc[4] = 3.9  # below that day's threshold 4, like 0.0
    assert labels(G.high_low(moved, min_periods=3))[:5] == labels(base)[:5]
    moved.iloc[4] = 4.1  # above it
    assert labels(G.high_low(moved, min_periods=3))[4] == "high"


def test_high_low_other_methods_and_labels():
    full = G.high_low(VALUES, method="full_median", labels=("wide", "tight"))
    # whole-sample median 3 (look-ahead, descriptive only); equal to the median is "low"
    assert labels(full) == ["wide", "tight", "tight", "wide", "tight", "wide", "tight"]
    roll = G.high_low(VALUES, method="rolling_median", window=2, min_periods=2)
    # t=2 median(5,1)=3 -> 3 low; t=3 median(1,3)=2 high; t=4 6.5 low; t=5 5 low; t=6 median(0,4)=2 -> 2 low
    assert labels(roll) == [None, None, "low", "high", "low", "low", "low"]


def test_high_low_missing_values_and_bad_methods():
    gap = VALUES.copy()
    gap.iloc[5] = np.nan
    hl = G.high_low(gap, min_periods=3)
    assert labels(hl)[5] is None
    assert labels(hl)[6] == "low"  # threshold median(5,1,3,10,0)=3 (the NaN is skipped): 2 -> low
    with pytest.raises(ValueError, match="rolling_median needs window"):
        G.high_low(VALUES, method="rolling_median")
    with pytest.raises(ValueError, match="valid: expanding_median, rolling_median, full_median"):
        G.high_low(VALUES, method="mean")


# -- direction and runs -----------------------------------------------------------------------------


def test_direction_by_hand():
    lv = pd.Series([1.0, 2.0, 3.0, 2.0, 2.0, 5.0], index=IDX[:6], name="vix")
    d = G.direction(lv, 2)
    assert d.name == "vix"
    # t=2: 3-1 rising; t=3: 2-2=0 falling; t=4: 2-3 falling; t=5: 5-2 rising
    assert labels(d) == [None, None, "rising", "falling", "falling", "rising"]
    assert labels(G.direction(lv, 1, labels=("up", "down"))) == [None, "up", "up", "down", "down", "up"]


def test_run_lengths():
    idx = pd.date_range("2020-01-01", periods=6)
    flags = pd.Series([True, True, False, True, True, True], index=idx)
    runs = G.run_lengths(flags)
    assert list(runs.columns) == ["value", "start", "end", "length"]
    assert runs["value"].tolist() == [True, False, True]
    assert runs["start"].tolist() == [idx[0], idx[2], idx[3]]
    assert runs["end"].tolist() == [idx[1], idx[2], idx[5]]
    assert runs["length"].tolist() == [2, 1, 3]
    assert runs["length"].sum() == len(flags)


def test_run_lengths_of_labels_and_of_nothing():
    runs = G.run_lengths(pd.Series(["up", "up", "up"], index=IDX[:3]))
    assert runs.to_dict("list") == {"value": ["up"], "start": [IDX[0]], "end": [IDX[2]], "length": [3]}
    empty = G.run_lengths(pd.Series([np.nan, np.nan]))
    assert empty.empty and list(empty.columns) == ["value", "start", "end", "length"]
