"""Running ``jupyter-book build`` (Jupyter Book 1.x) and reading its warnings.

Both the HTML site (:mod:`smallcaps.book.runner`) and the single-page build behind the PDF
(:mod:`smallcaps.book.pdf`) use it; it sits below both so that neither imports the other.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from ..errors import SmallcapsError


class BuildError(SmallcapsError):
    """The HTML build failed (a Sphinx warning in strict mode, or an error)."""


def jupyter_book(src: Path, *, strict: bool, log: Path | None = None,
                 builder: str = "html") -> subprocess.CompletedProcess:
    """Run ``jupyter-book build`` on ``src`` (HTML into ``src/_build/<builder>``)."""
    # jupyter_book has no __main__; call its click entry point in a fresh interpreter so Sphinx
    # state never leaks between builds
    cmd = [sys.executable, "-c", "import sys; from jupyter_book.cli.main import main; sys.exit(main())",
           "build", str(src), "--builder", builder]
    if strict:
        cmd += ["-W", "-n", "--keep-going"]
    env = {**os.environ, "PYTHONWARNINGS": "ignore::DeprecationWarning"}
    proc = subprocess.run(cmd, capture_output=True, text=True, env=env)
    if log is not None:
        log.write_text(proc.stdout + "\n" + proc.stderr)
    return proc


def _warnings_of(proc: subprocess.CompletedProcess) -> list[str]:
    import re

    text = re.sub(r"\x1b\[[0-9;]*m", "", proc.stdout + "\n" + proc.stderr)
    out = []
    for ln in text.splitlines():
        if "WARNING" in ln or "ERROR" in ln or "Traceback" in ln:
            ln = ln.strip()
            if ln not in out:
                out.append(ln)
    return out
