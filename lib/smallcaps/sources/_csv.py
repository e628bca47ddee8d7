"""The preamble every CSV source shares: decode, refuse an error page, split into rows."""

from __future__ import annotations

import csv
import io
import re

from ..errors import ParameterError, ParseError

#: Characters that Markdown, MyST or HTML would read as markup in a book table: a user's free
#: text holding them is refused, so that nothing from a file reaches a page as markup.
MARKUP = re.compile(r"[<>`{}|\[\]]")


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


def plain_text(value: str, parameter: str, row: int, column: str, example: str) -> str:
    """``value`` (a free-text cell of a user's file that a page shows) if it holds no markup.

    Raises
    ------
    ParameterError
        One line naming the parameter, the row and the column, e.g. ``ousm_holdings_csv row 3:
        sector='<img src=x …' holds markup characters (< > ` { } | [ ]); give plain text (e.g.
        Industrials)``.
    """
    if MARKUP.search(value):
        raise ParameterError(f"{parameter} row {row}: {column}={value[:20]!r} holds markup characters "
                             f"(< > ` {{ }} | [ ]); give plain text (e.g. {example})")
    return value
