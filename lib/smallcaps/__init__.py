"""Small Caps on Trial: data sources, a provenance-keeping store, the claims and the book runner.

Data flow one way: sources -> data (store, snapshot) -> analytics -> claims -> book.

* :mod:`smallcaps.data` -- :class:`~smallcaps.data.DataSession`, the one door to every dataset.
* :mod:`smallcaps.claims` -- the 22 claims as objects; :func:`evaluate` runs one without a notebook.
* :mod:`smallcaps.book` -- the chapter kit, the results files and the runner.

>>> import smallcaps                                        # doctest: +SKIP
>>> smallcaps.evaluate("V4")                                # doctest: +SKIP
>>> smallcaps.claims.get("R1").summary()                    # doctest: +SKIP
"""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version

try:  # one place for the version: pyproject.toml, read from the installed metadata
    __version__ = version("smallcaps")
except PackageNotFoundError:  # imported from a source tree that was never installed
    __version__ = "0+unknown"


def evaluate(claim_id, **kwargs):
    """Evaluate one claim; see :func:`smallcaps.claims.evaluate`."""
    from .claims import evaluate as _evaluate

    return _evaluate(claim_id, **kwargs)


def __getattr__(name):
    if name == "claims":  # lazy: `import smallcaps` stays cheap
        import importlib

        return importlib.import_module(".claims", __name__)
    raise AttributeError(f"module 'smallcaps' has no attribute {name!r}")
