"""Small Caps on Trial: data sources, a provenance-keeping store, analytics and the book runner.

Data flows one way: sources -> store -> analytics -> notebook -> book.

* :mod:`smallcaps.data` -- :class:`~smallcaps.data.DataSession`, the one door to every dataset.
* :mod:`smallcaps.sources` -- one parser/downloader per publisher.
* :mod:`smallcaps.store`, :mod:`smallcaps.snapshot` -- where bytes live, with provenance.
"""

__version__ = "0.1.0"
