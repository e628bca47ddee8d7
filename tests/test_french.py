"""Kenneth French data library: parsing every snapshot file, malformed input, unpacking, live path.

Expected numbers were read by eye from the snapshot CSVs (``shared/data/french``); returns are
in percent, as in the files.
"""

from __future__ import annotations

import csv
import functools
import hashlib
import io
import random
import time
import zipfile
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from smallcaps.data import DataSession
from smallcaps.errors import FetchError, NotAvailableOffline, ParseError
from smallcaps.sources import french

from conftest import SNAPSHOT, tree_listing

FACTORS = "F-F_Research_Data_Factors"
PORTFOLIO = ["vw_monthly", "ew_monthly", "vw_annual", "ew_annual", "firms", "avg_size"]
CHARACTERISTICS = ["bm", "bm_june", "op", "inv"]

EXPECTED_TABLES = {
    "F-F_Research_Data_Factors": ["monthly", "annual"],
    "F-F_Research_Data_5_Factors_2x3": ["monthly", "annual"],
    "F-F_Momentum_Factor": ["monthly", "annual"],
    "6_Portfolios_ME_Prior_12_2": PORTFOLIO + ["ew_prior_ret", "vw_prior_ret"],
    "25_Portfolios_5x5": PORTFOLIO + CHARACTERISTICS,
    "25_Portfolios_ME_OP_5x5": PORTFOLIO + CHARACTERISTICS,
    "Portfolios_Formed_on_ME": PORTFOLIO,
    "Portfolios_Formed_on_E-P": PORTFOLIO + ["sum_e_over_sum_me", "vw_e_over_me"],
    "Portfolios_Formed_on_D-P": PORTFOLIO,
}

# (file, table) -> (rows, columns, first period, last period)
SHAPES = {
    ("F-F_Research_Data_Factors", "monthly"): (1193, 4, "1926-07", "2025-11"),
    ("F-F_Research_Data_Factors", "annual"): (98, 4, "1927", "2024"),
    ("F-F_Research_Data_5_Factors_2x3", "monthly"): (749, 6, "1963-07", "2025-11"),
    ("F-F_Research_Data_5_Factors_2x3", "annual"): (61, 6, "1964", "2024"),
    ("F-F_Momentum_Factor", "monthly"): (1187, 1, "1927-01", "2025-11"),
    ("F-F_Momentum_Factor", "annual"): (98, 1, "1927", "2024"),
    ("6_Portfolios_ME_Prior_12_2", "vw_monthly"): (1186, 6, "1927-01", "2025-10"),
    ("6_Portfolios_ME_Prior_12_2", "vw_annual"): (98, 6, "1927", "2024"),
    ("6_Portfolios_ME_Prior_12_2", "vw_prior_ret"): (1186, 6, "1927-01", "2025-10"),
    ("25_Portfolios_5x5", "vw_monthly"): (1193, 25, "1926-07", "2025-11"),
    ("25_Portfolios_5x5", "ew_annual"): (98, 25, "1927", "2024"),
    ("25_Portfolios_5x5", "bm"): (1193, 25, "1926-07", "2025-11"),
    ("25_Portfolios_5x5", "bm_june"): (1193, 25, "1926-07", "2025-11"),
    ("25_Portfolios_5x5", "op"): (749, 25, "1963-07", "2025-11"),
    ("25_Portfolios_5x5", "inv"): (749, 25, "1963-07", "2025-11"),
    ("25_Portfolios_ME_OP_5x5", "vw_monthly"): (738, 25, "1963-07", "2024-12"),
    ("25_Portfolios_ME_OP_5x5", "vw_annual"): (61, 25, "1964", "2024"),
    ("25_Portfolios_ME_OP_5x5", "inv"): (738, 25, "1963-07", "2024-12"),
    ("Portfolios_Formed_on_ME", "vw_monthly"): (1182, 19, "1926-07", "2024-12"),
    ("Portfolios_Formed_on_ME", "ew_annual"): (98, 19, "1927", "2024"),
    ("Portfolios_Formed_on_E-P", "vw_monthly"): (860, 19, "1951-07", "2023-02"),
    ("Portfolios_Formed_on_E-P", "vw_annual"): (71, 19, "1952", "2022"),
    ("Portfolios_Formed_on_E-P", "sum_e_over_sum_me"): (72, 19, "1951", "2022"),
    ("Portfolios_Formed_on_D-P", "vw_monthly"): (1148, 19, "1927-07", "2023-02"),
    ("Portfolios_Formed_on_D-P", "firms"): (1148, 19, "1927-07", "2023-02"),
}

# (file, table, period, column, value as printed in the file)
VALUES = [
    ("F-F_Research_Data_Factors", "monthly", "1926-07", "Mkt-RF", 2.89),
    ("F-F_Research_Data_Factors", "monthly", "1926-07", "SMB", -2.55),
    ("F-F_Research_Data_Factors", "monthly", "1926-07", "RF", 0.22),
    ("F-F_Research_Data_Factors", "monthly", "2025-11", "HML", 3.76),
    ("F-F_Research_Data_Factors", "annual", "1927", "Mkt-RF", 29.44),
    ("F-F_Research_Data_Factors", "annual", "2024", "SMB", -11.34),
    ("F-F_Research_Data_5_Factors_2x3", "monthly", "1963-07", "RMW", 0.64),
    ("F-F_Research_Data_5_Factors_2x3", "monthly", "1963-07", "CMA", -1.15),
    ("F-F_Research_Data_5_Factors_2x3", "monthly", "2025-11", "SMB", 1.47),
    ("F-F_Research_Data_5_Factors_2x3", "annual", "1964", "Mkt-RF", 12.59),
    ("F-F_Momentum_Factor", "monthly", "1927-01", "Mom", 0.57),
    ("F-F_Momentum_Factor", "monthly", "2025-11", "Mom", -1.80),
    ("F-F_Momentum_Factor", "annual", "1927", "Mom", 24.45),
    ("F-F_Momentum_Factor", "annual", "2024", "Mom", 17.95),
    ("6_Portfolios_ME_Prior_12_2", "vw_monthly", "1927-01", "SMALL LoPRIOR", -0.01),
    ("6_Portfolios_ME_Prior_12_2", "vw_monthly", "2025-10", "BIG HiPRIOR", 3.60),
    ("6_Portfolios_ME_Prior_12_2", "firms", "1927-01", "SMALL LoPRIOR", 111),
    ("6_Portfolios_ME_Prior_12_2", "avg_size", "1927-01", "BIG HiPRIOR", 134.10),
    ("6_Portfolios_ME_Prior_12_2", "ew_prior_ret", "1927-01", "SMALL LoPRIOR", -40.62),
    ("6_Portfolios_ME_Prior_12_2", "vw_prior_ret", "1927-01", "SMALL LoPRIOR", -35.46),
    ("25_Portfolios_5x5", "vw_monthly", "1926-07", "SMALL LoBM", 5.8276),
    ("25_Portfolios_5x5", "ew_monthly", "1926-07", "SMALL LoBM", 6.6093),
    ("25_Portfolios_5x5", "vw_annual", "1927", "SMALL LoBM", 52.2736),
    ("25_Portfolios_5x5", "ew_annual", "1927", "SMALL LoBM", 15.3979),
    ("25_Portfolios_5x5", "avg_size", "1926-07", "SMALL LoBM", 2.71),
    ("25_Portfolios_5x5", "bm", "1926-07", "SMALL LoBM", 0.3023),
    ("25_Portfolios_5x5", "bm", "2025-11", "SMALL LoBM", 0.1069),
    ("25_Portfolios_5x5", "bm_june", "1926-07", "SMALL LoBM", 0.3671),
    ("25_Portfolios_5x5", "op", "1963-07", "SMALL LoBM", -0.8240),
    ("25_Portfolios_5x5", "inv", "2025-11", "SMALL LoBM", 0.1511),
    ("25_Portfolios_ME_OP_5x5", "vw_monthly", "1963-07", "SMALL LoOP", -0.5880),
    ("25_Portfolios_ME_OP_5x5", "vw_monthly", "2024-12", "SMALL LoOP", -4.7513),
    ("Portfolios_Formed_on_ME", "vw_monthly", "1926-07", "Lo 30", 0.14),
    ("Portfolios_Formed_on_ME", "ew_monthly", "1926-07", "Lo 30", -0.43),
    ("Portfolios_Formed_on_ME", "firms", "1926-07", "<= 0", 0),
    ("Portfolios_Formed_on_ME", "firms", "1926-07", "Lo 30", 153),
    ("Portfolios_Formed_on_ME", "avg_size", "2024-12", "Hi 20", 142672.31),
    ("Portfolios_Formed_on_E-P", "vw_monthly", "1951-07", "<= 0", 3.01),
    ("Portfolios_Formed_on_E-P", "vw_monthly", "2023-02", "Lo 10", 3.15),
    ("Portfolios_Formed_on_E-P", "firms", "1951-07", "<= 0", 2),
    ("Portfolios_Formed_on_E-P", "avg_size", "1951-07", "<= 0", 5.63),
    ("Portfolios_Formed_on_E-P", "vw_annual", "1952", "<= 0", 6.27),
    ("Portfolios_Formed_on_E-P", "sum_e_over_sum_me", "1951", "<= 0", -0.588),
    ("Portfolios_Formed_on_E-P", "vw_e_over_me", "1951", "<= 0", -0.494),
    ("Portfolios_Formed_on_D-P", "vw_monthly", "1927-07", "<= 0", 5.19),
    ("Portfolios_Formed_on_D-P", "firms", "1927-07", "<= 0", 169),
    ("Portfolios_Formed_on_D-P", "avg_size", "2023-02", "<= 0", 4636.07),
]

# vintage with the manifest's note (what the loader passes) and without it
VINTAGES = {
    "F-F_Research_Data_Factors": ("CRSP 202511", "CRSP 202511"),
    "F-F_Research_Data_5_Factors_2x3": ("CRSP 202511", "CRSP 202511"),
    "F-F_Momentum_Factor": ("CRSP 202511", "CRSP 202511"),
    "6_Portfolios_ME_Prior_12_2": ("CRSP 202510", "CRSP 202510"),
    "25_Portfolios_5x5": ("CRSP 202511", "CRSP 202511"),
    "25_Portfolios_ME_OP_5x5": ("CRSP 202412", "data through 2024-12"),
    "Portfolios_Formed_on_ME": ("CRSP 202412", "data through 2024-12"),
    "Portfolios_Formed_on_E-P": ("CRSP 202302", "CRSP 202302"),
    "Portfolios_Formed_on_D-P": ("CRSP 202302", "CRSP 202302"),
}


@functools.cache
def raw_file(name: str) -> bytes:
    return (SNAPSHOT / "french" / f"{name}.csv").read_bytes()


@functools.cache
def _parsed(name: str) -> dict[str, pd.DataFrame]:
    return french.parse(raw_file(name), name=name)


def parsed(name: str) -> dict[str, pd.DataFrame]:
    """Parsed once per test session; a shallow copy so a test cannot disturb another."""
    return dict(_parsed(name))


def manifest_note(rel: str) -> str:
    with open(SNAPSHOT / "MANIFEST.tsv", newline="") as fh:
        for row in csv.DictReader(fh, delimiter="\t"):
            if row["path"] == rel:
                return row["note"]
    raise AssertionError(f"{rel} is not in the manifest")


def make_zip(members: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for member, data in members.items():
            zf.writestr(member, data)
    return buf.getvalue()


# ---------------------------------------------------------------------------------------------
# the nine snapshot files


def test_snapshot_holds_the_nine_files(snapshot_dir):
    assert sorted(p.stem for p in (snapshot_dir / "french").glob("*.csv")) == sorted(EXPECTED_TABLES)


@pytest.mark.parametrize("name", sorted(EXPECTED_TABLES))
def test_every_file_parses_into_its_tables(name):
    tables = parsed(name)
    assert list(tables) == EXPECTED_TABLES[name]
    first = next(iter(tables.values()))
    for tname, frame in tables.items():
        assert isinstance(frame.index, pd.PeriodIndex), tname
        if frame.index.freqstr == "M":
            assert frame.index.name == "month", tname
        else:
            assert frame.index.freqstr.startswith("Y") and frame.index.name == "year", tname
        assert frame.index.is_unique and frame.index.is_monotonic_increasing, tname
        assert (frame.dtypes == np.float64).all(), tname
        assert list(frame.columns) == list(first.columns), tname  # every table has the same groups
        assert all(c == c.strip() and c for c in frame.columns), tname
        assert french.units(tname) != "unknown", tname


@pytest.mark.parametrize(("name", "table"), sorted(SHAPES))
def test_shapes_and_periods(name, table):
    rows, cols, first, last = SHAPES[(name, table)]
    frame = parsed(name)[table]
    assert frame.shape == (rows, cols)
    assert str(frame.index[0]) == first
    assert str(frame.index[-1]) == last
    freq = "M" if len(first) == 7 else "Y"
    assert frame.index[0] == pd.Period(first, freq=freq)


@pytest.mark.parametrize(("name", "table", "period", "column", "value"), VALUES)
def test_values_read_by_eye(name, table, period, column, value):
    frame = parsed(name)[table]
    assert frame.loc[period, column] == pytest.approx(value, abs=1e-12)


def test_factor_columns():
    assert list(parsed("F-F_Research_Data_Factors")["monthly"].columns) == ["Mkt-RF", "SMB", "HML", "RF"]
    assert list(parsed("F-F_Research_Data_5_Factors_2x3")["annual"].columns) == [
        "Mkt-RF", "SMB", "HML", "RMW", "CMA", "RF"]
    assert list(parsed("F-F_Momentum_Factor")["monthly"].columns) == ["Mom"]


def test_returns_stay_in_percent():
    mkt = parsed(FACTORS)["monthly"]["Mkt-RF"]
    # monthly excess returns in percent: a typical month is a few percent, not a few hundredths
    assert 3.0 < mkt.std() < 7.0
    assert mkt.loc["1929-10"] == pytest.approx(-20.07)  # the October 1929 crash: -20.07 %, not -0.2007


def test_25_portfolios_first_rows():
    t = parsed("25_Portfolios_5x5")
    firms = t["firms"].loc["1926-07"]
    assert firms.tolist() == [7, 6, 11, 18, 38, 15, 10, 16, 18, 24, 14, 23, 13, 23, 14, 19, 21, 25, 15, 7,
                              31, 26, 20, 12, 3]
    assert (t["firms"] == t["firms"].round()).all().all()  # counts: whole numbers, stored as float64
    assert t["bm"].iloc[0, :5].tolist() == [0.3023, 0.7537, 1.0817, 1.5393, 4.9760]
    assert t["bm"].columns[0] == "SMALL LoBM" and t["bm"].columns[-1] == "BIG HiBM"


def test_missing_values_become_nan():
    me = parsed("Portfolios_Formed_on_ME")
    # -99.99 in every row of the "<= 0" column of the size file (no firm has ME <= 0)
    for table in ("vw_monthly", "ew_monthly", "vw_annual", "ew_annual", "avg_size"):
        assert me[table]["<= 0"].isna().all(), table
        assert me[table].drop(columns="<= 0").notna().all().all(), table
    assert (me["firms"]["<= 0"] == 0).all()
    for name in EXPECTED_TABLES:  # no sentinel survives anywhere
        for tname, frame in parsed(name).items():
            assert not frame.isin([-99.99, -999.0]).any().any(), (name, tname)


def test_ep_negative_earnings_column():
    ep = parsed("Portfolios_Formed_on_E-P")
    neg = ep["sum_e_over_sum_me"]["<= 0"]
    assert neg.notna().all() and (neg < 0).all()  # firms with E <= 0: a negative E/ME every year
    assert ep["firms"]["<= 0"].min() >= 0


@pytest.mark.parametrize(("name", "ew_title", "column", "first_vw"), [
    ("25_Portfolios_ME_OP_5x5", "Average Equal Weighted Returns -- Monthly", "SMALL LoOP", -0.5880),
    ("Portfolios_Formed_on_ME", "Equal Weight Returns -- Monthly", "Lo 30", 0.14),
])
def test_preface_less_files_infer_vw_monthly(name, ew_title, column, first_vw):
    info = french.describe(raw_file(name), name)
    assert info["inferred"] == ["vw_monthly"]
    assert info["preface"] == ""
    assert (info["tables"]["vw_monthly"]["title"], info["tables"]["vw_monthly"]["inferred"]) == ("", True)
    assert (info["tables"]["ew_monthly"]["title"], info["tables"]["ew_monthly"]["inferred"]) == (ew_title, False)
    assert info["tables"]["vw_monthly"]["line"] == 1  # the file starts with the header row
    vw, ew = parsed(name)["vw_monthly"], parsed(name)["ew_monthly"]
    assert vw.index.equals(ew.index) and not vw.equals(ew)
    assert vw[column].iloc[0] == pytest.approx(first_vw)


def test_describe_titles_preface_and_units():
    info = french.describe(raw_file("25_Portfolios_5x5"), "25_Portfolios_5x5")
    assert info["preface"].startswith("This file was created using the 202511 CRSP database.")
    assert info["notes"] == ["Copyright 2025 Eugene F. Fama and Kenneth R. French"]
    assert info["inferred"] == []
    t = info["tables"]
    assert t["vw_monthly"]["title"] == "Average Value Weighted Returns -- Monthly"
    assert t["bm"]["title"].splitlines()[0] == "For portfolios formed in June of year t"
    assert "ME(Dec t-1)" in t["bm"]["title"] and "ME(Jun t)" in t["bm_june"]["title"]
    assert t["avg_size"]["units"] == "$ millions" and t["avg_size"]["title"] == "Average Market Cap"
    assert t["firms"]["units"] == "count"
    assert t["bm"]["units"] == "ratio" and t["vw_monthly"]["units"] == "percent"
    assert (t["vw_annual"]["frequency"], t["vw_annual"]["first"], t["vw_annual"]["last"]) == ("annual", "1927", "2024")
    assert t["vw_monthly"]["line"] == 16 and t["vw_monthly"]["rows"] == 1193

    mom = french.describe(raw_file("F-F_Momentum_Factor"), "F-F_Momentum_Factor")
    assert mom["tables"]["annual"]["title"] == "Annual Factors:\nJanuary-December"  # two-line title
    assert mom["inferred"] == ["monthly"]  # factor files never title their monthly table
    six = french.describe(raw_file("6_Portfolios_ME_Prior_12_2"), "6_Portfolios_ME_Prior_12_2")
    assert six["tables"]["avg_size"]["title"] == "Average Firm Size"
    assert six["tables"]["vw_prior_ret"]["units"] == "percent"


@pytest.mark.parametrize("name", sorted(VINTAGES))
def test_vintage(name):
    with_note, without = VINTAGES[name]
    raw, tables = raw_file(name), parsed(name)
    assert french.vintage(raw, tables, manifest_note(f"french/{name}.csv")) == with_note
    assert french.vintage(raw, tables, "") == without


def test_vintage_prefers_the_preface_over_the_note():
    assert french.vintage(raw_file(FACTORS), parsed(FACTORS), "CRSP 199901 vintage") == "CRSP 202511"


def test_offline_session_on_a_preface_less_file(offline):
    ds = DataSession(mode="offline")
    loaded = ds.french("Portfolios_Formed_on_ME")
    prov = loaded.provenance
    assert prov.origin == "snapshot" and prov.location == "french/Portfolios_Formed_on_ME.csv"
    assert prov.vintage == "CRSP 202412"  # from the manifest note: the preface is gone
    assert (prov.rows, prov.first, prov.last) == (1182, "1926-07", "2024-12")  # main table: vw_monthly
    assert sorted(loaded.tables) == sorted(EXPECTED_TABLES["Portfolios_Formed_on_ME"])
    for tname, frame in parsed("Portfolios_Formed_on_ME").items():
        pd.testing.assert_frame_equal(loaded[tname], frame)


# ---------------------------------------------------------------------------------------------
# crafted files

PREFACE = b"This file was created using the 202511 CRSP database.\nThe 1-month TBill rate is from somewhere.\n\n"
MONTHLY = b",Mkt-RF,SMB\n192607,   2.89,  -2.55\n192608,   2.64,  -1.14\n"
ANNUAL = b",Mkt-RF,SMB\n  1927,  29.44,  -2.20\n  1928,  35.39,   4.41\n"
COPYRIGHT = b"Copyright 2025 Eugene F. Fama and Kenneth R. French\n"
FACTOR_FILE = PREFACE + MONTHLY + b"\n Annual Factors: January-December \n" + ANNUAL + b"\n" + COPYRIGHT


def perr(raw: bytes, name: str = "TEST_FILE") -> str:
    """Parse and expect a ParseError naming the file; return its message."""
    with pytest.raises(ParseError) as exc:
        french.parse(raw, name=name)
    msg = str(exc.value)
    assert name in msg and "\n" not in msg
    return msg


def check_factor_tables(tables):
    assert list(tables) == ["monthly", "annual"]
    m, a = tables["monthly"], tables["annual"]
    assert m.index.tolist() == [pd.Period("1926-07", "M"), pd.Period("1926-08", "M")]
    assert m.index.name == "month" and a.index.name == "year"
    assert a.index.tolist() == [pd.Period("1927", "Y"), pd.Period("1928", "Y")]
    assert m.loc["1926-07", "Mkt-RF"] == 2.89 and m.loc["1926-08", "SMB"] == -1.14
    assert a.loc["1928", "SMB"] == 4.41
    assert list(m.columns) == ["Mkt-RF", "SMB"]


def test_crafted_factor_file():
    check_factor_tables(french.parse(FACTOR_FILE, name="x"))


def test_crlf_endings_parse_the_same():
    crlf = FACTOR_FILE.replace(b"\n", b"\r\n")
    check_factor_tables(french.parse(crlf))
    info = french.describe(crlf)
    assert "\r" not in info["preface"] and info["tables"]["annual"]["title"] == "Annual Factors: January-December"


def test_two_line_annual_title():
    raw = PREFACE + MONTHLY + b"\nAnnual Factors:\r\nJanuary-December \r\n" + ANNUAL + b"\n" + COPYRIGHT
    check_factor_tables(french.parse(raw))


def test_no_preface_factor_file():
    tables = french.parse(MONTHLY + b"\n Annual Factors: January-December \n" + ANNUAL)
    check_factor_tables(tables)
    assert french.describe(MONTHLY)["inferred"] == ["monthly"]


def test_preface_running_into_the_header_is_not_a_title():
    tables = french.parse(b"This file was created using the 202511 CRSP database.\n" + MONTHLY)
    assert list(tables) == ["monthly"]
    assert french.vintage(b"This file was created using the 202511 CRSP database.\n" + MONTHLY, tables, "") == \
        "CRSP 202511"


def test_no_preface_portfolio_file():
    raw = (b",Lo 30,Hi 30\n192607,  1.00,  2.00\n192608,  3.00,  4.00\n\n\n"
           b"  Average Equal Weighted Returns -- Monthly\n,Lo 30,Hi 30\n192607,  5.00,  6.00\n192608,  7.00,  8.00\n")
    tables = french.parse(raw)
    assert list(tables) == ["vw_monthly", "ew_monthly"]
    assert tables["vw_monthly"].loc["1926-08", "Hi 30"] == 4.0
    assert french.describe(raw)["inferred"] == ["vw_monthly"]
    assert french.vintage(raw, tables, "") == "data through 1926-08"


def test_untitled_table_that_cannot_be_inferred_keeps_an_honest_name():
    raw = b",A\n192607, 1.0\n\n  Number of Firms in Portfolios\n,A\n192607, 3\n"
    tables = french.parse(raw)
    assert list(tables) == ["untitled_1", "firms"]
    assert french.describe(raw)["inferred"] == ["untitled_1"]


@pytest.mark.parametrize(("title", "expected"), [
    ("  Average Value Weighted Returns -- Monthly", "vw_monthly"),
    ("  Value Weight Returns -- Monthly", "vw_monthly"),
    ("  average   EQUAL weighted returns -- monthly", "ew_monthly"),
    ("  Equal Weight Returns -- Monthly", "ew_monthly"),
    ("  Average Value Weighted Returns -- Annual", "vw_annual"),
    ("  Value Weight Returns -- Annual from January to December", "vw_annual"),
    ("  Equal Weight Returns -- Annual from January to December", "ew_annual"),
    ("  Number of Firms in Portfolios", "firms"),
    ("  Average Market Cap", "avg_size"),
    ("  Average Firm Size", "avg_size"),
    ("  Equally-Weighted Average of Prior Returns", "ew_prior_ret"),
    ("  Value-Weighted Average of Prior Returns", "vw_prior_ret"),
    ("  Sum of E      / Sum of ME", "sum_e_over_sum_me"),
    ("  Value Weight Average of E      / ME", "vw_e_over_me"),
    ("  Sum of D / Sum of ME", "sum_d_over_sum_me"),
    ("Annual Factors: January-December", "annual"),
    ("  For portfolios formed in June of year t\n  Value Weight Average of BE/ME Calculated as:\n"
     "  Sum[ME(Mth) * BE(Fiscal Year t-1) / ME(Dec t-1)] / Sum[ME(Mth)]", "bm"),
    ("  For portfolios formed in June of year t\n  Value Weight Average of BE_FYt-1/ME_June t Calculated as:\n"
     "  Sum[ME(Mth) * BE(Fiscal Year t-1) / ME(Jun t)] / Sum[ME(Mth)]", "bm_june"),
    ("  For portfolios formed in June of year t\n  Value Weight Average of OP Calculated as:", "op"),
    ("  Value Weight Average of investment (rate of growth of assets) Calculated as:", "inv"),
    ("  Something New -- Monthly (2026)", "something_new_monthly_2026"),
])
def test_title_names(title, expected):
    raw = PREFACE + title.encode() + b"\n,A,B\n192607, 1.0, 2.0\n"
    assert list(french.parse(raw)) == [expected]
    assert french.describe(raw)["tables"][expected]["title"] == "\n".join(s.strip() for s in title.splitlines())


def test_missing_value_sentinels():
    raw = PREFACE + b",A,B,C\n192607,  -99.99,  -999,  1.5\n192608,  -999.00,  -99.990,  -99.98\n"
    frame = french.parse(raw)["monthly"]
    assert frame["A"].isna().all() and frame["B"].isna().all()
    assert frame["C"].tolist() == [1.5, -99.98]  # only the exact sentinels are missing


def test_trailing_comma_is_tolerated():
    frame = french.parse(b",A,B,\n192607, 1.0, 2.0,\n")["monthly"]
    assert list(frame.columns) == ["A", "B"] and frame.iloc[0].tolist() == [1.0, 2.0]


@pytest.mark.parametrize("raw", [b"", b"   \r\n\r\n  \n"])
def test_empty_file(raw):
    assert "empty" in perr(raw)


def test_ragged_last_row():
    msg = perr(PREFACE + b",A,B,C\n192607,  1.0,  2.0,  3.0\n192608,  1.0,  2.")
    assert "192608" in msg


def test_file_cut_at_a_row_boundary_without_a_line_end():
    # 4 values as the header says, but no line break: the last number may be cut short
    assert "truncated" in perr(PREFACE + b",A,B\n192607,  1.0,  2.0\n192608,  1.0,  2.1")


def test_ragged_row_inside_a_table():
    msg = perr(PREFACE + b",A,B,C\n192607,  1.0,  2.0\n192608,  1.0,  2.0,  3.0\n")
    assert "192607 has 2 values" in msg and "3 columns" in msg


def test_header_with_more_columns_than_the_rows():
    assert "3 columns" in perr(b",A,B,C\n192607,  1.0,  2.0\n192608,  1.0,  2.0\n")


def test_header_without_rows():
    assert "no rows" in perr(PREFACE + b",A,B\n\n" + COPYRIGHT)


@pytest.mark.parametrize("raw", [
    b"Date,A,B\n192607,  1.0,  2.0\n",  # header without the leading comma
    b"  Average Value Weighted Returns -- Monthly\n192607,  1.0,  2.0\n",  # no header at all
    MONTHLY + b"\n192609,  1.0,  2.0\n",  # rows after a blank line: a table with no header
])
def test_data_without_a_header(raw):
    assert "no header" in perr(raw)


@pytest.mark.parametrize("cell", [b"abc", b"nan", b"inf", b"1_000", b"", b"1.2.3", b"--1"])
def test_non_numeric_cell(cell):
    msg = perr(PREFACE + b",A,B\n192607,  " + cell + b",  1.0\n192608,  1.0,  2.0\n")
    assert "non-numeric" in msg and "'A'" in msg and "192607" in msg


@pytest.mark.parametrize("key", [b"19260", b"1926071", b"926", b"1926-07"])
def test_bad_row_keys(key):
    assert "neither YYYY nor YYYYMM" in perr(PREFACE + b",A\n192607, 1.0\n" + key + b", 2.0\n")


def test_invalid_month():
    assert "not a valid YYYYMM" in perr(b",A\n192612, 1.0\n192613, 2.0\n")


def test_mixed_keys():
    assert "mixes" in perr(b",A\n192612, 1.0\n  1927, 2.0\n")


def test_duplicate_periods():
    msg = perr(PREFACE + b",A\n192607, 1.0\n192608, 2.0\n192607, 3.0\n")
    assert "192607 appears twice" in msg


def test_duplicate_table_names():
    block = b"  Average Value Weighted Returns -- Monthly\n,A\n192607, 1.0\n\n"
    assert "'vw_monthly'" in perr(PREFACE + block + block)


def test_duplicate_column_names():
    assert "repeats" in perr(b",A,A\n192607, 1.0, 2.0\n")


def test_text_inside_a_table():
    assert "neither YYYY nor YYYYMM" in perr(PREFACE + b",A\n192607, 1.0\nsome note\n192608, 2.0\n")


def test_zip_bytes_passed_to_parse():
    payload = make_zip({f"{FACTORS}.CSV": raw_file(FACTORS)})
    assert "zip" in perr(payload, FACTORS)


@pytest.mark.parametrize("raw", [
    random.Random(1).randbytes(4000),
    b"\x00\x01\x02\x03" * 100,
    b"\x1f\x8b\x08\x00" + random.Random(2).randbytes(500),  # gzip
    "Année,A\n".encode("latin-1") + b"192607, 1.0\n",  # not UTF-8
])
def test_garbage_bytes(raw):
    assert "not a text CSV" in perr(raw)


@pytest.mark.parametrize("raw", [
    b"<!DOCTYPE html><html><body>Not Found</body></html>\n",
    b"just some text\nwith two lines\n",
    b"date,value\n2020-01-01,1.0\n",
])
def test_text_without_a_table(raw):
    assert "no table found" in perr(raw)


# ---------------------------------------------------------------------------------------------
# unpack


@pytest.mark.parametrize("member", [f"{FACTORS}.CSV", f"{FACTORS}.csv", "F-F_Research_Data_Factors_2025.csv"])
def test_unpack_real_zip(member):
    raw = raw_file(FACTORS)
    payload = make_zip({member: raw, "__MACOSX/._x.csv": b"junk", "readme.txt": b"hello"})
    assert french.unpack(payload, FACTORS) == raw


def test_unpack_picks_the_dataset_member_among_several():
    raw = raw_file(FACTORS)
    payload = make_zip({"other.csv": b",A\n192607, 1\n", f"{FACTORS}.CSV": raw})
    assert french.unpack(payload, FACTORS) == raw


@pytest.mark.parametrize("payload", [
    make_zip({f"{FACTORS}.CSV": random.Random(3).randbytes(10_000)})[:5_000],  # truncated
    b"",
    b"not a zip at all",
])
def test_unpack_rejects_broken_zips(payload):
    with pytest.raises(ParseError, match=f"french/{FACTORS}: not a readable zip"):
        french.unpack(payload, FACTORS)


def test_unpack_truncated_real_zip():
    payload = make_zip({f"{FACTORS}.CSV": raw_file(FACTORS)})
    with pytest.raises(ParseError, match=FACTORS):
        french.unpack(payload[: len(payload) // 2], FACTORS)


def test_unpack_corrupt_member():
    payload = bytearray(make_zip({f"{FACTORS}.CSV": raw_file(FACTORS)}))
    payload[200] ^= 0xFF  # inside the compressed data: a CRC or inflate error on reading
    with pytest.raises(ParseError, match=FACTORS):
        french.unpack(bytes(payload), FACTORS)


@pytest.mark.parametrize("members", [{"readme.txt": b"hello"}, {}])
def test_unpack_zip_without_csv(members):
    with pytest.raises(ParseError, match="no single CSV"):
        french.unpack(make_zip(members), FACTORS)


# ---------------------------------------------------------------------------------------------
# live path, against the local HTTP server

ROUTE = f"/ftp/{FACTORS}_CSV.zip"


@pytest.fixture
def live(local_server, online_env, monkeypatch):
    """The local server as the library, with fast retries (``online_env`` gives an empty store)."""
    monkeypatch.setenv("SMALLCAPS_FRENCH_BASE_URL", local_server.url + "/ftp")
    # the loader calls fetch(name, deadline=...) with the default 1 s backoff: shorten it
    monkeypatch.setattr(french, "fetch", functools.partial(french.fetch, backoff=0.01))
    return local_server


def zip_payload() -> bytes:
    return make_zip({f"{FACTORS}.CSV": raw_file(FACTORS)})


def fill_store(server, store: Path) -> dict[str, bytes]:
    """Fetch the factors once so the store holds an entry, and return the store's listing."""
    server.add(ROUTE, body=zip_payload())
    DataSession(mode="auto", snapshot="none").french(FACTORS)
    listing = tree_listing(store)
    assert any(k.endswith("provenance.json") for k in listing)
    return listing


@pytest.mark.network_local
def test_live_fetch(live, store_dir):
    payload = zip_payload()
    route = live.add(ROUTE, body=payload)
    loaded = DataSession(mode="auto", snapshot="none").french(FACTORS)
    expected = french.parse(raw_file(FACTORS), FACTORS)
    assert sorted(loaded.tables) == sorted(expected)
    for tname, frame in expected.items():
        pd.testing.assert_frame_equal(loaded[tname], frame)
    address = f"{live.url}/ftp/{FACTORS}_CSV.zip"
    prov = loaded.provenance
    assert (prov.origin, prov.location, prov.source) == ("live", address, "french")
    assert prov.extra["url"] == address
    assert prov.extra["zip_sha256"] == hashlib.sha256(payload).hexdigest()
    assert prov.sha256 == hashlib.sha256(raw_file(FACTORS)).hexdigest()
    assert (prov.vintage, prov.rows, prov.first, prov.last) == ("CRSP 202511", 1193, "1926-07", "2025-11")
    assert loaded.main == "monthly" and loaded.frame.loc["1926-07", "Mkt-RF"] == 2.89
    # the raw CSV is kept beside the tables, and a new session is served from the store
    raws = list(store_dir.rglob(f"raw/{FACTORS}.csv"))
    assert len(raws) == 1 and raws[0].read_bytes() == raw_file(FACTORS)
    again = DataSession(mode="auto", snapshot="none").french(FACTORS)
    assert route.hits == 1 and again.provenance.sha256 == prov.sha256


def refresh_fails(exc_type, deadline: float = 60.0) -> str:
    ds = DataSession(mode="refresh", snapshot="none", deadline=deadline)
    with pytest.raises(exc_type) as exc:
        ds.french(FACTORS)
    assert ds.used() == []
    return str(exc.value)


@pytest.mark.network_local
def test_live_http_500_leaves_the_store_unchanged(live, store_dir):
    before = fill_store(live, store_dir)
    route = live.add(ROUTE, status=500)
    msg = refresh_fails(FetchError)
    assert f"french/{FACTORS}" in msg and "HTTP 500" in msg
    assert route.hits == 3  # the first try and two retries
    assert tree_listing(store_dir) == before


@pytest.mark.network_local
def test_live_http_500_on_an_empty_store_writes_nothing(live, store_dir):
    live.add(ROUTE, status=500)
    msg = refresh_fails(FetchError)
    assert "HTTP 500" in msg
    assert tree_listing(store_dir) == {}


@pytest.mark.network_local
def test_live_hang_past_the_deadline(live, store_dir):
    before = fill_store(live, store_dir)
    live.add(ROUTE, body=zip_payload(), hang=3)
    t0 = time.monotonic()
    msg = refresh_fails(FetchError, deadline=1)
    assert time.monotonic() - t0 < 2.5
    assert "deadline" in msg and FACTORS in msg
    assert tree_listing(store_dir) == before


@pytest.mark.network_local
def test_live_truncated_zip(live, store_dir):
    before = fill_store(live, store_dir)
    payload = zip_payload()
    live.add(ROUTE, body=payload[: len(payload) // 2])
    msg = refresh_fails(ParseError)
    assert f"french/{FACTORS}" in msg and "zip" in msg
    assert tree_listing(store_dir) == before


@pytest.mark.network_local
def test_live_short_body(live, store_dir):
    before = fill_store(live, store_dir)
    payload = zip_payload()
    live.add(ROUTE, body=payload, content_length=len(payload) + 1000)
    msg = refresh_fails(FetchError)
    assert FACTORS in msg and ("mid-download" in msg or "truncated" in msg)
    assert tree_listing(store_dir) == before


@pytest.mark.network_local
def test_live_zip_with_a_broken_csv(live, store_dir):
    before = fill_store(live, store_dir)
    live.add(ROUTE, body=make_zip({f"{FACTORS}.CSV": raw_file(FACTORS)[:30_000]}))  # cut mid-file
    msg = refresh_fails(ParseError)
    assert FACTORS in msg and "truncated" in msg
    assert tree_listing(store_dir) == before


def test_fetch_is_refused_offline(offline):
    with pytest.raises(NotAvailableOffline, match="french/No_Such_Dataset: .*offline mode forbids the network"):
        DataSession(mode="offline", snapshot="none").french("No_Such_Dataset")


def test_url(monkeypatch):
    monkeypatch.delenv("SMALLCAPS_FRENCH_BASE_URL", raising=False)
    assert french.url(FACTORS) == f"{french.DEFAULT_BASE_URL}/{FACTORS}_CSV.zip"
    monkeypatch.setenv("SMALLCAPS_FRENCH_BASE_URL", "http://mirror.example/ftp/")
    assert french.url(FACTORS) == f"http://mirror.example/ftp/{FACTORS}_CSV.zip"
    assert french.spec(FACTORS).location == f"http://mirror.example/ftp/{FACTORS}_CSV.zip"
