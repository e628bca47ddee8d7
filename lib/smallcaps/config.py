"""Settings: data mode, snapshot and store locations.

Resolution order for each setting: an explicit argument, then the environment, then the
project default.

=====================  ==========================  ===========================================
setting                environment                 default
=====================  ==========================  ===========================================
mode                   ``SMALLCAPS_MODE``          ``auto``; ``offline`` if
                       (``SMALLCAPS_OFFLINE=1``)   ``SMALLCAPS_OFFLINE`` is ``1``/``true``
snapshot               ``SMALLCAPS_SNAPSHOT``      the reference snapshot ``../shared/data``
                                                   beside the checkout, when it exists
store                  ``SMALLCAPS_STORE``         ``<checkout>/.store`` (gitignored), or
                                                   ``~/.cache/smallcaps/store`` outside one
unverified snapshot    ``SMALLCAPS_UNVERIFIED_``   off: a snapshot without ``MANIFEST.tsv`` is
                       ``SNAPSHOT=1``              refused (``--unverified-snapshot`` opts in)
=====================  ==========================  ===========================================

Modes
-----
``offline``
    Never opens a network connection: the snapshot, then live copies already in the store. The
    default in tests and CI.
``auto``
    The same, and, **only when no snapshot is selected** (``--snapshot none``), the network for
    what the store lacks.
``refresh``
    Fetch again from the publisher and replace the store's copy (the only mode that goes to the
    network with a snapshot selected; ``smallcaps data fetch`` uses it).

When a snapshot is selected it is authoritative for every file it holds (in ``offline`` and
``auto``): the store then only caches the parsed form of those exact bytes, so results computed
"on the snapshot" never mix in live data fetched earlier. A file the snapshot lacks is served
only from a live copy already in the store (fetched explicitly with ``smallcaps data fetch``,
and labelled ``live`` in every provenance line); otherwise the error names the snapshot and the
file. Going to the network is always an explicit choice: ``--mode refresh``, ``smallcaps data
fetch``, or ``auto`` with ``--snapshot none``.

A snapshot is *verified* when it has a ``MANIFEST.tsv``: every file read is checked against its
sha256. A snapshot without one is refused unless the user opts in; then every page, the data
appendix and the provenance of every file say the data were not verified.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from .errors import ParameterError

MODES = ("offline", "auto", "refresh")
#: The snapshot's manifest (``path``, ``sha256``...); also :data:`smallcaps.snapshot.MANIFEST`.
MANIFEST = "MANIFEST.tsv"
#: Environment variable that accepts a snapshot without a manifest (``--unverified-snapshot``).
UNVERIFIED_ENV = "SMALLCAPS_UNVERIFIED_SNAPSHOT"
_PKG_DIR = Path(__file__).resolve().parent


def project_root() -> Path | None:
    """The checkout this package is installed from (editable install), or None."""
    root = _PKG_DIR.parent.parent
    return root if (root / "pyproject.toml").is_file() and (root / "lib").is_dir() else None


def reference_snapshot() -> Path | None:
    """The project's reference snapshot (``../shared/data`` beside the checkout), if present."""
    root = project_root()
    if root is None:
        return None
    cand = (root.parent / "shared" / "data").resolve()
    return cand if cand.is_dir() else None


def _truthy(value: str | None) -> bool:
    return (value or "").strip().lower() in {"1", "true", "yes", "on"}


@dataclass(frozen=True)
class Settings:
    """Resolved data settings for one session.

    Attributes
    ----------
    mode
        ``offline``, ``auto`` or ``refresh``.
    snapshot
        Snapshot directory, or None for none.
    store
        Store directory.
    unverified_snapshot
        True if the user accepts a snapshot without ``MANIFEST.tsv`` (its files unverified).
    """

    mode: str
    snapshot: Path | None
    store: Path
    unverified_snapshot: bool = False

    @property
    def may_fetch(self) -> bool:
        """Whether loads may go to the network: ``refresh``, or ``auto`` with no snapshot."""
        return self.mode == "refresh" or (self.mode == "auto" and self.snapshot is None)

    def check_snapshot(self) -> None:
        """Refuse a snapshot without ``MANIFEST.tsv`` unless the user opted in.

        Raises
        ------
        ParameterError
            One line naming the folder, that it has no manifest, and how to opt in.
        """
        if self.snapshot is None or self.unverified_snapshot or (self.snapshot / MANIFEST).is_file():
            return
        raise ParameterError(
            f"snapshot={self.snapshot} has no {MANIFEST}, so its files cannot be verified; give a snapshot with "
            f"its manifest, or accept unverified data with --unverified-snapshot (SMALLCAPS_UNVERIFIED_SNAPSHOT=1)"
        )

    @classmethod
    def resolve(
        cls,
        mode: str | None = None,
        snapshot: str | os.PathLike | None = None,
        store: str | os.PathLike | None = None,
        unverified_snapshot: bool | None = None,
    ) -> Settings:
        """Resolve settings from arguments, environment and defaults.

        ``unverified_snapshot`` None reads ``SMALLCAPS_UNVERIFIED_SNAPSHOT``. Resolving does not
        refuse a snapshot without a manifest: :meth:`check_snapshot` does.

        Raises
        ------
        ParameterError
            Unknown mode, or a snapshot path that is not a directory.
        """
        env = os.environ
        forced_offline = _truthy(env.get("SMALLCAPS_OFFLINE"))
        explicit = mode not in (None, "")
        if not explicit:
            mode = "offline" if forced_offline else (env.get("SMALLCAPS_MODE") or "auto")
        mode = str(mode).strip().lower()
        if mode not in MODES:
            raise ParameterError(f"mode={mode!r} is not a data mode; valid: {', '.join(MODES)}")
        # SMALLCAPS_OFFLINE=1 is a promise that nothing touches the network: asking for more is an error
        if forced_offline and mode != "offline":
            raise ParameterError(
                f"mode={mode!r} needs the network but SMALLCAPS_OFFLINE=1 is set; valid here: offline"
            )

        snap_raw = snapshot if snapshot not in (None, "") else env.get("SMALLCAPS_SNAPSHOT")
        if snap_raw in (None, ""):
            snap = reference_snapshot()
        elif str(snap_raw).lower() == "none":
            snap = None
        else:
            snap = Path(snap_raw).expanduser().resolve()
            if not snap.is_dir():
                raise ParameterError(
                    f"snapshot={snap_raw!s} is not a directory; give a folder laid out like shared/data")

        store_raw = store if store not in (None, "") else env.get("SMALLCAPS_STORE")
        if store_raw in (None, ""):
            root = project_root()
            st = (root / ".store") if root is not None else Path.home() / ".cache" / "smallcaps" / "store"
        else:
            st = Path(store_raw).expanduser().resolve()
        if unverified_snapshot is None:
            unverified_snapshot = _truthy(env.get(UNVERIFIED_ENV))
        return cls(mode=mode, snapshot=snap, store=st, unverified_snapshot=bool(unverified_snapshot))
