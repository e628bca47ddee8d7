"""What data is available, from where, with which coverage: ``smallcaps data status`` and the
data appendix read this without parsing anything."""

from __future__ import annotations

from dataclasses import dataclass

from . import catalog
from .data import DataSession


@dataclass(frozen=True)
class Availability:
    """Where one dataset would be served from, and what it covers."""

    dataset: str
    origin: str  # snapshot, "snapshot (unverified)", store (live), package, or "missing"
    location: str
    coverage: str
    vintage: str
    sha256: str


def _snapshot_dataset_id(rel: str) -> str:
    if rel.startswith("french/"):
        return "french/" + rel.split("/", 1)[1].rsplit(".", 1)[0]
    if rel.startswith("fred/"):
        return "fred/" + rel.split("/", 1)[1].rsplit(".", 1)[0].upper()
    if rel == "cboe/VIX_History.csv":
        return "cboe/VIX"
    if rel == "shiller/ie_data.xls":
        return "shiller/ie_data"
    if rel.startswith("yahoo/etf/"):
        return "yahoo/" + rel.rsplit("/", 1)[1].rsplit(".", 1)[0]
    if rel == "yahoo/stocks_close.parquet":
        return "yahoo/stocks_close"
    return rel


def availability(ds: DataSession) -> list[Availability]:
    """One row per dataset: every snapshot file, every stored live dataset, the book's catalogue.

    Nothing is parsed or hashed; coverage comes from the manifest or stored provenance.
    """
    rows: dict[str, Availability] = {}
    if ds.snapshot is not None:
        sid = ds.snapshot.snapshot_id
        label = "snapshot" if ds.snapshot.verified else "snapshot (unverified)"
        for rel in ds.snapshot.files():
            did = _snapshot_dataset_id(rel)
            row = ds.snapshot.manifest.get(rel)
            stored = [e for e in ds.store.versions(did)
                      if e.provenance.origin == "snapshot" and e.provenance.snapshot_id == sid]
            prov = stored[-1].provenance if stored else None
            coverage = (row.coverage if row and row.coverage else "") or (
                f"{prov.first}..{prov.last}" if prov else "(parsed on first use)")
            vintage = prov.vintage if prov else ""
            if not vintage and row is not None:
                import re

                m = re.search(r"CRSP\s+(\d{6})", row.note)
                vintage = f"CRSP {m.group(1)}" if m else ""
            rows[did] = Availability(did, label, rel, coverage, vintage, row.sha256 if row else "")
    for entry in ds.store.entries():
        p = entry.provenance
        if p.dataset in rows or p.origin == "snapshot":
            continue
        latest = ds.store.latest(p.dataset, origin=p.origin)
        if latest is None or latest.path != entry.path:
            continue
        rows[p.dataset] = Availability(p.dataset, "store" if p.origin == "live" else p.origin, p.location,
                                       f"{p.first}..{p.last}", p.vintage, p.sha256)
    for index in catalog.INDICES:
        did = f"pitindex/{index}"
        if did not in rows:
            m = ds.membership(index)
            p = m.provenance
            rows[did] = Availability(did, "package", p.location, f"{p.first}..{p.last}", p.vintage, p.sha256)
    wanted = ([f"french/{n}" for n in catalog.FRENCH] + [f"fred/{s}" for s in catalog.FRED]
              + ["cboe/VIX", "shiller/ie_data"] + [f"yahoo/{t}" for t in catalog.ALL_ETFS])
    for did in wanted:
        if did not in rows:
            rows[did] = Availability(did, "missing", "", "", "", "")
    return sorted(rows.values(), key=lambda r: r.dataset)
