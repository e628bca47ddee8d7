"""Point-in-time S&P 500/400/600 membership, from the ``pitindex`` package.

pitindex (pinned 0.2.1) bundles, per index, a seed roster on its first date, the add/remove
events since (with S&P's stated reasons), the current roster with GICS sectors, and build
metadata. Its bundled data ends 2026-07-13, in step with the snapshot's prices.

Why this module reads the bundled files itself rather than calling ``pitindex.get_constituents``:

* pitindex emits a ``StaleDataWarning`` on every fresh process once its data is more than 14
  days old. That is true by construction here (the book pins a vintage on purpose), so the
  warning would only print into the book. We record the vintage and the data's age as
  provenance instead, and never trigger the warning.
* pitindex prefers a user cache (``~/.cache/pitindex``) over its bundled data when one exists,
  which would make results depend on the machine. We always read the bundled files of the
  installed, pinned version, and say so in the provenance.
* Reconstructing rosters as membership spells gives a whole date x ticker panel in one pass.

The tests check that our rosters equal ``pitindex.get_constituents`` on many dates.
"""

from __future__ import annotations

import datetime as dt
import io
import json
from dataclasses import dataclass
from importlib import metadata, resources

import numpy as np
import pandas as pd

from ..datasets import DatasetSpec
from ..errors import ParameterError, ParseError
from ..provenance import Provenance

PARSER_VERSION = 1
INDICES = {"sp500": "S&P 500", "sp400": "S&P MidCap 400", "sp600": "S&P SmallCap 600"}
_FILES = ("seed", "changes", "current")
_SEP = b"\n#### smallcaps-bundle: "


def _package_version() -> str:
    return metadata.version("pitindex")


def _read_bundle(index: str) -> tuple[bytes, dict]:
    """The bundled files of one index, concatenated with markers, plus package metadata."""
    files = resources.files("pitindex.data")
    parts = []
    for kind in _FILES:
        parts.append(_SEP + kind.encode() + b"\n" + (files / f"{index}_{kind}.csv").read_bytes())
    meta_bytes = (files / "build_metadata.json").read_bytes()
    parts.append(_SEP + b"metadata\n" + meta_bytes)
    meta = json.loads(meta_bytes)
    per = (meta.get("indices") or {}).get(index, {})
    extra = {
        "package": f"pitindex=={_package_version()}",
        "build_timestamp_utc": meta.get("build_timestamp_utc"),
        "start_date": per.get("start_date"),
        "end_date": per.get("end_date"),
        "seed_source": per.get("seed_source"),
        "events_count": per.get("events_count"),
        "user_cache_ignored": True,
    }
    return b"".join(parts), extra


def _split_bundle(raw: bytes) -> dict[str, bytes]:
    out = {}
    for chunk in raw.split(_SEP)[1:]:
        name, _, body = chunk.partition(b"\n")
        out[name.decode()] = body
    missing = [k for k in (*_FILES, "metadata") if k not in out]
    if missing:
        raise ParseError(f"pitindex bundle is missing {', '.join(missing)}")
    return out


def parse(raw: bytes, index: str) -> dict[str, pd.DataFrame]:
    """Parse one index's bundled files.

    Returns
    -------
    dict
        ``events``: date (datetime64), action (``added``/``removed``), ticker, name, reason —
        sorted as pitindex applies them (date, removals before additions, ticker);
        ``seed``: the roster on the first covered date (index ``ticker``, column ``date``);
        ``current``: the latest roster with name and GICS sector;
        ``coverage``: one row with ``start`` and ``end`` dates of the data.
    """
    parts = _split_bundle(raw)
    try:
        seed = pd.read_csv(io.BytesIO(parts["seed"]), dtype=str, keep_default_na=False)
        ev = pd.read_csv(io.BytesIO(parts["changes"]), dtype=str, keep_default_na=False)
        cur = pd.read_csv(io.BytesIO(parts["current"]), dtype=str, keep_default_na=False)
        meta = json.loads(parts["metadata"])
    except (ValueError, pd.errors.ParserError) as exc:
        raise ParseError(f"pitindex {index}: unreadable bundled file ({exc})") from None
    for frame, cols, what in ((seed, {"effective_date", "ticker"}, "seed"),
                              (ev, {"date", "action", "ticker", "name", "reason"}, "changes"),
                              (cur, {"ticker", "name", "gics_sector"}, "current")):
        if not cols <= set(frame.columns):
            raise ParseError(f"pitindex {index}: {what} file lacks columns {sorted(cols - set(frame.columns))}")
    if len(seed) == 0:
        raise ParseError(f"pitindex {index}: empty seed roster")
    if not set(ev["action"]) <= {"added", "removed"}:
        raise ParseError(f"pitindex {index}: unknown actions {sorted(set(ev['action']) - {'added', 'removed'})}")
    ev = ev.assign(date=pd.to_datetime(ev["date"], format="%Y-%m-%d"))
    ev = ev.assign(_order=np.where(ev["action"] == "removed", 0, 1))
    ev = ev.sort_values(["date", "_order", "ticker"], kind="stable").drop(columns="_order").reset_index(drop=True)
    ev["name"] = ev["name"].replace("", None)
    ev["reason"] = ev["reason"].replace("", None)
    seed_out = pd.DataFrame({"date": pd.to_datetime(seed["effective_date"], format="%Y-%m-%d").values},
                            index=pd.Index(seed["ticker"], name="ticker"))
    cur_out = cur.set_index("ticker")[[c for c in ("name", "cik", "gics_sector", "gics_sub_industry") if c in cur]]
    per = (meta.get("indices") or {}).get(index, {})
    end = per.get("end_date") or meta.get("end_date")
    coverage = pd.DataFrame({"start": [seed_out["date"].iloc[0]], "end": [pd.Timestamp(end)]})
    # index the events by date so provenance first/last describe the event log
    ev_out = ev.set_index("date")
    return {"events": ev_out, "seed": seed_out, "current": cur_out, "coverage": coverage}


def spec(index: str) -> DatasetSpec:
    """Catalogue entry for one index's membership."""
    key = str(index).strip().lower()
    if key not in INDICES:
        raise ParameterError(f"index={index!r} is not covered by pitindex; valid: {', '.join(INDICES)}")
    version = _package_version()
    return DatasetSpec(
        dataset=f"pitindex/{key}",
        source="pitindex",
        snapshot_path=None,
        parse=lambda raw: parse(raw, key),
        parser_version=PARSER_VERSION,
        main_table="events",
        fetch=None,
        location=f"pitindex=={version}",
        raw_name=f"{key}.bundle",
        vintage=lambda raw, tables, note: (
            f"pitindex {version}, membership to {tables['coverage']['end'].iloc[0].date().isoformat()}"
        ),
        package=lambda: _read_bundle(key),
        bounds=lambda tables: (
            tables["coverage"]["start"].iloc[0].date().isoformat(),
            tables["coverage"]["end"].iloc[0].date().isoformat(),
        ),
    )


@dataclass
class Membership:
    """Point-in-time membership of one index.

    Attributes
    ----------
    index
        ``sp500``, ``sp400`` or ``sp600``.
    tables
        As returned by :func:`parse`.
    provenance
        Where the membership came from (package, version, build date).
    """

    index: str
    tables: dict[str, pd.DataFrame]
    provenance: Provenance

    @property
    def name(self) -> str:
        return INDICES[self.index]

    @property
    def start(self) -> pd.Timestamp:
        """First date with a known roster (the seed date)."""
        return pd.Timestamp(self.tables["coverage"]["start"].iloc[0])

    @property
    def end(self) -> pd.Timestamp:
        """Last date the bundled data covers."""
        return pd.Timestamp(self.tables["coverage"]["end"].iloc[0])

    @property
    def events(self) -> pd.DataFrame:
        """Add/remove events: columns date, action, ticker, name, reason."""
        return self.tables["events"].reset_index()

    def _check_date(self, date, what: str = "date") -> pd.Timestamp:
        ts = pd.Timestamp(date)
        if ts < self.start or ts > self.end:
            raise ParameterError(
                f"{what}={ts.date()} is outside {self.name} membership coverage; "
                f"valid: {self.start.date()}..{self.end.date()}"
            )
        return ts

    def spells(self) -> pd.DataFrame:
        """Membership spells: one row per continuous stay in the index.

        Returns
        -------
        DataFrame
            ``ticker``, ``start`` (date added, or the seed date), ``end`` (date removed, NaT if
            still a member at the data's end), ``left_censored`` (member already on the seed
            date, true start unknown). A member on date ``d`` satisfies ``start <= d < end``,
            matching pitindex's end-of-day convention.
        """
        open_since: dict[str, tuple[pd.Timestamp, bool]] = {
            t: (self.start, True) for t in self.tables["seed"].index
        }
        rows = []
        for date, action, ticker in self.tables["events"][["action", "ticker"]].itertuples(index=True):
            if action == "added":
                if ticker not in open_since:
                    open_since[ticker] = (date, False)
            elif ticker in open_since:
                start, cens = open_since.pop(ticker)
                rows.append((ticker, start, date, cens))
        rows += [(t, s, pd.NaT, c) for t, (s, c) in open_since.items()]
        out = pd.DataFrame(rows, columns=["ticker", "start", "end", "left_censored"])
        return out.sort_values(["ticker", "start"], ignore_index=True)

    def roster_at(self, date) -> set[str]:
        """Members at the end of ``date``.

        Raises
        ------
        ParameterError
            ``date`` outside the membership coverage.
        """
        ts = self._check_date(date)
        sp = self.spells()
        live = (sp["start"] <= ts) & (sp["end"].isna() | (sp["end"] > ts))
        return set(sp.loc[live, "ticker"])

    def panel(self, dates) -> pd.DataFrame:
        """Boolean membership matrix: rows ``dates`` (in the order given), columns every ticker
        ever a member.

        Dates outside the coverage raise ParameterError (no extrapolation).
        """
        given = pd.DatetimeIndex(dates)
        idx = given.sort_values()  # searchsorted needs sorted dates; the caller's order is restored below
        if len(idx):
            self._check_date(idx.min(), "start")
            self._check_date(idx.max(), "end")
        sp = self.spells()
        tickers = sorted(sp["ticker"].unique())
        col = {t: i for i, t in enumerate(tickers)}
        mat = np.zeros((len(idx), len(tickers)), dtype=bool)
        vals = idx.values
        for t, s, e in sp[["ticker", "start", "end"]].itertuples(index=False):
            lo = np.searchsorted(vals, np.datetime64(s), side="left")
            hi = len(vals) if pd.isna(e) else np.searchsorted(vals, np.datetime64(e), side="left")
            mat[lo:hi, col[t]] = True
        out = pd.DataFrame(mat, index=idx, columns=pd.Index(tickers, name="ticker"))
        return out if given.equals(idx) else out.loc[given]

    def data_age_days(self, today: dt.date | None = None) -> int:
        """Days between the data's end and ``today`` (the reason pitindex would warn)."""
        today = today or dt.date.today()
        return (today - self.end.date()).days
