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
=====================  ==========================  ===========================================

Modes
-----
``offline``
    Never opens a network connection: the store, then the snapshot. The default in tests and CI.
``auto``
    The store, then the snapshot, then the network for what neither has.
``refresh``
    Fetch again from the publisher and replace the store's copy.

When a snapshot is selected it is authoritative for every file it holds (in ``offline`` and
``auto``): the store then only caches the parsed form of those exact bytes, so results computed
"on the snapshot" never mix in live data fetched earlier.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from .errors import ParameterError

MODES = ("offline", "auto", "refresh")

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
    """

    mode: str
    snapshot: Path | None
    store: Path

    @classmethod
    def resolve(
        cls,
        mode: str | None = None,
        snapshot: str | os.PathLike | None = None,
        store: str | os.PathLike | None = None,
    ) -> Settings:
        """Resolve settings from arguments, environment and defaults.

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
        return cls(mode=mode, snapshot=snap, store=st)
