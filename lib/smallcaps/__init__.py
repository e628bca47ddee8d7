"""Small Caps on Trial: data sources, a provenance-keeping store, analytics and the book runner.

Data flows one way: sources -> store -> analytics -> notebook -> book.

* :mod:`smallcaps.data` -- :class:`~smallcaps.data.DataSession`, the one door to every dataset.
* :mod:`smallcaps.sources` -- one parser/downloader per publisher.
* :mod:`smallcaps.store`, :mod:`smallcaps.snapshot` -- where bytes live, with provenance.
"""

from importlib.metadata import PackageNotFoundError, version

try:  # one place for the version: pyproject.toml, read from the installed metadata
    __version__ = version("smallcaps")
except PackageNotFoundError:  # imported from a source tree that was never installed
    __version__ = "0+unknown"
