"""The valuation chapter's user file ``forward_pe_csv``: parsed and checked like ``moves_csv``,
recorded in provenance, passed through the chapter's parameters, and deciding V1 on the claim's
own measure (small-cap over large-cap forward P/E) when given.

The test file is written by hand in the shape of an index provider's export: a byte-order mark,
column names with spaces, month-end dates, multiples printed with an ``x``, and extra columns.
"""

from __future__ import annotations

import hashlib

import pandas as pd
import pytest

from smallcaps.errors import ParameterError
from smallcaps.params import check_chapter
from smallcaps.sources import forward_pe_csv

#: Small-cap forward P/E by month (the large-cap one is 20.0 throughout): relatives +5%, +8%, ...,
#: and -27% in April 2024, the claim's month; May 2024 lies after the claim's date.
SMALL = [21.0, 21.6, 20.4, 21.2, 20.8, 21.4, 21.0, 20.6, 21.8, 21.2, 20.2, 21.0, 20.8, 14.6, 15.0]
MONTH_ENDS = ["2023-03-31", "2023-04-28", "2023-05-31", "2023-06-30", "2023-07-31", "2023-08-31", "2023-09-29",
              "2023-10-31", "2023-11-30", "2023-12-29", "2024-01-31", "2024-02-29", "2024-03-28", "2024-04-30",
              "2024-05-31"]
EXPORT = "\ufeffDate,Small Forward PE,Large Forward PE,Small index,Large index\n" + "".join(
    f"{d},{s:.2f}x,20.00x,Russell 2000,S&P 500\n" for d, s in zip(MONTH_ENDS, SMALL, strict=True)) + "\n"


def write(tmp_path, text: str, name: str = "forward_pe.csv"):
    p = tmp_path / name
    p.write_text(text, encoding="utf-8")
    return p


def test_an_export_with_extra_columns_parses():
    f = forward_pe_csv.parse(EXPORT.encode("utf-8"))["forward_pe"]
    assert len(f) == 15 and str(f.index[0]) == "2023-03" and str(f.index[-1]) == "2024-05"
    assert f.loc["2024-04", "small_pe"] == 14.6 and f.loc["2024-04", "large_pe"] == 20.0
    assert f.loc["2024-04", "relative"] == pytest.approx(-0.27)  # 14.6 / 20 - 1
    assert f.loc["2023-03", "relative"] == pytest.approx(0.05) and f.loc["2023-03", "row"] == 1
    assert f["date"].iloc[-1] == pd.Timestamp("2024-05-31")


@pytest.mark.parametrize("text, message", [
    ("date,small_forward_pe\n2024-01-31,14\n", "forward_pe_csv lacks column(s) large_forward_pe; required: date, "
                                               "small_forward_pe, large_forward_pe"),
    ("date,small_forward_pe,large_forward_pe\n", "forward_pe_csv has no rows"),
    ("", "forward_pe_csv is not a readable CSV (the file is empty)"),
    ("<html>sign in</html>", "forward_pe_csv is not a readable CSV (the file is an HTML/XML page, not a CSV)"),
    ("date,small_forward_pe,large_forward_pe\n31/01/2024,14,20\n",
     "forward_pe_csv row 1: date='31/01/2024' is not a date; give YYYY-MM-DD"),
    ("date,small_forward_pe,large_forward_pe\n2024-01-31,14,20\n2024-02-29,n/a,20\n",
     "forward_pe_csv row 2: small_forward_pe='n/a' is not a number; give the multiple, e.g. 14.2"),
    ("date,small_forward_pe,large_forward_pe\n2024-01-31,14,-3\n",
     "forward_pe_csv row 1: large_forward_pe=-3 is out of range; valid: above 0 and at most 1000"),
    ("date,small_forward_pe,large_forward_pe\n2024-01-31,,20\n",
     "forward_pe_csv row 1: small_forward_pe is empty; give the multiple, e.g. 14.2"),
    ("date,small_forward_pe,large_forward_pe\n2024-01-31,14,20\n2024-01-15,15,20\n",
     "forward_pe_csv row 2 is in the same month (2024-01) as row 1; give one row per month"),
    ("date,small_forward_pe,large_forward_pe\n2024-01-31,14,20,extra\n",
     "forward_pe_csv row 1: 4 fields where the header has 3"),
])
def test_one_line_errors_name_the_row_and_column(text, message):
    with pytest.raises(ParameterError) as err:
        forward_pe_csv.parse(text.encode())
    assert str(err.value).startswith(message) and "\n" not in str(err.value)


def test_user_file_records_provenance_by_file_name(tmp_path, offline):
    from smallcaps.data import DataSession

    p = write(tmp_path, EXPORT, "r2000_spx_forward_pe.csv")
    ds = DataSession()
    loaded = ds.user_file(p, kind="forward_pe")
    prov = loaded.provenance
    assert (prov.dataset, prov.source, prov.origin, prov.location) == ("user/forward_pe_csv", "user", "user",
                                                                        "r2000_spx_forward_pe.csv")
    assert prov.rows == 15 and (prov.first, prov.last) == ("2023-03-31", "2024-05-31")
    assert prov.sha256 == hashlib.sha256(p.read_bytes()).hexdigest() and str(tmp_path) not in prov.to_json()
    with pytest.raises(ParameterError, match="forward_pe_csv='nope.csv' is not a file; give a CSV with columns"):
        ds.user_file(tmp_path / "nope.csv", kind="forward_pe")
    with pytest.raises(ParameterError, match="^kind='prices' is not a user file kind; valid: moves, ousm_holdings, "
                                             "forward_pe, members_earnings, spiva$"):
        ds.user_file(p, kind="prices")


def test_the_chapter_declares_and_checks_the_parameter(tmp_path):
    ok = write(tmp_path, EXPORT)
    assert check_chapter("valuation", {"forward_pe_csv": str(ok)})["forward_pe_csv"] == str(ok)
    assert check_chapter("valuation", {})["forward_pe_csv"] is None
    with pytest.raises(ParameterError) as err:
        check_chapter("valuation", {"forward_pe_csv": str(tmp_path / "gone.csv")})
    assert str(err.value) == ("forward_pe_csv='gone.csv' is not a file; give a CSV with columns date, "
                              "small_forward_pe, large_forward_pe")
    bad = write(tmp_path, "when,small,large\n2024-01-31,14,20\n", "bad.csv")
    with pytest.raises(ParameterError) as err:
        check_chapter("valuation", {"forward_pe_csv": str(bad)})
    assert str(err.value) == ("forward_pe_csv lacks column(s) date, small_forward_pe, large_forward_pe; required: "
                              "date, small_forward_pe, large_forward_pe")


def test_chapter_open_records_the_file_by_name_and_sha(tmp_path):
    from smallcaps.book.chapter import Chapter

    p = write(tmp_path, EXPORT)
    ch = Chapter.open("valuation", "The valuation discount", start="1990-01-01", end="2024-12-31",
                      data_mode="offline", forward_pe_csv=str(p))
    assert ch.parameters["forward_pe_csv"] == "forward_pe.csv"
    assert ch.files["forward_pe_csv"] == ("forward_pe.csv", hashlib.sha256(p.read_bytes()).hexdigest())
    assert "-p forward_pe_csv=forward_pe.csv" in ch.rerun_command()


@pytest.fixture(scope="module")
def inputs_with_file(snapshot_dir, tmp_path_factory):
    from smallcaps.claims import valuation as cv
    from smallcaps.data import DataSession

    d = tmp_path_factory.mktemp("fpe")
    p = write(d, EXPORT)
    ds = DataSession(mode="offline", snapshot=snapshot_dir, store=d / "store")
    return cv.load_inputs(ds, {"forward_pe_csv": str(p)})


def test_the_file_decides_v1_on_the_claim_s_own_measure(inputs_with_file):
    from smallcaps import stats
    from smallcaps.claims.valuation import V1

    assert inputs_with_file.forward_pe is not None
    v1 = V1(inputs_with_file, inputs_with_file.window)
    assert v1.key == "forward_pe" and v1.uses_forward_pe
    m = v1.main
    # April 2024 (the claim's month): 14.6 / 20 - 1 = -27%; its average over the file's 14 months to then
    rel = [s / 20.0 - 1 for s in SMALL[:14]]
    assert m["value"] == pytest.approx(-0.27) and m["average"].value == pytest.approx(sum(rel) / 14)
    assert m["percentile_since"] == pytest.approx(100 / 14)  # the lowest of 14 months
    assert m["average"].se == pytest.approx(stats.mean_ar1(pd.Series(rel)).se)
    res = v1.result
    # the average runs over the file's months: it starts in March 2023, and the label says so (R03)
    assert res.statistic.name == "forward P/E gap to its Mar 2023+ average, Apr 2024"
    assert res.statistic.value == pytest.approx(100 * (-0.27 - sum(rel) / 14))
    assert res.verdict == "supported"  # the interval lies below zero and the month is the lowest of its frame
    # the claim's levels, -27% now and +3% on average, both within 5 pp of the file's
    assert "both of the claim's levels are reproduced" in res.note
    assert v1.all_flags()["v1_forward_pe"] is True and "v1_fpe_levels" in v1.facts()
    # the registered rule never used a file: it stays on price-to-book
    assert res.registered["statistic"]["name"] == "P/B gap to its 1995+ average, Apr 2024"
    fig = v1.figure()
    assert fig["claimed"] and "forward P/E" in fig["ylabel"]
    assert "forward P/E, small and large (your file)" in inputs_with_file.last_months().index
    assert "forward_pe_csv" in inputs_with_file.vintage("forward_pe")
