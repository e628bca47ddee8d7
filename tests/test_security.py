"""Review case X1: no code runs from data. The package, the scripts and the benchmarks never call
``eval``/``exec``, unpickle, load YAML unsafely or run a shell on a string (values a user gives,
such as ``-p`` parameters and CSV files, stay data)."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FORBIDDEN = {
    "eval or exec": re.compile(r"(?<![\w.])(?:eval|exec)\s*\("),
    "pickle": re.compile(r"\bc?pickle\b|\bdill\b|\bjoblib\.load\b|read_pickle"),
    "unsafe YAML": re.compile(r"yaml\.(?:load|unsafe_load|full_load)\s*\("),
    "a shell": re.compile(r"shell\s*=\s*True|os\.system\s*\(|os\.popen\s*\("),
}


def _sources():
    for folder in ("lib/smallcaps", "bench", "scripts"):
        for p in sorted((ROOT / folder).rglob("*")):
            if p.is_file() and (p.suffix == ".py" or p.parent.name == "scripts"):
                yield p


def test_the_audit_finds_what_it_looks_for():
    assert FORBIDDEN["eval or exec"].search("x = eval(s)") and not FORBIDDEN["eval or exec"].search("literal_eval(s)")
    assert FORBIDDEN["unsafe YAML"].search("yaml.load(f)") and not FORBIDDEN["unsafe YAML"].search("yaml.safe_load(f)")
    assert FORBIDDEN["a shell"].search("subprocess.run(cmd, shell=True)")


def test_no_code_runs_from_data():
    files = list(_sources())
    assert len(files) > 100  # the package, the benchmarks and the scripts were read
    found = [f"{p.relative_to(ROOT)}:{i}: {what}" for p in files
             for i, line in enumerate(p.read_text(errors="replace").splitlines(), 1)
             for what, rx in FORBIDDEN.items() if rx.search(line)]
    assert found == []
