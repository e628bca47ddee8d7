"""The preamble every CSV source shares: decode, refuse an error page, split into rows."""

from __future__ import annotations

import csv
import io

from ..errors import ParseError


def csv_rows(raw: bytes, what: str) -> list[list[str]]:
    """Non-blank CSV rows of ``raw`` (header first).

    Raises
    ------
    ParseError
        Not UTF-8, an HTML/XML page saved in place of the data, or an empty file; the
        message starts with ``what`` (the file or series).
    """
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ParseError(f"{what}: not UTF-8 text ({exc.reason} at byte {exc.start})") from None
    if text.lstrip().startswith("<"):  # an error page saved in place of the data
        raise ParseError(f"{what}: the file is an HTML/XML page, not a CSV")
    rows = [r for r in csv.reader(io.StringIO(text)) if r and any(c.strip() for c in r)]
    if not rows:
        raise ParseError(f"{what}: the file is empty")
    return rows
