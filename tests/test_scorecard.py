"""The scorecard: one row per claim id of ../shared/theses.md, built only from results files;
a missing result shows as missing and fails the completeness check (and the notebook)."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from smallcaps.book import CHAPTERS, THESIS_CLAIMS
from smallcaps.book.results import ChapterResults, ClaimResult, Sample, Statistic
from smallcaps.book.scorecard import MISSING, Scorecard, Table, check_complete
from smallcaps.errors import DataError

ROOT = Path(__file__).resolve().parents[1]
THESES = ROOT.parent / "shared" / "theses.md"


def theses_ids() -> list[str]:
    ids = re.findall(r"^\|\s*([RMVG]\d)\s*\|", THESES.read_text(), flags=re.M)
    assert ids, f"no claim ids found in {THESES}"
    return ids


@pytest.mark.skipif(not THESES.is_file(), reason="the project's theses file ../shared/theses.md is not beside "
                    "this clone (the committed results check the ids below)")
def test_claim_ids_match_the_theses_file():
    ours = [cid for ids in THESIS_CLAIMS.values() for cid in ids]
    assert ours == theses_ids()


def test_claim_ids_match_the_committed_results():
    book = ROOT / "book"
    for chapter, ids in THESIS_CLAIMS.items():
        committed = ChapterResults.read(book / f"{chapter}.results.json")
        assert [c.id for c in committed.claims] == list(ids), chapter
    assert sum(len(ids) for ids in THESIS_CLAIMS.values()) == 22


def _result(cid: str, verdict: str = "supported") -> ClaimResult:
    return ClaimResult(id=cid, claim=f"claim {cid}", rule="rule", verdict=verdict,
                       statistic=Statistic("effect", 1.5, "pp", 0.5, 2.5, 0.95, "HAC"),
                       sample=Sample("2000-01-01", "2020-12-31", 252, "monthly"), data_vintage="v",
                       section=cid.lower(), note="" if verdict != "untestable with available data" else "needs X")


def _write(folder: Path, chapter: str, verdicts: dict[str, str] | None = None) -> None:
    claims = [_result(cid, (verdicts or {}).get(cid, "supported")) for cid in THESIS_CLAIMS[chapter]]
    ChapterResults(chapter, chapter.title(), {"start": "2000-01-01", "end": "2020-12-31", "as_of": "2020-12-31"},
                   [{"dataset": "french/x", "last": "2020-12", "vintage": "CRSP 202012"}], claims).write(folder)


def test_table_has_one_row_per_claim_and_shows_missing(tmp_path):
    for ch in ("rotation", "momentum", "valuation"):
        _write(tmp_path, ch)
    card = Scorecard.read(tmp_path)
    t = card.table()
    assert list(t.index) == [cid for ids in THESIS_CLAIMS.values() for cid in ids]  # the theses' order
    assert set(t.loc[list(THESIS_CLAIMS["graduation"]), "verdict"]) == {MISSING}
    assert (t.drop(list(THESIS_CLAIMS["graduation"]))["verdict"] == "supported").all()
    assert card.missing() == list(THESIS_CLAIMS["graduation"])
    with pytest.raises(DataError, match="G1, G2, G3, G4, G5"):
        check_complete(card)


def test_complete_scorecard_passes_and_counts(tmp_path):
    _write(tmp_path, "rotation",
           {"R2": "partly supported", "R5": "not supported", "R7": "untestable with available data"})
    for ch in ("momentum", "valuation", "graduation"):
        _write(tmp_path, ch)
    card = Scorecard.read(tmp_path)
    check_complete(card)
    counts = card.counts()
    assert counts.loc["Rotation toward quality small caps"].to_dict() == {
        "supported": 4, "partly supported": 1, "inconclusive": 0, "not supported": 1,
        "untestable with available data": 1, "missing": 0}
    assert int(counts.values.sum()) == 22
    assert card.headline() == "19 of 22 claims supported, 1 partly, 1 not supported, 1 untestable"
    text = card.synthesis("rotation")
    assert "of 7 claims, 4 supported, 1 partly supported, 1 not supported, 1 untestable with available data" in text
    # the rule here uses no interval, so the deciding number is shown without one (1 decimal for pp)
    assert "R5, effect: 1.5 pp." in text


def test_html_links_each_claim_to_its_section(tmp_path):
    for ch in THESIS_CLAIMS:
        _write(tmp_path, ch)
    html = Scorecard.read(tmp_path).html_table()
    for chapter, ids in THESIS_CLAIMS.items():
        page = CHAPTERS[chapter].replace(".ipynb", ".html")
        for cid in ids:
            assert f'href="{page}#{cid.lower()}"' in html
    assert html.count("<tr") == 22 + 4 + 1  # claims, thesis headers, header row
    assert "missing" not in repr(Table(Scorecard.read(tmp_path)))


def test_no_link_for_a_chapter_that_did_not_run(tmp_path):
    _write(tmp_path, "rotation")
    html = Scorecard.read(tmp_path).html_table()
    assert 'href="momentum.html' not in html and 'href="rotation.html#r1"' in html


# -- the committed scorecard and the notebook --------------------------------------------------


def test_committed_scorecard_is_complete():
    card = Scorecard.read(ROOT / "book")
    assert card.missing() == [], f"claims without a committed result: {card.missing()}"


@pytest.mark.book
@pytest.mark.timeout(300)
def test_notebook_fails_when_a_chapter_result_is_removed(tmp_path, snapshot_dir, monkeypatch):
    """Removing one chapter's results makes the scorecard notebook fail, naming the claims."""
    import papermill as pm

    for res in (ROOT / "book").glob("*.results.json"):
        shutil.copy2(res, tmp_path / res.name)
    (tmp_path / "valuation.results.json").unlink()
    monkeypatch.setenv("SMALLCAPS_OFFLINE", "1")
    with pytest.raises(pm.PapermillExecutionError, match="V1, V2, V3, V4, V5"):
        pm.execute_notebook(str(ROOT / "book" / "scorecard.ipynb"), str(tmp_path / "out.ipynb"), cwd=str(tmp_path),
                            kernel_name="python3", progress_bar=False)
    # a partial run shows the missing claims instead of failing
    pm.execute_notebook(str(ROOT / "book" / "scorecard.ipynb"), str(tmp_path / "partial.ipynb"), cwd=str(tmp_path),
                        kernel_name="python3", progress_bar=False, parameters={"require_complete": False})
    text = (tmp_path / "partial.ipynb").read_text()
    assert "missing" in text and "V1" in text


def test_data_as_of_says_which_chapters_read_unverified_data(tmp_path):
    """S05: results from a snapshot without a manifest carry ``"verified": false`` per file; the
    scorecard page says so (and says nothing when every file was verified)."""
    for ch in THESIS_CLAIMS:
        _write(tmp_path, ch)
    assert "not verified" not in Scorecard.read(tmp_path).data_as_of()
    for ch in ("valuation", "rotation"):
        res = ChapterResults.read(tmp_path / f"{ch}.results.json")
        res.data = [{**d, "origin": "snapshot", "verified": False} for d in res.data]
        res.write(tmp_path)
    text = Scorecard.read(tmp_path).data_as_of()
    assert text.startswith("**Data not verified:** the results of the rotation and valuation chapters come from a "
                           "snapshot without MANIFEST.tsv; its files were not checked against published sha256 sums "
                           "(accepted with `--unverified-snapshot`).\n\n**Data as of:**")
