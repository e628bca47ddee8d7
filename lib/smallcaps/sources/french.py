"""Kenneth R. French data library: download ``<dataset>_CSV.zip`` and parse every table.

A library CSV is a stack of tables: an optional descriptive preface ("This file was created
using the 202511 CRSP database..."), then tables each introduced by a title (one line, or
several for the BE/ME tables), a header row starting with a comma, and rows keyed ``YYYYMM``
(monthly) or ``YYYY`` (annual), with blank lines between tables and a copyright line at the end.
:func:`parse` turns every table into a frame under a canonical name that does not depend on the
vintage's wording (see :data:`UNITS` for the names and their units); :func:`describe` gives the
original titles, the preface, and which names had to be inferred.

Values keep the file's units: returns are in **percent** per period (2.89 means +2.89 %),
never divided by 100. ``-99.99`` and ``-999`` mean missing and become NaN.
"""

from __future__ import annotations

import io
import os
import re
import zipfile
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ..datasets import DatasetSpec
from ..errors import ParseError
from ..net import download
from ..provenance import sha256_bytes

PARSER_VERSION = 2  # 2: provenance records the main table (store entries of 1 lack it)
DEFAULT_BASE_URL = "https://mba.tuck.dartmouth.edu/pages/faculty/ken.french/ftp"

#: Units of each canonical table. Returns (and prior returns) are in percent per period, as in
#: the file; ``avg_size`` is the average market cap of a portfolio's firms in $ millions;
#: ``firms`` is a count (stored as float64 like every table); the characteristics (BE/ME, OP,
#: investment as log asset growth, E/P, D/P) are plain ratios. Tables with an unknown title get
#: a slug name and the units ``"unknown"`` (see :func:`units`).
UNITS: dict[str, str] = {
    "monthly": "percent",
    "annual": "percent",
    "vw_monthly": "percent",
    "ew_monthly": "percent",
    "vw_annual": "percent",
    "ew_annual": "percent",
    "firms": "count",
    "avg_size": "$ millions",
    "bm": "ratio",
    "bm_june": "ratio",
    "op": "ratio",
    "inv": "ratio",
    "ew_prior_ret": "percent",
    "vw_prior_ret": "percent",
    "sum_e_over_sum_me": "ratio",
    "vw_e_over_me": "ratio",
    "sum_d_over_sum_me": "ratio",
    "vw_d_over_me": "ratio",
}

#: Cell values that the library uses for "missing".
MISSING_VALUES = (-99.99, -999.0)

# Title (lower case, whitespace collapsed) -> canonical name; the first match wins, so the BE/ME
# rules come before the generic "average of X / ME" rule that would also match "BE/ME".
_TITLE_RULES: list[tuple[re.Pattern[str], str]] = [
    (re.compile(r"\bannual factors\b"), "annual"),
    (re.compile(r"value[ -]?weight(?:ed)? returns\b.*--\s*monthly"), "vw_monthly"),
    (re.compile(r"equal(?:ly)?[ -]?weight(?:ed)? returns\b.*--\s*monthly"), "ew_monthly"),
    (re.compile(r"value[ -]?weight(?:ed)? returns\b.*--\s*annual"), "vw_annual"),
    (re.compile(r"equal(?:ly)?[ -]?weight(?:ed)? returns\b.*--\s*annual"), "ew_annual"),
    (re.compile(r"\bnumber of firms\b"), "firms"),
    (re.compile(r"\baverage (?:market cap|firm size)\b"), "avg_size"),
    (re.compile(r"average of be[/_].*me\(dec t-1\)"), "bm"),
    (re.compile(r"average of be[/_].*(?:me_june t|me\(jun t\))"), "bm_june"),
    (re.compile(r"value weight(?:ed)? average of op\b"), "op"),
    (re.compile(r"rate of growth of assets|average of investment\b"), "inv"),
    (re.compile(r"\bequal(?:ly)?[ -]weight(?:ed)? average of prior returns\b"), "ew_prior_ret"),
    (re.compile(r"\bvalue[ -]weight(?:ed)? average of prior returns\b"), "vw_prior_ret"),
    (re.compile(r"\bsum of (e|d) / sum of me\b"), "sum_{0}_over_sum_me"),
    (re.compile(r"\bvalue weight(?:ed)? average of (e|d) / me\b"), "vw_{0}_over_me"),
]

_LINE_BREAK = re.compile(r"\r\n|\r|\n")
_DATA_LIKE = re.compile(r"^\s*\d+\s*,")  # a row key followed by a comma
_KEY = re.compile(r"\d{4}(?:\d{2})?")
_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?")  # no nan/inf/underscores
_ZIP_MAGIC = (b"PK\x03\x04", b"PK\x05\x06", b"PK\x07\x08")

_Fail = Callable[[str], ParseError]  # builds a ParseError that names the file


def base_url() -> str:
    """Library download folder; ``SMALLCAPS_FRENCH_BASE_URL`` overrides it (tests, mirrors)."""
    return os.environ.get("SMALLCAPS_FRENCH_BASE_URL", DEFAULT_BASE_URL).rstrip("/")


def url(name: str) -> str:
    """Download address of dataset ``name``: ``<base>/<name>_CSV.zip``."""
    return f"{base_url()}/{name}_CSV.zip"


def spec(name: str) -> DatasetSpec:
    """Catalogue entry for French dataset ``name``."""
    return DatasetSpec(
        dataset=f"french/{name}",
        source="french",
        snapshot_path=f"french/{name}.csv",
        parse=lambda raw: parse(raw, name=name),
        parser_version=PARSER_VERSION,
        main_table="monthly",  # factor files; portfolio files fall back to their first table
        fetch=lambda deadline: fetch(name, deadline=deadline),
        location=url(name),
        raw_name=f"{name}.csv",
        vintage=vintage,
    )


# ---------------------------------------------------------------------------------------------
# parsing


def units(table: str) -> str:
    """Units of canonical table ``table`` (``"unknown"`` for slug-named tables)."""
    return UNITS.get(table, "unknown")


def parse(raw: bytes, name: str = "") -> dict[str, pd.DataFrame]:
    """Parse a French data-library CSV into every table it holds.

    Parameters
    ----------
    raw
        The CSV bytes (the file inside ``<name>_CSV.zip``; see :func:`unpack`).
    name
        Dataset name, for error messages.

    Returns
    -------
    dict of str to DataFrame
        One frame per table, in file order, under canonical names: ``monthly`` and ``annual``
        in factor files; ``vw_monthly``, ``ew_monthly``, ``vw_annual``, ``ew_annual``,
        ``firms``, ``avg_size``, ``bm``, ``bm_june``, ``op``, ``inv``, ``ew_prior_ret``,
        ``vw_prior_ret``, ``sum_e_over_sum_me``, ``vw_e_over_me`` in portfolio files; any other
        title gives a slug of itself. Monthly tables have a ``PeriodIndex`` (freq ``M``) named
        ``month``, annual ones a ``PeriodIndex`` (freq ``Y``) named ``year``; columns are the
        header names, values float64 **in the file's units** (returns in percent, not divided
        by 100; :data:`UNITS` lists each table's units). ``-99.99`` and ``-999`` become NaN.
        A first table that lost its title (a file without its preface) is named by inference:
        ``monthly`` if it is the file's only monthly table (a factor file), ``vw_monthly`` if
        the next table is ``ew_monthly``, else ``untitled_<n>``; :func:`describe` reports it.

    Raises
    ------
    ParseError
        Empty, binary or non-UTF-8 input (e.g. the zip itself), no table, a data row with no
        header above it, a row whose number of values differs from its header, a non-numeric
        cell, a row key that is neither ``YYYY`` nor ``YYYYMM``, a file cut off in the middle
        of a row, duplicate periods in a table, or two tables with the same name.
    """
    return {t.name: t.frame for t in _read(raw, name).tables}


def describe(raw: bytes, name: str = "") -> dict:
    """What :func:`parse` found besides the numbers: titles, preface, inferred names.

    Parameters
    ----------
    raw, name
        As for :func:`parse`.

    Returns
    -------
    dict
        ``preface``: the descriptive text before the first table ("" if the file has none);
        ``notes``: other text outside the tables (the copyright line); ``tables``: for each
        table name, its original ``title`` ("" if untitled), ``inferred`` (True if the name
        was inferred rather than read from a title), ``frequency`` (``monthly``/``annual``),
        ``units``, ``line`` (of the header row), ``rows``, ``first`` and ``last`` period;
        ``inferred``: the names that were inferred.

    Raises
    ------
    ParseError
        As for :func:`parse`.
    """
    doc = _read(raw, name)
    tables = {
        t.name: {
            "title": t.title,
            "inferred": t.inferred,
            "frequency": "monthly" if t.freq == "M" else "annual",
            "units": units(t.name),
            "line": t.line,
            "rows": len(t.frame),
            "first": str(t.frame.index[0]),
            "last": str(t.frame.index[-1]),
        }
        for t in doc.tables
    }
    return {
        "preface": doc.preface,
        "notes": doc.notes,
        "tables": tables,
        "inferred": [t.name for t in doc.tables if t.inferred],
    }


@dataclass
class _Block:
    """A table as scanned: title lines, header, raw rows."""

    title_lines: list[str]
    line: int  # line number of the header row
    columns: list[str]
    keys: list[str] = field(default_factory=list)
    rows: list[list[float]] = field(default_factory=list)
    key_lines: list[int] = field(default_factory=list)

    @property
    def title(self) -> str:
        return "\n".join(s.strip() for s in self.title_lines)

    @property
    def norm_title(self) -> str:
        return " ".join(" ".join(self.title_lines).split()).lower()


@dataclass(frozen=True)
class _Table:
    name: str
    title: str
    inferred: bool
    freq: str
    line: int
    frame: pd.DataFrame


@dataclass(frozen=True)
class _Document:
    preface: str
    notes: list[str]
    tables: list[_Table]


def _read(raw: bytes, name: str) -> _Document:
    label = name or "French data file"

    def fail(msg: str) -> ParseError:
        return ParseError(f"{label}: {msg}")

    text = _decode(raw, fail)
    blocks, preface, notes = _scan(text, fail)
    names, inferred = _name_blocks(blocks)
    seen: dict[str, _Block] = {}
    tables = []
    for block, tname, inf in zip(blocks, names, inferred, strict=True):
        if tname in seen:
            other = seen[tname]
            raise fail(
                f"two tables are named {tname!r} (titles {other.norm_title!r} at line {other.line} and "
                f"{block.norm_title!r} at line {block.line})"
            )
        seen[tname] = block
        freq, frame = _frame(block, fail)
        tables.append(_Table(tname, block.title, inf, freq, block.line, frame))
    return _Document(preface="\n\n".join(preface), notes=notes, tables=tables)


def _decode(raw: bytes, fail: _Fail) -> str:
    if not raw or not raw.strip():
        raise fail("empty file")
    if raw.startswith(_ZIP_MAGIC):
        raise fail("this is a zip archive, not the CSV inside it (unpack it first)")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise fail(f"not a text CSV (invalid UTF-8 at byte {exc.start})") from None
    # NUL and other C0 controls (bar tab/CR/LF) never occur in the library's files
    bad = re.search(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]", text)
    if bad:
        raise fail(f"not a text CSV (control character {bad.group()!r} at character {bad.start()})")
    return text


def _scan(text: str, fail: _Fail) -> tuple[list[_Block], list[str], list[str]]:
    """Split the text into tables, the preface paragraphs and other notes."""
    lines = _LINE_BREAK.split(text)
    complete = lines[-1] == ""  # the text ends with a line break
    blocks: list[_Block] = []
    preface: list[str] = []
    notes: list[str] = []
    para: list[str] = []  # text lines since the last blank line: the title of a following header
    current: _Block | None = None

    def flush_para() -> None:
        if para:
            (notes if blocks else preface).append("\n".join(s.rstrip() for s in para))
            para.clear()

    def close() -> None:
        if current is not None and not current.rows:
            raise fail(f"the table whose header is at line {current.line} has no rows")

    for no, line in enumerate(lines, start=1):
        stripped = line.strip()
        if not stripped:
            close()
            current = None
            flush_para()
            continue
        if stripped.startswith(","):
            if current is not None:
                raise fail(f"line {no}: a header row inside the table begun at line {current.line}")
            title = list(para)
            para.clear()
            if not blocks and title and title[0].strip().lower().startswith("this file was created"):
                # the preface runs straight into the header: it is not a title
                preface.append("\n".join(s.rstrip() for s in title))
                title = []
            current = _Block(title, no, _header(stripped, no, fail))
            blocks.append(current)
            continue
        if current is not None:
            if stripped.lower().startswith("copyright"):  # a tail with no blank line before it
                close()
                current = None
                para.append(line)
                continue
            if no == len(lines) and not complete:
                raise fail(f"line {no}: the file ends in the middle of a row ({stripped[:30]!r}); truncated?")
            _row(current, stripped, no, fail)
            continue
        if _DATA_LIKE.match(line):
            raise fail(f"line {no}: data row {stripped[:30]!r} with no header row above it "
                       "(a header row starts with a comma)")
        para.append(line)
    close()
    flush_para()
    if not blocks:
        raise fail("no table found (no header row starting with a comma)")
    return blocks, preface, notes


def _split(line: str) -> list[str]:
    cells = [c.strip() for c in line.split(",")]
    # one trailing comma is harmless: the row just ends with an empty field
    if len(cells) > 1 and cells[-1] == "":
        cells.pop()
    return cells


def _header(line: str, no: int, fail: _Fail) -> list[str]:
    columns = _split(line)[1:]
    if not columns or any(c == "" for c in columns):
        raise fail(f"line {no}: header row {line[:60]!r} has an empty column name")
    dupes = sorted({c for c in columns if columns.count(c) > 1})
    if dupes:
        raise fail(f"line {no}: header row repeats column name(s) {', '.join(dupes)}")
    return columns


def _row(block: _Block, line: str, no: int, fail: _Fail) -> None:
    cells = _split(line)
    key, values = cells[0], cells[1:]
    if not _KEY.fullmatch(key):
        raise fail(f"line {no}: row key {key[:20]!r} is neither YYYY nor YYYYMM")
    if len(values) != len(block.columns):
        raise fail(
            f"line {no}: row {key} has {len(values)} values but the header at line {block.line} "
            f"has {len(block.columns)} columns"
        )
    out = []
    for col, cell in zip(block.columns, values, strict=True):
        if not _NUMBER.fullmatch(cell):
            raise fail(f"line {no}: non-numeric value {cell[:20]!r} in column {col!r} of row {key}")
        out.append(float(cell))
    block.keys.append(key)
    block.rows.append(out)
    block.key_lines.append(no)


def _name_blocks(blocks: list[_Block]) -> tuple[list[str], list[bool]]:
    """Canonical name of each table, and whether it was inferred (the table had no title)."""
    names: list[str | None] = [_canonical(b.norm_title) if b.title_lines else None for b in blocks]
    monthly = [len(b.keys[0]) == 6 for b in blocks]
    inferred = [n is None for n in names]
    for i in range(len(blocks)):
        if names[i] is not None:
            continue
        nxt = names[i + 1] if i + 1 < len(blocks) else None
        if i == 0 and monthly[0] and not any(monthly[1:]):
            names[i] = "monthly"  # a factor file: the monthly table leads, then annual factors
        elif monthly[i] and nxt == "ew_monthly" and "vw_monthly" not in names:
            names[i] = "vw_monthly"  # the library always puts value-weighted before equal-weighted
        else:
            names[i] = f"untitled_{i + 1}"
    return [str(n) for n in names], inferred


def _canonical(title: str) -> str:
    for pattern, template in _TITLE_RULES:
        m = pattern.search(title)
        if m:
            return template.format(*m.groups())
    slug = re.sub(r"[^a-z0-9]+", "_", title).strip("_")
    return slug[:60].rstrip("_") or "untitled"


def _frame(block: _Block, fail: _Fail) -> tuple[str, pd.DataFrame]:
    lengths = {len(k) for k in block.keys}
    if len(lengths) > 1:
        raise fail(f"the table at line {block.line} mixes YYYY and YYYYMM row keys")
    keys = np.array([int(k) for k in block.keys], dtype=np.int64)
    if lengths == {6}:
        year, month = keys // 100, keys % 100
        bad = np.flatnonzero((month < 1) | (month > 12))
        if bad.size:
            i = int(bad[0])
            raise fail(f"line {block.key_lines[i]}: row key {block.keys[i]} is not a valid YYYYMM month")
        freq, index_name, ordinals = "M", "month", (year - 1970) * 12 + month - 1
    else:
        freq, index_name, ordinals = "Y", "year", keys - 1970
    seen: dict[int, int] = {}
    for i, o in enumerate(ordinals.tolist()):
        if o in seen:
            raise fail(f"line {block.key_lines[i]}: period {block.keys[i]} appears twice in the table at line "
                       f"{block.line} (also line {block.key_lines[seen[o]]})")
        seen[o] = i
    values = np.array(block.rows, dtype=np.float64)
    values[np.isin(values, MISSING_VALUES)] = np.nan
    index = pd.PeriodIndex.from_ordinals(ordinals, freq=freq, name=index_name)
    return freq, pd.DataFrame(values, index=index, columns=pd.Index(block.columns))


# ---------------------------------------------------------------------------------------------
# vintage, unpacking, download


def vintage(raw: bytes, tables: dict[str, pd.DataFrame], note: str) -> str:
    """The file's vintage: ``"CRSP 202511"`` or, failing that, ``"data through 2025-11"``.

    Parameters
    ----------
    raw
        The CSV bytes; its preface says "...using the 202511 CRSP database".
    tables
        The parsed tables (used when neither the preface nor ``note`` names a vintage).
    note
        The snapshot manifest's note for the file ("... CRSP 202412 vintage ..."), or "".

    Returns
    -------
    str
        ``"CRSP YYYYMM"`` from the preface, else from ``note``, else ``"data through <last
        period>"`` of the main table (``monthly``, else the first monthly table), else "".
    """
    head = raw[:4096].decode("utf-8", errors="replace")
    m = re.search(r"using the (\d{6}) CRSP database", head, flags=re.IGNORECASE)
    if m is None:
        m = re.search(r"CRSP\s+(\d{6})", note or "")
    if m is not None:
        return f"CRSP {m.group(1)}"
    monthly = [t for t in tables.values() if isinstance(t.index, pd.PeriodIndex) and t.index.freqstr == "M"]
    main = tables.get("monthly", monthly[0] if monthly else next(iter(tables.values()), None))
    if main is None or len(main) == 0:
        return ""
    return f"data through {main.index.max()}"


def unpack(payload: bytes, name: str) -> bytes:
    """The CSV inside a library download ``<name>_CSV.zip``.

    Parameters
    ----------
    payload
        The zip archive's bytes.
    name
        Dataset name, for error messages and to choose among several CSV members.

    Returns
    -------
    bytes
        The single ``.csv`` member (any case of the extension, any member name).

    Raises
    ------
    ParseError
        Not a zip, a truncated or corrupt zip, no CSV member, or several with none named
        ``<name>.csv``.
    """
    return _unpack(payload, name)[1]


def _unpack(payload: bytes, name: str) -> tuple[str, bytes]:
    label = f"french/{name}"
    try:
        with zipfile.ZipFile(io.BytesIO(payload)) as zf:
            members = [i for i in zf.infolist()
                       if not i.is_dir() and i.filename.lower().endswith(".csv")
                       and not i.filename.startswith("__MACOSX/")]
            if len(members) > 1:  # never seen in the library; take the one named after the dataset
                members = [i for i in members if os.path.basename(i.filename).lower() == f"{name.lower()}.csv"]
            if len(members) != 1:
                listed = ", ".join(zf.namelist()[:5]) or "nothing"
                raise ParseError(f"{label}: the zip holds no single CSV file (it holds: {listed})")
            return members[0].filename, zf.read(members[0])
    except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError, ValueError, OSError) as exc:
        # BadZipFile: not a zip / truncated / CRC mismatch; EOFError, zlib.error: cut-off data
        raise ParseError(f"{label}: not a readable zip archive ({type(exc).__name__}: {exc})"[:300]) from None


def fetch(name: str, *, deadline: float, retries: int = 2, backoff: float = 1.0) -> tuple[bytes, dict]:
    """Download ``<name>_CSV.zip`` and return the CSV inside it.

    Parameters
    ----------
    name
        Dataset name, e.g. ``F-F_Research_Data_Factors``.
    deadline
        Overall limit in seconds for the download, retries included.
    retries, backoff
        Passed to :func:`smallcaps.net.download`.

    Returns
    -------
    tuple of bytes and dict
        The CSV bytes (not parsed here: the loader parses them) and extra provenance: ``url``,
        ``zip_sha256`` (of the archive as downloaded) and ``zip_member``.

    Raises
    ------
    FetchError
        HTTP error, deadline exceeded, truncated or empty download.
    ParseError
        The download is not a zip holding one CSV.
    """
    address = url(name)
    payload = download(address, deadline=deadline, retries=retries, backoff=backoff, what=f"french/{name}")
    member, csv = _unpack(payload, name)
    return csv, {"url": address, "zip_sha256": sha256_bytes(payload), "zip_member": member}
