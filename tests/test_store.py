"""The local store: atomic puts, versions, stale temporary folders, invalid ids, cheap schemas."""

from __future__ import annotations

import hashlib
import json
import os
import time

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from smallcaps.errors import DataError, IntegrityError
from smallcaps.provenance import Provenance
from smallcaps.store import Store, StoredEntry, entry_key

from conftest import tree_listing

SHA = "ab" * 32  # a 64-hex sha256
SHA2 = "cd" * 32


def prov(dataset: str = "french/TEST", *, retrieved_at: str = "2026-07-14T00:00:00+00:00", origin: str = "snapshot",
         sha: str = SHA, **kw) -> Provenance:
    return Provenance(dataset=dataset, source=dataset.split("/")[0], origin=origin, location=f"{dataset}.csv",
                      sha256=sha, retrieved_at=retrieved_at, rows=3, first="2020-01", last="2020-03",
                      vintage="CRSP 202511", snapshot_id="e54925ec23af", extra={"tables": {"monthly": {"rows": 3}}},
                      **kw)


def monthly() -> pd.DataFrame:
    idx = pd.period_range("2020-01", periods=3, freq="M", name="month")
    return pd.DataFrame({"SMB": [1.25, -0.5, 0.0], "HML": [np.nan, 2.0, -3.75]}, index=idx)


def daily() -> pd.DataFrame:
    idx = pd.DatetimeIndex(["2020-01-02", "2020-01-03", "2020-01-06"], name="date")
    return pd.DataFrame({"close": [100.0, 101.5, 99.25]}, index=idx)


# -- keys ----------------------------------------------------------------------------------------


def test_entry_key_uses_origin_16_hex_and_parser_version():
    assert entry_key("snapshot", SHA, 3) == "snapshot-abababababababab-p3"
    assert entry_key("live", "0123456789abcdef" + "f" * 48, 1) == "live-0123456789abcdef-p1"
    # a parser upgrade or another origin is another entry
    assert entry_key("snapshot", SHA, 1) != entry_key("snapshot", SHA, 2)
    assert entry_key("snapshot", SHA, 1) != entry_key("live", SHA, 1)


# -- round trip ----------------------------------------------------------------------------------


def test_put_get_round_trip_keeps_period_and_datetime_indexes(tmp_path):
    store = Store(tmp_path / "store")
    key = entry_key("snapshot", SHA, 1)
    p = prov()
    entry = store.put(key, {"monthly": monthly(), "daily": daily()}, p, raw={"sub/dir/file.csv": b"a,b\n1,2\n"},
                      extra={"snapshot_stat": [10, 20]})
    assert isinstance(entry, StoredEntry)
    assert entry.path == tmp_path / "store" / "french" / "TEST" / key
    assert entry.provenance == p
    assert entry.tables == ["daily", "monthly"]
    got = store.get("french/TEST", key)
    assert got is not None and got.provenance == p
    m = got.read("monthly")
    pd.testing.assert_frame_equal(m, monthly())
    assert isinstance(m.index, pd.PeriodIndex) and m.index.freqstr == "M" and m.index.name == "month"
    d = got.read("daily")
    pd.testing.assert_frame_equal(d, daily())
    assert isinstance(d.index, pd.DatetimeIndex) and d.index.name == "date"
    assert got.read("daily", columns=["close"])["close"].tolist() == [100.0, 101.5, 99.25]
    assert set(got.read_all()) == {"daily", "monthly"}
    # raw bytes are kept under their base name only (no folders from the name)
    assert (got.path / "raw" / "file.csv").read_bytes() == b"a,b\n1,2\n"
    assert got.extra == {"snapshot_stat": [10, 20]}
    # provenance.json is the complete record
    assert json.loads((got.path / "provenance.json").read_text())["sha256"] == SHA


def test_get_of_absent_key_is_none_and_missing_table_names_the_tables(tmp_path):
    store = Store(tmp_path / "store")
    assert store.get("french/TEST", "nope") is None
    assert store.versions("french/TEST") == []
    assert store.latest("french/TEST") is None
    assert store.entries() == []
    entry = store.put(entry_key("snapshot", SHA, 1), {"monthly": monthly()}, prov())
    with pytest.raises(DataError, match=r"french/TEST: the store has no table 'annual' \(has: monthly\)"):
        entry.read("annual")
    assert entry.extra == {}


def test_versions_latest_and_entries(tmp_path):
    store = Store(tmp_path / "store")
    old = store.put(entry_key("live", SHA, 1), {"monthly": monthly()},
                    prov(origin="live", retrieved_at="2026-01-01T00:00:00+00:00"))
    new = store.put(entry_key("live", SHA2, 1), {"monthly": monthly()},
                    prov(origin="live", sha=SHA2, retrieved_at="2026-06-01T00:00:00+00:00"))
    snap = store.put(entry_key("snapshot", SHA, 1), {"monthly": monthly()},
                     prov(origin="snapshot", retrieved_at="2025-01-01T00:00:00+00:00"))
    other = store.put(entry_key("snapshot", SHA, 1), {"daily": daily()}, prov("fred/BAA"))
    # oldest retrieval first
    assert [e.path.name for e in store.versions("french/TEST")] == [snap.path.name, old.path.name, new.path.name]
    assert store.latest("french/TEST").path == new.path
    assert store.latest("french/TEST", origin="live").path == new.path
    assert store.latest("french/TEST", origin="snapshot").path == snap.path
    assert store.latest("french/TEST", origin="package") is None
    assert sorted(e.path for e in store.entries()) == sorted([old.path, new.path, snap.path, other.path])
    assert {e.provenance.dataset for e in store.entries()} == {"french/TEST", "fred/BAA"}


def test_two_puts_of_the_same_key_keep_one_entry_the_first(tmp_path):
    store = Store(tmp_path / "store")
    key = entry_key("live", SHA, 1)
    first = store.put(key, {"monthly": monthly()}, prov(retrieved_at="2026-01-01T00:00:00+00:00"))
    before = tree_listing(tmp_path / "store")
    second = store.put(key, {"monthly": monthly() * 2}, prov(retrieved_at="2026-02-02T00:00:00+00:00"))
    assert second.path == first.path
    assert second.provenance.retrieved_at == "2026-01-01T00:00:00+00:00"
    assert len(store.versions("french/TEST")) == 1
    # the second writer's temporary folder is gone and the first entry is byte-for-byte intact
    assert tree_listing(tmp_path / "store") == before
    pd.testing.assert_frame_equal(second.read("monthly"), monthly())


# -- failures leave nothing behind ---------------------------------------------------------------


class Unwritable:
    """An object pyarrow cannot convert: a table holding it cannot be written to parquet."""


def bad_frame() -> pd.DataFrame:
    return pd.DataFrame({"x": [Unwritable(), Unwritable()]})


def test_failed_put_into_an_empty_store_leaves_no_folder(tmp_path):
    root = tmp_path / "store"
    store = Store(root)
    with pytest.raises(pa.ArrowException):
        store.put(entry_key("snapshot", SHA, 1), {"monthly": monthly(), "zz_bad": bad_frame()}, prov())
    # not even the store root or the dataset's parent folders remain
    assert not root.exists()
    assert list(tmp_path.iterdir()) == []
    assert store.entries() == []


def test_failed_put_leaves_an_existing_store_byte_for_byte_unchanged(tmp_path):
    root = tmp_path / "store"
    store = Store(root)
    kept = store.put(entry_key("snapshot", SHA, 1), {"monthly": monthly()}, prov())
    store.put(entry_key("snapshot", SHA, 1), {"daily": daily()}, prov("fred/BAA"))
    before = tree_listing(root)
    # same dataset, a new key: the dataset folder exists already
    with pytest.raises(pa.ArrowException):
        store.put(entry_key("live", SHA2, 1), {"monthly": monthly(), "zz_bad": bad_frame()}, prov(origin="live"))
    assert tree_listing(root) == before
    # a new dataset in a new publisher folder: both folders are removed again
    with pytest.raises(pa.ArrowException):
        store.put(entry_key("live", SHA2, 1), {"data": daily(), "zz_bad": bad_frame()}, prov("cboe/VIX", origin="live"))
    assert tree_listing(root) == before
    assert not (root / "cboe").exists()
    assert [e.path for e in store.versions("french/TEST")] == [kept.path]
    assert store.latest("french/TEST", origin="live") is None
    assert store.versions("cboe/VIX") == []


def test_put_failing_after_the_first_table_leaves_no_visible_entry(tmp_path, monkeypatch):
    root = tmp_path / "store"
    store = Store(root)
    store.put(entry_key("snapshot", SHA, 1), {"monthly": monthly()}, prov())
    before = tree_listing(root)
    real = pd.DataFrame.to_parquet
    calls = []

    def to_parquet(self, path, *a, **k):
        calls.append(path)
        if len(calls) > 1:
            raise OSError("disk full")
        return real(self, path, *a, **k)

    monkeypatch.setattr(pd.DataFrame, "to_parquet", to_parquet)
    with pytest.raises(OSError, match="disk full"):
        store.put(entry_key("live", SHA2, 1), {"a": monthly(), "b": monthly()}, prov(origin="live", sha=SHA2))
    assert len(calls) == 2  # the first table was written (into the temporary folder) before the failure
    assert tree_listing(root) == before
    assert store.get("french/TEST", entry_key("live", SHA2, 1)) is None
    assert [e.provenance.origin for e in store.versions("french/TEST")] == ["snapshot"]


def test_put_failing_at_the_final_rename_leaves_the_store_unchanged(tmp_path, monkeypatch):
    root = tmp_path / "store"
    store = Store(root)
    store.put(entry_key("snapshot", SHA, 1), {"monthly": monthly()}, prov())
    before = tree_listing(root)

    def rename(src, dst):
        raise OSError("rename failed")

    monkeypatch.setattr(os, "rename", rename)
    with pytest.raises(OSError, match="rename failed"):
        store.put(entry_key("live", SHA2, 1), {"monthly": monthly()}, prov(origin="live", sha=SHA2))
    assert tree_listing(root) == before


@pytest.mark.parametrize("name", ["a/b", ".hidden"])
def test_invalid_table_name_rejected_and_nothing_written(tmp_path, name):
    root = tmp_path / "store"
    store = Store(root)
    with pytest.raises(DataError, match="invalid table name"):
        store.put(entry_key("snapshot", SHA, 1), {name: monthly()}, prov())
    assert not root.exists()


def test_put_without_tables_is_refused(tmp_path):
    store = Store(tmp_path / "store")
    with pytest.raises(DataError, match="french/TEST: refusing to store a dataset with no tables"):
        store.put(entry_key("snapshot", SHA, 1), {}, prov())
    assert not (tmp_path / "store").exists()


# -- temporary folders ---------------------------------------------------------------------------


def _fake_tmp_entry(ddir, name: str, p: Provenance) -> None:
    tmp = ddir / name
    (tmp / "tables").mkdir(parents=True)
    monthly().to_parquet(tmp / "tables" / "monthly.parquet")
    (tmp / "provenance.json").write_text(p.to_json())


def test_stale_tmp_folder_is_ignored_by_readers(tmp_path):
    root = tmp_path / "store"
    store = Store(root)
    real = store.put(entry_key("snapshot", SHA, 1), {"monthly": monthly()}, prov())
    ddir = root / "french" / "TEST"
    # a complete-looking entry left in a temporary folder by a crashed writer, newer than the real one
    _fake_tmp_entry(ddir, ".tmp-live-cdcdcdcdcdcdcdcd-p1-deadbeef",
                    prov(origin="live", sha=SHA2, retrieved_at="2030-01-01T00:00:00+00:00"))
    assert [e.path for e in store.versions("french/TEST")] == [real.path]
    assert store.latest("french/TEST").path == real.path
    assert store.latest("french/TEST", origin="live") is None
    assert [e.path for e in store.entries()] == [real.path]


def test_put_removes_tmp_folders_older_than_an_hour_but_keeps_fresh_ones(tmp_path):
    root = tmp_path / "store"
    store = Store(root)
    ddir = root / "french" / "TEST"
    _fake_tmp_entry(ddir, ".tmp-old", prov())
    _fake_tmp_entry(ddir, ".tmp-fresh", prov())  # another process may be writing this one right now
    two_hours_ago = time.time() - 7200
    os.utime(ddir / ".tmp-old", (two_hours_ago, two_hours_ago))
    store.put(entry_key("snapshot", SHA, 1), {"monthly": monthly()}, prov())
    assert not (ddir / ".tmp-old").exists()
    assert (ddir / ".tmp-fresh" / "provenance.json").is_file()
    assert sorted(p.name for p in ddir.iterdir()) == [".tmp-fresh", entry_key("snapshot", SHA, 1)]


# -- dataset ids ---------------------------------------------------------------------------------


@pytest.mark.parametrize("dataset", ["../escape", "french/../../escape", "/etc/passwd", "a/b/.."])
def test_invalid_dataset_ids_are_rejected(tmp_path, dataset):
    root = tmp_path / "store"
    store = Store(root)
    with pytest.raises(DataError, match=r"invalid dataset id"):
        store.get(dataset, "k")
    with pytest.raises(DataError, match=r"invalid dataset id"):
        store.versions(dataset)
    with pytest.raises(DataError, match=r"invalid dataset id"):
        store.latest(dataset)
    with pytest.raises(DataError, match=r"invalid dataset id"):
        store.put(entry_key("snapshot", SHA, 1), {"monthly": monthly()}, prov(dataset))
    assert list(tmp_path.iterdir()) == []


# -- schema only ---------------------------------------------------------------------------------


def test_columns_reads_the_schema_without_reading_data(tmp_path, monkeypatch):
    store = Store(tmp_path / "store")
    unnamed = pd.DataFrame({"b": [1.0, 2.0], "a": [3.0, 4.0]}, index=pd.DatetimeIndex(["2020-01-01", "2020-01-02"]))
    entry = store.put(entry_key("snapshot", SHA, 1), {"monthly": monthly(), "daily": daily(), "unnamed": unnamed},
                      prov())

    def refuse(*a, **k):
        raise AssertionError("columns() read the data")

    monkeypatch.setattr(pd, "read_parquet", refuse)
    monkeypatch.setattr(pq, "read_table", refuse)
    assert entry.columns("monthly") == ["SMB", "HML"]
    assert entry.columns("daily") == ["close"]
    assert entry.columns("unnamed") == ["b", "a"]  # file order, index column left out


def test_columns_of_a_table_with_a_range_index(tmp_path):
    store = Store(tmp_path / "store")
    ranged = pd.DataFrame({"x": [1, 2], "y": ["u", "v"]})  # default RangeIndex, like pitindex's 'coverage'
    entry = store.put(entry_key("snapshot", SHA, 1), {"ranged": ranged}, prov())
    assert entry.columns("ranged") == ["x", "y"]


# -- checksums: every table is checked on read (C01, C02) ------------------------------------------


def test_snapshot_entry_keys_carry_the_snapshot_id():
    assert entry_key("snapshot", SHA, 1, "e54925ec23af") == "snapshot-e54925ec23af-abababababababab-p1"
    assert entry_key("snapshot", SHA, 1, "unversioned") == "snapshot-unversioned-abababababababab-p1"
    # the same bytes from a verified and from an unverified snapshot are two entries
    assert entry_key("snapshot", SHA, 1, "e54925ec23af") != entry_key("snapshot", SHA, 1, "unversioned")
    assert entry_key("live", SHA, 1) == entry_key("live", SHA, 1, None) == "live-abababababababab-p1"


def test_put_records_the_sha256_of_every_table_file(tmp_path):
    store = Store(tmp_path / "store")
    entry = store.put(entry_key("snapshot", SHA, 1), {"monthly": monthly(), "daily": daily()}, prov())
    sums = json.loads((entry.path / "checksums.json").read_text())
    assert sums == entry.checksums
    assert sorted(sums) == ["tables/daily.parquet", "tables/monthly.parquet"]
    for rel, digest in sums.items():
        assert digest == hashlib.sha256((entry.path / rel).read_bytes()).hexdigest()
    assert entry.damage() is None and entry.damage("daily") is None


def rewrite_with(path, frame: pd.DataFrame) -> None:
    """C02: read a stored table, change it, write it back (a new file, a new sha256)."""
    frame.to_parquet(path)


def test_tampered_table_is_never_served(tmp_path):
    """C02: a parquet rewritten with other numbers raises naming the entry and the fix."""
    store = Store(tmp_path / "store")
    entry = store.put(entry_key("live", SHA, 1), {"data": daily()}, prov("fred/BAA", origin="live"))
    path = entry.path / "tables" / "data.parquet"
    assert entry.read("data")["close"].iloc[0] == 100.0  # hashed once, remembered
    changed = pd.read_parquet(path)
    changed.iloc[0, 0] *= 1.05
    rewrite_with(path, changed)
    with pytest.raises(IntegrityError) as info:
        store.get("fred/BAA", entry.path.name).read("data")
    msg = str(info.value)
    assert msg.startswith(f"store entry fred/BAA ({entry.path.name}) is damaged: tables/data.parquet does not match "
                          "its recorded sha256 (")
    assert msg.endswith(f"; remove {entry.path} and run `smallcaps data fetch --fred BAA`")
    assert "\n" not in msg
    with pytest.raises(IntegrityError):
        entry.columns("data")  # the schema is not read from a damaged file either
    assert entry.damage("data").startswith("tables/data.parquet does not match its recorded sha256")


def test_truncated_table_is_reported_not_a_raw_arrow_error(tmp_path):
    """C01: ``truncate -s 100 .../tables/data.parquet``."""
    store = Store(tmp_path / "store")
    entry = store.put(entry_key("snapshot", SHA, 1, "e54925ec23af"), {"data": daily()}, prov("yahoo/IWM"))
    path = entry.path / "tables" / "data.parquet"
    with open(path, "r+b") as f:
        f.truncate(100)
    with pytest.raises(IntegrityError, match=r"^store entry yahoo/IWM \(snapshot-e54925ec23af-abababababababab-p1\) is "
                                             r"damaged: tables/data\.parquet does not match its recorded sha256 .*; "
                                             r"remove .* and run again \(it is rebuilt from its source\)$"):
        entry.read("data")


def test_same_size_same_mtime_tamper_is_still_caught(tmp_path):
    """The per-process hash memory is keyed by ctime and inode too: restoring size and mtime
    after a write does not make a changed file look checked."""
    store = Store(tmp_path / "store")
    entry = store.put(entry_key("live", SHA, 1), {"data": daily()}, prov("fred/BAA", origin="live"))
    path = entry.path / "tables" / "data.parquet"
    entry.read("data")
    st = path.stat()
    data = bytearray(path.read_bytes())
    i = data.index(b"PAR1", 4) - 20  # a byte inside the footer's metadata, same size
    data[i] ^= 0x01
    time.sleep(0.01)
    path.write_bytes(bytes(data))
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns))
    assert (path.stat().st_size, path.stat().st_mtime_ns) == (st.st_size, st.st_mtime_ns)
    assert entry.damage("data") is not None


def test_entry_without_checksums_is_damaged(tmp_path):
    """Entries written before checksums existed are not trusted: the session rebuilds them."""
    store = Store(tmp_path / "store")
    entry = store.put(entry_key("package", SHA, 1), {"data": daily()}, prov("pitindex/sp600", origin="package"))
    (entry.path / "checksums.json").unlink()
    assert entry.damage() == "it has no readable checksums.json (written by an older smallcaps, or damaged)"
    with pytest.raises(IntegrityError, match="has no readable checksums.json"):
        entry.read("data")


def test_unlisted_or_missing_table_file_is_damage(tmp_path):
    store = Store(tmp_path / "store")
    entry = store.put(entry_key("live", SHA, 1), {"data": daily()}, prov("fred/BAA", origin="live"))
    daily().to_parquet(entry.path / "tables" / "extra.parquet")
    assert entry.damage() == "tables/extra.parquet is not in its checksums.json"
    (entry.path / "tables" / "extra.parquet").unlink()
    (entry.path / "tables" / "data.parquet").unlink()
    assert entry.damage() == "tables/data.parquet is missing"


def test_put_replaces_a_damaged_entry_atomically(tmp_path):
    store = Store(tmp_path / "store")
    key = entry_key("live", SHA, 1)
    first = store.put(key, {"data": daily()}, prov("fred/BAA", origin="live"))
    with open(first.path / "tables" / "data.parquet", "r+b") as f:
        f.truncate(100)
    again = store.put(key, {"data": daily()}, prov("fred/BAA", origin="live", retrieved_at="2026-08-01T00:00:00+00:00"))
    assert again.path == first.path and again.damage() is None
    assert again.provenance.retrieved_at == "2026-08-01T00:00:00+00:00"
    pd.testing.assert_frame_equal(again.read("data"), daily())
    # nothing left aside: only the entry
    assert [p.name for p in (tmp_path / "store" / "fred" / "BAA").iterdir()] == [key]


def test_put_replace_swaps_an_intact_entry_when_asked(tmp_path):
    store = Store(tmp_path / "store")
    key = entry_key("snapshot", SHA, 1, "unversioned")
    store.put(key, {"data": daily()}, prov("yahoo/IWM", verified=True))
    new = store.put(key, {"data": daily() * 2}, prov("yahoo/IWM", verified=False), replace=True)
    assert new.provenance.verified is False
    assert new.read("data")["close"].iloc[0] == 200.0


def test_failed_replacement_puts_the_damaged_entry_back(tmp_path, monkeypatch):
    """A failed write leaves the store as it was, even when it was replacing a damaged entry."""
    root = tmp_path / "store"
    store = Store(root)
    key = entry_key("live", SHA, 1)
    first = store.put(key, {"data": daily()}, prov("fred/BAA", origin="live"))
    with open(first.path / "tables" / "data.parquet", "r+b") as f:
        f.truncate(100)
    before = tree_listing(root)
    real = os.rename
    calls = []

    def rename(src, dst):
        calls.append((str(src), str(dst)))
        if len(calls) == 2:  # the damaged entry is aside; the new one fails to move in
            raise OSError("rename failed")
        return real(src, dst)

    monkeypatch.setattr(os, "rename", rename)
    with pytest.raises(OSError, match="rename failed"):
        store.put(key, {"data": daily()}, prov("fred/BAA", origin="live"))
    monkeypatch.setattr(os, "rename", real)
    assert ".tmp-damaged-" in calls[0][1]
    assert tree_listing(root) == before


def test_unreadable_provenance_is_an_absent_entry(tmp_path):
    store = Store(tmp_path / "store")
    key = entry_key("live", SHA, 1)
    entry = store.put(key, {"data": daily()}, prov("fred/BAA", origin="live"))
    (entry.path / "provenance.json").write_text("{not json")
    assert store.get("fred/BAA", key) is None and store.entries() == []
    # a new put replaces the broken folder instead of failing on it
    again = store.put(key, {"data": daily()}, prov("fred/BAA", origin="live"))
    assert again.damage() is None and store.get("fred/BAA", key) is not None
