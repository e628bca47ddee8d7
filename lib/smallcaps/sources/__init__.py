"""Data sources: one small module per publisher, one job each.

Each module parses the publisher's own file format into pandas frames and, for live use,
downloads it. Modules know nothing about the store or the snapshot: :mod:`smallcaps.data`
decides where bytes come from and keeps provenance.

The contract every parser follows:

* ``parse(raw: bytes, ...) -> dict[str, pandas.DataFrame]``: named tables. A parser either
  returns correct frames or raises :class:`~smallcaps.errors.ParseError` with a one-line
  message naming the file and what is wrong (never silently returns garbage).
* ``PARSER_VERSION``: an int bumped whenever the parsed output changes, so that the store
  re-parses instead of serving stale frames.
* ``fetch(..., deadline=...)``: live download returning the raw bytes in the same format the
  parser reads (and the snapshot holds), plus a dict of extra provenance.

Modules: :mod:`.french` (Kenneth French data library), :mod:`.fred` (FRED CSV),
:mod:`.cboe` (VIX history), :mod:`.shiller` (ie_data.xls), :mod:`.yahoo` (adjusted closes via
yfinance), :mod:`.membership` (point-in-time index membership from pitindex), and
:mod:`.moves_csv` (a user's list of index moves), :mod:`.members_earnings_csv` (index members
with their net income) and :mod:`.spiva_csv` (the share of active funds beaten by their
benchmark): user files, whose parsers raise :class:`~smallcaps.errors.ParameterError`, since the
file is a parameter the user gave, and which are read through
:meth:`smallcaps.data.DataSession.user_file`.
"""
