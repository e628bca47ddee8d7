"""The specification sweep without a cluster: the window grid, the plan, the table (resume, a
failing specification, refusals), evidence reuse, and the committed sweep against the
chapters' published verdicts. The Dask tests with a real scheduler and workers are in
``test_sweep_cluster.py``."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from smallcaps.book.results import ChapterResults
from smallcaps.errors import ParameterError
from smallcaps.sweep import KEY, SweepWindow, WindowGrid, read_table, resolve_claims, run, sweepable_claims
from smallcaps.sweep.chapters import inputs_class, is_ported
from smallcaps.sweep.table import SweepTable
from smallcaps.sweep.tasks import plan

ROOT = Path(__file__).resolve().parents[1]
BOOK_SWEEP = ROOT / "book" / "robustness" / "sweep.parquet"


def _w(start, end, kind, years=0.0, as_of=None):
    return SweepWindow(start, end, as_of or end, kind, years)


# -- the window grid ---------------------------------------------------------------------------


def test_grid_on_a_hand_made_span():
    g = WindowGrid(step_years=10, lengths=(10, 20), min_years=15)
    got = g.windows("1995-03-01", "2026-07-14", claim_dates=("2024-05-16", "1990-01-01", "2030-01-01"))
    assert got == [
        _w("1995-03-01", "2026-07-14", "published"),
        _w("1995-03-01", "2024-05-16", "claim date"),  # 1990 is before the start, 2030 after the end
        _w("1995-03-01", "2010-12-31", "expanding"),  # 2000 spans fewer than 15 years
        _w("1995-03-01", "2020-12-31", "expanding"),
        _w("2001-01-01", "2010-12-31", "rolling", 10.0),  # 1991-2000 starts before the chapter
        _w("2011-01-01", "2020-12-31", "rolling", 10.0),
        _w("2016-07-15", "2026-07-14", "rolling", 10.0),  # the last 10 years
        _w("2001-01-01", "2020-12-31", "rolling", 20.0),
        _w("2006-07-15", "2026-07-14", "rolling", 20.0),
    ]


def test_grid_keeps_a_window_once_and_given_windows_inside_the_chapter():
    g = WindowGrid.parse(["published", "claim-date", "2000-01-01..2026-07-14", "1990-01-01..1999-12-31",
                          "2000-01-01..2010-12-31@2005-06-30"])
    got = g.windows("1995-01-01", "2026-07-14", claim_dates=("2026-07-14",))
    assert got == [_w("1995-01-01", "2026-07-14", "published"),  # the claim date is the end: kept once
                   _w("2000-01-01", "2026-07-14", "given"),
                   _w("2000-01-01", "2010-12-31", "given", as_of="2005-06-30")]


@pytest.mark.parametrize("items, message", [
    (["weekly"], "windows='weekly' is not a window kind"),
    (["2020-01-01..2019-01-01"], "end=2019-01-01 is before start=2020-01-01"),
    (["2020-01-01..2020-12-31@2021-01-01"], "as_of=2021-01-01 is outside the window"),
])
def test_grid_refuses_bad_windows_in_one_line(items, message):
    with pytest.raises(ParameterError, match=message) as exc:
        WindowGrid.parse(items)
    assert "\n" not in str(exc.value)


def test_grid_refuses_bad_settings():
    with pytest.raises(ParameterError, match="step=0 is out of range"):
        WindowGrid(step_years=0)
    with pytest.raises(ParameterError, match=r"lengths=\[0\] is out of range"):
        WindowGrid.parse(None, lengths=[0])


# -- which claims, and the plan ------------------------------------------------------------------


def test_sweepable_claims_are_those_of_ported_chapters():
    ids = [c.id for c in sweepable_claims()]
    assert ids[:0] == [] and {"V1", "V2", "V3", "V4", "V5"} <= set(ids)
    assert is_ported("valuation")
    for cls in sweepable_claims():
        assert is_ported(cls.chapter)
    assert inputs_class("valuation").default_start == "1871-01-01"


def test_resolve_claims_by_id_and_chapter_with_one_line_errors():
    assert [c.id for c in resolve_claims(["v3", "valuation"])] == ["V3", "V1", "V2", "V4", "V5"]
    with pytest.raises(ParameterError, match="claim='X1' is not a claim id"):
        resolve_claims(["X1"])
    unported = [c for c in ("rotation", "momentum", "graduation") if not is_ported(c)]
    if unported:  # until every chapter is ported
        with pytest.raises(ParameterError, match=f"the {unported[0]} chapter is not ported"):
            resolve_claims([unported[0]])


def test_plan_counts_rows_and_skips_done_ones():
    classes = resolve_claims(["valuation"])
    grid = WindowGrid()
    batches, skipped = plan(classes, grid)
    sizes = {c.id: c.space.size() for c in classes}
    assert sizes == {"V1": 11, "V2": 4, "V3": 8, "V4": 3, "V5": 8}  # after the referee revision
    expected = sum(sizes[c.id] * len(grid.windows("1871-01-01", "2026-07-14", c.claim_dates)) for c in classes)
    assert sum(len(b.items) for b in batches) == expected == 3952 and skipped == 0
    assert len({(b.chapter, b.window) for b in batches}) == len(batches) == 117  # one task per (chapter, window)
    assert sum(b.published for b in batches) == 1
    done = set(batches[0].keys()[:3])
    again, skipped = plan(classes, grid, done=done)
    assert skipped == 3 and sum(len(b.items) for b in again) == expected - 3
    grid_rows = sum(len(b.items) for b in plan(classes, WindowGrid.parse(["published"]), "grid")[0])
    assert grid_rows == 576 + 6 + 72 + 3 + 72


# -- running inline: resume, failures, refusals ---------------------------------------------------


@pytest.fixture(scope="module")
def offline_module(snapshot_dir, tmp_path_factory):
    """Offline on the reference snapshot with one store for the module, so that the chapter's
    inputs are loaded once (the sweep's per-process cache is keyed by the data settings)."""
    store = tmp_path_factory.mktemp("store")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("SMALLCAPS_OFFLINE", "1")
        mp.setenv("SMALLCAPS_SNAPSHOT", str(snapshot_dir))
        mp.setenv("SMALLCAPS_STORE", str(store))
        mp.delenv("SMALLCAPS_MODE", raising=False)
        yield store


@pytest.fixture
def quick(offline_module, tmp_path):
    """A small sweep (V2 and V4 on the published and claim-date windows), inline."""
    out = tmp_path / "sweep"

    def go(**kw):
        kw.setdefault("grid", WindowGrid.parse(["published", "claim-date"]))
        return run(["V2", "V4"], out=out, executor="inline", **kw)
    return out, go


def test_resume_computes_nothing_new(quick):
    out, go = quick
    first = go()
    assert (first.planned, first.computed, first.skipped, first.failed, first.lost) == (14, 14, 0, 0, 0)
    table = read_table(out)
    assert len(table) == 14 and not (out / "parts").exists()
    assert table.groupby("claim").size().to_dict() == {"V2": 8, "V4": 6}
    second = go()
    assert (second.computed, second.skipped) == (0, 14)
    pd.testing.assert_frame_equal(read_table(out), table)
    third = go(grid=WindowGrid.parse(["published", "claim-date", "2010-01-01..2019-12-31"]))
    assert (third.computed, third.skipped) == (7, 14) and len(read_table(out)) == 21


def test_a_failing_specification_is_recorded_and_the_sweep_goes_on(quick, monkeypatch):
    from smallcaps.claims.valuation import V4

    real = V4.decide

    def decide(self, ev):
        if self.spec.reproduced_pp == 0.25:
            raise ZeroDivisionError("injected for the test\nsecond line")
        return real(self, ev)

    monkeypatch.setattr(V4, "decide", decide)
    out, go = quick
    report = go()
    assert (report.computed, report.failed) == (14, 2)
    t = read_table(out)
    bad = t[t["error"].notna()]
    assert set(bad["spec"]) == {"reproduced_pp=0.25 pp"} and set(bad["claim"]) == {"V4"}
    assert set(bad["error"]) == {"ZeroDivisionError: injected for the test"}
    assert bad["verdict"].isna().all()
    assert t[t["error"].isna()]["verdict"].notna().all() and len(t) == 14
    # a re-run keeps recorded failures; --retry-failed computes them again (here: now fixed)
    monkeypatch.setattr(V4, "decide", real)
    assert go().computed == 0
    again = go(retry_failed=True)
    assert (again.computed, again.failed) == (2, 0)
    assert read_table(out)["error"].isna().all()


def test_refusals_before_any_work(quick, tmp_path):
    out, go = quick
    with pytest.raises(ParameterError, match="design='full' is not a sweep design"):
        go(design="full")
    with pytest.raises(ParameterError, match="windows gives no window inside"):
        go(grid=WindowGrid.parse(["1800-01-01..1850-12-31"]))
    afile = tmp_path / "a-file"
    afile.write_text("mine")
    with pytest.raises(ParameterError, match="is a file"):
        run(["V4"], out=afile, executor="inline")
    assert afile.read_text() == "mine" and not out.exists()
    go()
    meta = SweepTable(out).meta()
    assert meta["code"] and meta["snapshot"] and meta["format"] == 1
    SweepTable(out).check(meta)
    with pytest.raises(ParameterError, match="snapshot"):
        SweepTable(out).check({**meta, "snapshot": "other"})


def test_interrupted_parts_are_resumed_and_merged(quick):
    out, go = quick
    go()
    table = SweepTable(out)
    rows = table.rows()
    # as if a run had stopped after flushing a part: the part's rows count as done
    extra = rows.iloc[:2].assign(spec=["made-up a", "made-up b"])
    table.append(extra.to_dict("records"), table.meta())
    assert len(table.rows()) == 16 and len(list((out / "parts").glob("part-*.parquet"))) == 1
    assert go().computed == 0
    assert len(read_table(out / "sweep.parquet")) == 16 and not (out / "parts").exists()


def test_evidence_reuse_changes_no_row(offline_module, tmp_path):
    """Specifications that agree on every choice a claim's computation reads share its
    evidence; the rows must be exactly those computed one by one (V1 reads no choice, V2 one
    without alternatives, V5 two of four)."""
    grid = WindowGrid.parse(["published", "1950-01-01..2019-12-31@2000-06-30"])
    a = run(["V1", "V2", "V5"], grid=grid, out=tmp_path / "a", executor="inline", reuse_evidence=True)
    b = run(["V1", "V2", "V5"], grid=grid, out=tmp_path / "b", executor="inline", reuse_evidence=False)
    assert a.computed == b.computed == 2 * (11 + 4 + 8)
    ta, tb = (read_table(x).drop(columns="seconds") for x in (tmp_path / "a", tmp_path / "b"))
    pd.testing.assert_frame_equal(ta, tb)


# -- the committed sweep ---------------------------------------------------------------------------


def _published_defaults(table: pd.DataFrame) -> pd.DataFrame:
    return table[table["is_default_spec"] & table["is_published_window"]].set_index("claim")


def test_committed_sweep_default_rows_equal_the_published_verdicts():
    """The default specification on the published window is the chapter's verdict, number for
    number, for every claim in the committed sweep (and the sweep covers every ported claim)."""
    table = read_table(BOOK_SWEEP)
    defaults = _published_defaults(table)
    assert set(defaults.index) == {c.id for c in sweepable_claims()}
    chapters = set(table["chapter"])
    for chapter in chapters:
        published = ChapterResults.read(ROOT / "book" / f"{chapter}.results.json")
        for claim in published.claims:
            row = defaults.loc[claim.id]
            st = claim.statistic.to_dict()
            assert row["verdict"] == claim.verdict, claim.id
            assert (row["statistic"], row["unit"], row["method"]) == (st["name"], st["unit"], st["method"]), claim.id
            for k in ("value", "ci_low", "ci_high", "ci_level"):
                assert (pd.isna(row[k]) and st[k] is None) or row[k] == st[k], (claim.id, k)
            sample = tuple(None if pd.isna(x) else x for x in (row["sample_start"], row["sample_end"], row["sample_n"]))
            assert sample == (claim.sample.start, claim.sample.end, claim.sample.n), claim.id
            assert row["note"] == claim.note, claim.id


def test_committed_sweep_is_complete_and_without_errors():
    from smallcaps.book.robustness import expected_keys

    table = read_table(BOOK_SWEEP)
    assert table["error"].isna().all(), table.loc[table["error"].notna(), ["claim", "spec", "error"]].head()
    keys = set(map(tuple, table[list(KEY)].itertuples(index=False, name=None)))
    assert keys == expected_keys(sorted(set(table["claim"])))


SUBSET_CLAIMS = ["V2", "V4", "V1"]


def test_a_fixed_subset_of_the_committed_sweep_reproduces_exactly(offline_module, tmp_path):
    """CI's check that the committed table is what the code computes on the reference snapshot:
    a fixed subset (three claims, their claim dates and the published window) computed again,
    every column but the timing equal."""
    table = read_table(BOOK_SWEEP)
    picked = ["1871-01-01..2024-05-16", "1871-01-01..2026-07-02", "1871-01-01..2026-07-14"]  # the book's grid:
    # the claims' dates and the published window
    report = run(SUBSET_CLAIMS, grid=WindowGrid.parse(picked), out=tmp_path / "s", executor="inline")
    fresh = read_table(tmp_path / "s").set_index(list(KEY)).sort_index()
    committed = table.set_index(list(KEY))
    common = fresh.index.intersection(committed.index)
    # every window is in the book's grid for these claims, except a claim date of another claim
    others = fresh.index.difference(common)
    assert {(k[0], k[3]) for k in others} == {("V1", "2026-07-02"), ("V4", "2026-07-02"), ("V2", "2024-05-16")}
    assert report.computed == len(fresh) and len(common) == len(fresh) - len(others) == 2 * (11 + 4 + 3)
    cols = [c for c in fresh.columns if c not in ("seconds", "window_kind", "window_years", "is_published_window")]
    pd.testing.assert_frame_equal(fresh.loc[common, cols], committed.loc[common, cols])


def test_row_json_fields_are_the_specification():
    table = read_table(BOOK_SWEEP)
    row = table[(table["claim"] == "V1") & (table["spec"] == "measure=June prices")].iloc[0]
    assert json.loads(row["spec_choices"]) == {"forward_pe": "default", "interval": "default", "measure": "June prices",
                                               "percentile_frame": "default", "rare_percentile": "default",
                                               "read_at": "default", "size_group": "default", "verdict_rule": "default"}
    assert json.loads(row["spec_values"]) == {"forward_pe": "use", "interval": "AR(1)", "measure": "discount_june",
                                              "percentile_frame": "since 1995", "rare_percentile": 10.0,
                                              "read_at": "claim date", "size_group": "2-3", "verdict_rule": "amended"}
    assert not row["is_default_spec"]


# -- evidence reuse, on hand-made claims -----------------------------------------------------------


def _toy_claims():
    from smallcaps.claims import Choice, Claim, Decision, SpecSpace
    from smallcaps.claims.contract import NO_SAMPLE, Rule, Statistic

    calls = []
    rule = Rule("T1", "toy", "h", "s", "s", "p", "n")

    class Toy(Claim):
        id, chapter, statistic_name, unit = "T1", "valuation", "x", "pp"
        rule_template = rule
        space = SpecSpace(Choice("a", 1, {"two": 2}), Choice("b", 10, {"twenty": 20}))

        def compute(self):
            calls.append(dict(self.spec) if self.mode == "iterate" else None)
            if self.mode == "attribute":
                self.stash = 1
            return {"a": self.spec.a}

        def decide(self, ev):
            return Decision("supported", Statistic("x", ev["a"] * self.spec.b, "pp"), NO_SAMPLE, "")

    return Toy, calls


@pytest.mark.parametrize("mode, computations", [("read a", 2), ("iterate", 4), ("attribute", 4)])
def test_evidence_is_reused_only_when_safe(mode, computations):
    from smallcaps.params import window
    from smallcaps.sweep.tasks import _evaluate_one

    Toy, calls = _toy_claims()
    Toy.mode = mode
    w = window("2000-01-01", "2001-01-01")
    cache: dict = {}
    values = []
    for spec in Toy.space.variants("grid"):
        claim = Toy(None, w, spec)
        _evaluate_one(claim, cache)
        values.append(claim.result.statistic.value)
    assert values == [10, 20, 20, 40]  # (a, b) = (1, 10), (1, 20), (2, 10), (2, 20)
    assert len(calls) == computations


def test_cli_refuses_bad_arguments_in_one_line(capsys, tmp_path):
    from smallcaps import cli

    for args, message in ((["--claims", "X1"], "claim='X1' is not a claim id"),
                          (["--windows", "monthly"], "windows='monthly' is not a window kind"),
                          (["--step", "0"], "step=0 is out of range"),
                          (["--workers", "0"], "workers=0 is out of range")):
        assert cli.main(["sweep", *args, "--out", str(tmp_path / "never")]) == 2
        err = capsys.readouterr().err.strip()
        assert err.startswith("smallcaps: ") and message in err and "\n" not in err, err
    assert not (tmp_path / "never").exists()
