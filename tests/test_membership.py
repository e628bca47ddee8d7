"""Point-in-time membership from pitindex's bundled files, checked against pitindex itself."""

from __future__ import annotations

import datetime as dt
import warnings

import pandas as pd
import pitindex
import pitindex._api
import pitindex._loader
import pytest

from smallcaps.data import DataSession
from smallcaps.errors import ParameterError

COVERAGE = {
    "sp600": ("2021-03-31", "2026-07-13", "S&P SmallCap 600"),
    "sp400": ("2011-11-20", "2026-07-13", "S&P MidCap 400"),
    "sp500": ("2004-12-30", "2026-07-13", "S&P 500"),
}


def reference_roster(date: pd.Timestamp, index: str) -> set[str]:
    with warnings.catch_warnings():  # pitindex warns that its (pinned) data is old: not our concern here
        warnings.simplefilter("ignore", pitindex.StaleDataWarning)
        return set(pitindex.get_constituents(date.date().isoformat(), index=index)["ticker"])


def check_dates(m) -> list[pd.Timestamp]:
    """15 dates: both ends of the coverage, 7 evenly spaced, and 3 event dates with the day before each."""
    even = list(pd.date_range(m.start, m.end, periods=9).normalize())
    ev = pd.DatetimeIndex(m.events["date"].unique())
    picks = [ev[len(ev) // 5], ev[len(ev) // 2], ev[-2]]
    out = even + picks + [d - pd.Timedelta(days=1) for d in picks]
    return sorted(set(out))


@pytest.fixture
def no_stale_latch(monkeypatch):
    """Give pitindex its once-per-process stale warning back, so that a load that triggered it would show."""
    monkeypatch.setitem(pitindex._api._stale_warned, "done", False)
    monkeypatch.setattr(pitindex._api, "_STALE_DAYS", 14)
    pitindex._api._index.cache_clear()
    yield
    pitindex._api._index.cache_clear()


@pytest.mark.parametrize("index", sorted(COVERAGE))
def test_rosters_equal_pitindex(offline, index):
    m = DataSession().membership(index)
    dates = check_dates(m)
    assert len(dates) == 15
    for d in dates:
        ours = m.roster_at(d)
        assert ours == reference_roster(d, index), d.date()
    assert len(m.roster_at(m.end)) == {"sp600": 602, "sp400": 400, "sp500": 503}[index]


@pytest.mark.parametrize("index", sorted(COVERAGE))
def test_our_loads_never_emit_the_stale_data_warning(offline, no_stale_latch, index):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        ds = DataSession()
        m = ds.membership(index)
        m.roster_at(m.end)
        m.panel(pd.date_range(m.start, m.end, periods=5))
        DataSession().membership(index)  # served from the store
    assert not [w for w in caught if issubclass(w.category, pitindex.StaleDataWarning)]
    # control: pitindex itself does warn in this state, so the check above could have failed
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        pitindex.get_constituents("2026-07-13", index=index)
    assert [w for w in caught if issubclass(w.category, pitindex.StaleDataWarning)]


@pytest.mark.parametrize("index", sorted(COVERAGE))
def test_panel_agrees_with_roster_at(offline, index):
    m = DataSession().membership(index)
    dates = pd.DatetimeIndex(check_dates(m))
    panel = m.panel(dates)
    assert panel.dtypes.eq(bool).all()
    assert list(panel.index) == list(dates)
    assert set(panel.columns) == set(m.spells()["ticker"])
    for d in dates:
        assert set(panel.columns[panel.loc[d].to_numpy()]) == m.roster_at(d)


@pytest.mark.parametrize("index", sorted(COVERAGE))
def test_spells_are_consistent(offline, index):
    m = DataSession().membership(index)
    sp = m.spells()
    assert list(sp.columns) == ["ticker", "start", "end", "left_censored"]
    # seed members are left-censored spells starting on the seed date, and only they are
    seed = set(m.tables["seed"].index)
    assert set(sp.loc[sp["left_censored"], "ticker"]) == seed
    assert (sp.loc[sp["left_censored"], "start"] == m.start).all()
    assert (sp.loc[~sp["left_censored"], "start"] > m.start).all()
    # spells of one ticker never overlap, and closed spells end after they start
    closed = sp.dropna(subset=["end"])
    assert (closed["end"] > closed["start"]).all()
    for _, g in sp.groupby("ticker"):
        if len(g) > 1:
            ends = g["end"].iloc[:-1].to_numpy()
            assert (ends <= g["start"].iloc[1:].to_numpy()).all()
    # open spells are exactly the roster at the data's end, which is pitindex's current roster
    assert set(sp.loc[sp["end"].isna(), "ticker"]) == m.roster_at(m.end) == set(m.tables["current"].index)


@pytest.mark.parametrize("index", sorted(COVERAGE))
def test_provenance_is_the_package_and_its_coverage(offline, index):
    first, last, name = COVERAGE[index]
    m = DataSession().membership(index)
    p = m.provenance
    assert (m.index, m.name) == (index, name)
    assert (p.dataset, p.source, p.origin) == (f"pitindex/{index}", "pitindex", "package")
    assert p.location == "pitindex==0.2.1"
    assert (p.first, p.last) == (first, last)
    assert (m.start, m.end) == (pd.Timestamp(first), pd.Timestamp(last))
    assert p.vintage == "pitindex 0.2.1, membership to 2026-07-13"
    assert p.extra["user_cache_ignored"] is True
    assert p.extra["build_timestamp_utc"] == "2026-07-13T09:34:44.722732+00:00"
    assert p.rows == len(m.events) == {"sp600": 905, "sp400": 1550, "sp500": 1026}[index]
    assert m.data_age_days(dt.date(2026, 7, 23)) == 10


@pytest.mark.parametrize("index", sorted(COVERAGE))
def test_dates_outside_coverage_name_the_date_and_range(offline, index):
    first, last, name = COVERAGE[index]
    m = DataSession().membership(index)
    before = (pd.Timestamp(first) - pd.Timedelta(days=1)).date()
    after = (pd.Timestamp(last) + pd.Timedelta(days=1)).date()
    with pytest.raises(ParameterError) as info:
        m.roster_at(before)
    assert str(info.value) == f"date={before} is outside {name} membership coverage; valid: {first}..{last}"
    with pytest.raises(ParameterError, match=rf"^date={after} is outside .*; valid: {first}\.\.{last}$"):
        m.roster_at(after)
    with pytest.raises(ParameterError, match=rf"^start={before} is outside"):
        m.panel([before, last])
    with pytest.raises(ParameterError, match=rf"^end={after} is outside"):
        m.panel([first, after])
    assert m.panel([]).shape[0] == 0


def test_unknown_index(offline):
    with pytest.raises(ParameterError) as info:
        DataSession().membership("russell2000")
    assert str(info.value) == "index='russell2000' is not covered by pitindex; valid: sp500, sp400, sp600"


def test_index_names_are_case_insensitive(offline):
    assert DataSession().membership(" SP600 ").index == "sp600"


def test_pitindex_user_cache_is_ignored(offline, tmp_path, monkeypatch):
    # a user cache that pitindex itself would prefer over its bundled data
    (tmp_path / "sp600_seed.csv").write_text("effective_date,ticker\n2021-03-31,ZZZZ\n")
    monkeypatch.setattr(pitindex._loader, "USER_CACHE", tmp_path)
    m = DataSession().membership("sp600")
    roster = m.roster_at("2021-03-31")
    assert "ZZZZ" not in roster and len(roster) == 601


def test_panel_of_unsorted_dates_matches_roster_at(offline):
    m = DataSession().membership("sp600")
    dates = pd.DatetimeIndex(["2025-06-30", "2021-06-30", "2023-06-30"])
    panel = m.panel(dates)
    for d in dates:
        assert set(panel.columns[panel.loc[d].to_numpy()]) == m.roster_at(d), d.date()
