"""Exceptions raised by smallcaps.

Every error a reader can cause (a bad parameter, a missing or corrupt file, a dead network)
is a subclass of :class:`SmallcapsError` and carries a one-line message that names the thing
at fault and, where there is one, the valid range.
"""

from __future__ import annotations


class SmallcapsError(Exception):
    """Base class: an error with a one-line message meant for the reader."""


class ParameterError(SmallcapsError, ValueError):
    """A chapter or command parameter is invalid (names the parameter and the valid range)."""


class DataError(SmallcapsError):
    """Data could not be found or parsed (names the dataset or file)."""


class ParseError(DataError):
    """A source file does not have the format its parser expects."""


class IntegrityError(DataError):
    """A file's sha256 does not match the one recorded for it (names the file)."""


class NotAvailableOffline(DataError):
    """The dataset is neither in the store nor in the snapshot, and the network is not allowed
    (offline mode, or a snapshot is selected: going to the network is an explicit choice)."""


class FetchError(DataError):
    """A live download failed: HTTP error, timeout past the deadline, truncated or empty payload."""


class OfflineError(FetchError):
    """Code tried to open a network connection while offline mode was on."""
