"""The book's data inventory: every dataset it uses, its provenance and coverage, the price
coverage of index members (survivorship), and the snapshot's caveats. The data appendix is
built from these functions."""

from __future__ import annotations

import re
from dataclasses import dataclass

import pandas as pd

from . import catalog
from .data import DataSession
from .display import percent
from .errors import DataError
from .provenance import Provenance


@dataclass
class Inventory:
    """Provenance of every dataset the book uses, as loaded by one session."""

    provenance: list[Provenance]

    def table(self) -> pd.DataFrame:
        """One row per dataset: source, origin, vintage, first, last, rows, sha256 (12 hex)."""
        rows = []
        for p in self.provenance:
            rows.append({"dataset": p.dataset, "source": p.source, "origin": origin_label(p),
                         "file or location": p.location, "vintage": p.vintage or "", "first": p.first,
                         "last": p.last, "rows": p.rows, "sha256": p.sha256[:12]})
        return pd.DataFrame(rows).sort_values("dataset").set_index("dataset")

    def by_source(self) -> pd.DataFrame:
        """One row per publisher: number of files, earliest first date, latest last date."""
        t = self.table().reset_index()
        t["first_ts"] = [_as_ts(v, True) for v in t["first"]]
        t["last_ts"] = [_as_ts(v, False) for v in t["last"]]
        g = t.groupby("source")
        out = pd.DataFrame({"files": g.size(), "earliest": g["first_ts"].min().dt.date,
                            "latest": g["last_ts"].max().dt.date,
                            "origins": g["origin"].agg(lambda o: ", ".join(sorted(set(o))))})
        out.index = [_SOURCE_GROUP.get(i, i) for i in out.index]
        out.index.name = "publisher"
        return out

    def coverage(self) -> pd.DataFrame:
        """Coverage for the timeline chart: one bar per non-Yahoo dataset, one per ETF group.

        Returns
        -------
        DataFrame with ``label``, ``group``, ``first``, ``last`` (Timestamps) and ``count``
        (files summarised in the bar).
        """
        group_of = {t: g for g, ts in catalog.ETFS.items() for t in ts}
        rows = []
        etf_groups: dict[str, list[Provenance]] = {}
        for p in self.provenance:
            if p.first is None or p.last is None:
                continue
            if p.source == "yahoo" and p.dataset != "yahoo/stocks_close":
                etf_groups.setdefault(group_of.get(p.dataset.split("/", 1)[1], "other"), []).append(p)
                continue
            label = p.dataset.split("/", 1)[1] if p.source != "pitindex" else f"{p.dataset.split('/')[1]} membership"
            rows.append({"label": label, "group": _SOURCE_GROUP.get(p.source, p.source),
                         "first": _as_ts(p.first, start=True), "last": _as_ts(p.last, start=False), "count": 1})
        for g, provs in etf_groups.items():
            label = f"Yahoo yield indices ({len(provs)})" if g.startswith("yields") else f"ETFs: {g} ({len(provs)})"
            rows.append({"label": label, "group": "Yahoo Finance",
                         "first": min(_as_ts(p.first, True) for p in provs),
                         "last": max(_as_ts(p.last, False) for p in provs), "count": len(provs)})
        out = pd.DataFrame(rows)
        order = list(_SOURCE_GROUP.values())
        out["order"] = out["group"].map({g: i for i, g in enumerate(order)})
        return out.sort_values(["order", "first", "label"]).drop(columns="order").reset_index(drop=True)


def origin_label(p: Provenance) -> str:
    """``snapshot``, ``live`` or ``package``; ``snapshot (unverified)`` for a file no manifest checked."""
    return "snapshot (unverified)" if p.unverified else p.origin


def snapshot_origin_text(ds: DataSession) -> str:
    """What the appendix says after *origin* ``snapshot``: which snapshot, and whether its files
    were checked against its manifest (the words change when they were not)."""
    from .config import reference_snapshot

    snap = ds.snapshot
    if snap is None:
        return "a read-only snapshot folder; none was used for this run"
    if not snap.verified:
        return ("a read-only snapshot folder **without a manifest**: its files were **not** checked against "
                "any sha256, and every row below from it says *snapshot (unverified)*")
    which = "the reference snapshot" if snap.root == reference_snapshot() else f"snapshot {snap.snapshot_id}"
    return f"{which}, read-only, each file checked against its manifest's sha256"


_SOURCE_GROUP = {"french": "Kenneth French library", "shiller": "Shiller", "fred": "FRED", "cboe": "CBOE",
                 "yahoo": "Yahoo Finance", "pitindex": "pitindex"}


def _as_ts(value: str | None, start: bool) -> pd.Timestamp:
    """ISO date, or a period string (``2025-11``, ``2025``) as its first or last day."""
    if value is None:
        raise DataError("a dataset without dated rows has no place on the coverage timeline")
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        return pd.Timestamp(value)
    per = pd.Period(value)
    return per.start_time.normalize() if start else per.end_time.normalize()


def load_book_data(ds: DataSession, etfs: tuple[str, ...] | None = None) -> Inventory:
    """Load every dataset the book uses through ``ds`` and return their provenance.

    A dataset the session cannot find raises (naming it): the appendix never skips one silently.
    """
    for name in catalog.FRENCH:
        ds.french(name)
    for sid in catalog.FRED:
        ds.fred(sid)
    ds.vix()
    ds.shiller()
    ds.prices(list(etfs or catalog.ALL_ETFS))
    if ds.snapshot is not None and ds.snapshot.exists("yahoo/stocks_close.parquet"):
        ds.prices(ds.stock_tickers()[:1])  # registers the panel's provenance
    for index in catalog.INDICES:
        ds.membership(index)
    return Inventory(ds.used())


def member_price_coverage(ds: DataSession) -> pd.DataFrame:
    """How many tickers ever in each index have prices in the data (survivorship).

    Returns
    -------
    DataFrame indexed by index name: ``members_ever`` (tickers in pitindex's coverage),
    ``with_prices``, ``share`` (percent), ``years`` of coverage, ``missing_per_year``
    (percentage points of ever-members without prices per year of coverage: comparable across
    indices whose coverage differs in length), ``current_members``, ``current_with_prices``,
    ``coverage`` (pitindex's first..last date).
    """
    have = set(ds.stock_tickers())
    rows = {}
    for index in catalog.INDICES:
        m = ds.membership(index)
        ever = set(m.spells()["ticker"])
        current = m.roster_at(m.end)
        years = (m.end - m.start).days / 365.25
        share = percent(len(ever & have)) / len(ever)
        rows[m.name] = {
            "members_ever": len(ever), "with_prices": len(ever & have), "share": share,
            "years": years, "missing_per_year": (100.0 - share) / years,
            "current_members": len(current), "current_with_prices": len(current & have),
            "coverage": f"{m.start.date()}..{m.end.date()}",
        }
    out = pd.DataFrame.from_dict(rows, orient="index")
    out.index.name = "index"
    return out


def coverage_glue(members: pd.DataFrame) -> dict[str, tuple[float, str]]:
    """Values the data appendix's survivorship paragraph pastes, from :func:`member_price_coverage`."""
    out = {}
    for key, name in (("sp600", "S&P SmallCap 600"), ("sp500", "S&P 500")):
        out[f"data_{key}_share"] = (members.loc[name, "share"], "{:.0f}")
        out[f"data_{key}_years"] = (members.loc[name, "years"], "{:.0f}")
        out[f"data_{key}_loss"] = (members.loc[name, "missing_per_year"], "{:.1f}")
    return out


def snapshot_caveats(ds: DataSession) -> list[str]:
    """The bullet points under the snapshot README's "caveats" heading (empty without one)."""
    if ds.snapshot is None:
        return []
    readme = ds.snapshot.root / "README.md"
    if not readme.is_file():
        return []
    text = readme.read_text(encoding="utf-8")
    m = re.search(r"^#+[^\n]*caveat[^\n]*\n(.*?)(?=^#|\Z)", text, flags=re.S | re.M | re.I)
    if not m:
        return []
    bullets, cur = [], None
    for line in m.group(1).splitlines():
        if line.startswith("- "):
            if cur:
                bullets.append(cur)
            cur = line[2:].strip()
        elif cur is not None and line.strip():
            cur += " " + line.strip()
    if cur:
        bullets.append(cur)
    return bullets


def french_last_months(inv: Inventory) -> pd.DataFrame:
    """Last month and vintage of each French file (they end at different months)."""
    rows = [{"file": p.dataset.split("/", 1)[1], "vintage": p.vintage, "last month": p.last}
            for p in inv.provenance if p.source == "french"]
    return pd.DataFrame(rows).set_index("file").sort_values("last month")


def coverage_headline(cov: pd.DataFrame) -> str:
    """A figure title stating what the coverage chart shows (computed, not typed)."""
    french = cov[cov["group"] == "Kenneth French library"]
    etfs = cov[cov["label"].str.startswith("ETFs:")]
    members = cov[cov["group"] == "pitindex"].set_index("label")
    parts = []
    if len(french):
        parts.append(f"French portfolios reach back to {french['first'].min().year}")
    if len(etfs):
        parts.append(f"ETF prices start in {etfs['first'].min().year}")
    if len(members):
        first = members["first"].min().year
        small = members["first"].get("sp600 membership")
        tail = f" ({small.year} for the S&P 600)" if small is not None and small.year != first else ""
        parts.append(f"point-in-time membership starts in {first}{tail}")
    if not parts:
        return "Data coverage"
    text = "; ".join(parts) + "."
    return text[0].upper() + text[1:]


#: Each publisher's own page (the data appendix links every file to where it comes from).
PUBLISHER_PAGES = {
    "french": ("Kenneth French data library", "https://mba.tuck.dartmouth.edu/pages/faculty/ken.french/data_library.html"),
    "fred": ("FRED, Federal Reserve Bank of St. Louis", "https://fred.stlouisfed.org/"),
    "shiller": ("Robert Shiller's online data", "https://shillerdata.com/"),
    "cboe": ("CBOE VIX historical data", "https://www.cboe.com/tradable_products/vix/vix_historical_data/"),
    "yahoo": ("Yahoo Finance (through yfinance)", "https://finance.yahoo.com/"),
    "pitindex": ("pitindex, point-in-time index membership", "https://pypi.org/project/pitindex/"),
}
FRED_SERIES_PAGE = "https://fred.stlouisfed.org/series/{}"


def publishers(inv: Inventory) -> str:
    """Markdown: one line per publisher, linked to its page, with the files the book read from it
    (each FRED series linked to its own page)."""
    by: dict[str, list[str]] = {}
    for p in sorted(inv.provenance, key=lambda p: p.dataset):
        name = p.dataset.split("/", 1)[1]
        if p.source == "fred":
            name = f"[{name}]({FRED_SERIES_PAGE.format(name)})"
        by.setdefault(p.source, []).append(name)
    lines = []
    for source, (title, url) in PUBLISHER_PAGES.items():
        if source not in by:
            continue
        files = by[source]
        shown = ", ".join(files) if len(files) <= 12 else f"{', '.join(files[:12])} and {len(files) - 12} more"
        lines.append(f"- [{title}]({url}): {shown}.")
    return "\n".join(lines)


def coverage_display(members: pd.DataFrame) -> pd.DataFrame:
    """:func:`member_price_coverage` for the reader: headers with units, the coverage as a range."""
    from .display import span

    out = members.rename(columns={
        "members_ever": "tickers ever in the index", "with_prices": "with prices", "share": "share with prices (%)",
        "years": "years covered", "missing_per_year": "without prices, per year covered (pp)",
        "current_members": "members now", "current_with_prices": "members now with prices"})
    out["coverage"] = [span(*c.split("..")) for c in members["coverage"]]
    out.index.name = "index"
    return out
