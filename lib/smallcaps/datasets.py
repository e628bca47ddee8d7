"""How to get, parse and describe one dataset (:class:`DatasetSpec`).

The sources (:mod:`smallcaps.sources`) build these and the data session
(:class:`smallcaps.data.DataSession`) reads them, so the class lives below both: imports flow one
way, sources -> data.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pandas as pd


@dataclass(frozen=True)
class DatasetSpec:
    """How to get, parse and describe one dataset.

    Attributes
    ----------
    dataset
        Catalogue id (``<source>/<name>``), also the dataset's folder in the store.
    source
        Publisher key.
    snapshot_path
        Path of the file inside a snapshot, or None if snapshots never hold it.
    parse
        ``raw bytes -> {table name: DataFrame}``.
    parser_version
        Bumped when ``parse`` output changes.
    main_table
        Table whose index gives ``rows``, ``first`` and ``last`` (None: the first table).
    fetch
        ``deadline -> (raw bytes, extra provenance)`` for live downloads, or None.
    location
        URL (or package) the live data comes from.
    raw_name
        File name under which live raw bytes are kept in the store.
    vintage
        ``(raw, tables, note) -> str``: the publisher's vintage, ``note`` being the snapshot
        manifest's note for the file (empty for live data).
    package
        For data bundled in an installed package (pitindex): ``() -> (raw bytes, extra)``.
        Always local, so available in every mode; ``location`` names the package and version.
    bounds
        ``tables -> (first, last)`` when the coverage is not the main table's index range.
    """

    dataset: str
    source: str
    snapshot_path: str | None
    parse: Callable[[bytes], dict[str, pd.DataFrame]]
    parser_version: int
    main_table: str | None = None
    fetch: Callable[[float], tuple[bytes, dict]] | None = None
    location: str = ""
    raw_name: str = "raw"
    vintage: Callable[[bytes, dict[str, pd.DataFrame], str], str] | None = None
    package: Callable[[], tuple[bytes, dict]] | None = None
    bounds: Callable[[dict[str, pd.DataFrame]], tuple[str | None, str | None]] | None = None
