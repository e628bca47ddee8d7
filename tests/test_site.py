"""The HTML book: a strict build (any Sphinx warning fails) from the committed notebooks, and a
real-browser check of every page in _toc.yml with Debian's Chromium driven by Playwright.

The browser check asserts that each page loads, shows no Python traceback, decodes every
image, has its internal links resolve, and has tables where the page is expected to have them;
it saves a screenshot of each page in the site folder (``_screenshots/``).
"""

from __future__ import annotations

import functools
import http.server
import threading
from pathlib import Path
from urllib.parse import urljoin, urlparse

import pytest
import yaml

from smallcaps.book import runner

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]

#: Minimum number of tables each page must show (0: none required).
EXPECTED_TABLES = {"book/intro": 1, "book/data": 4, "book/rotation": 2, "book/momentum": 2, "book/valuation": 2,
                   "book/graduation": 2, "book/robustness": 3, "book/scorecard": 1,
                   "book/references": 0}


def toc_pages() -> list[str]:
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text())
    pages = [toc["root"]]
    for part in toc.get("parts", []):
        pages += [c["file"] for c in part.get("chapters", [])]
    return pages


@pytest.fixture(scope="module")
def site() -> Path:
    """Build the committed book (strict, from scratch) into the checkout's _build/html."""
    return runner.build(strict=True, fresh=True)


@pytest.mark.book
def test_every_toc_page_is_built(site):
    missing = [p for p in toc_pages() if not (site / f"{p}.html").is_file()]
    assert not missing, f"pages in _toc.yml not built: {missing}"


@pytest.mark.book
def test_strict_build_fails_on_a_warning(tmp_path):
    """-W -n --keep-going: a broken reference must fail the build, not pass with a warning."""
    stage = tmp_path / "src"
    runner._stage(ROOT, stage, ROOT / "book", ["data"], toc=True)
    intro = stage / "book" / "intro.md"
    intro.write_text(intro.read_text() + "\n\nSee {ref}`no-such-target`.\n")
    with pytest.raises(runner.BuildError, match="no-such-target"):
        runner.build_site(stage, tmp_path / "html", strict=True)
    assert not (tmp_path / "html").exists(), "a failed build must not leave a site"


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def served(site):
    handler = functools.partial(_QuietHandler, directory=str(site))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}/"
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture(scope="module")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: run scripts/install-chromium (make test does)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.mark.book
@pytest.mark.network_local
@pytest.mark.parametrize("page", toc_pages())
def test_page_in_browser(page, site, served, browser):
    url = urljoin(served, f"{page}.html")
    tab = browser.new_page(viewport={"width": 1280, "height": 900})
    failed: list[str] = []
    tab.on("requestfailed", lambda req: failed.append(req.url) if req.url.startswith(served) else None)
    response = tab.goto(url, wait_until="load")
    assert response is not None and response.status == 200, f"{url} did not load"
    tab.wait_for_load_state("networkidle")

    body = tab.inner_text("article")
    assert "Traceback (most recent call last)" not in body, f"{page} shows a Python traceback"
    errors = tab.locator("article .output.traceback, article .output.error, article .cell_output .stderr").count()
    assert errors == 0, f"{page} shows {errors} error output(s)"

    images = tab.evaluate("Array.from(document.querySelectorAll('article img')).map(i => [i.src, i.complete, i.naturalWidth])")
    broken = [src for src, complete, width in images if not complete or width == 0]
    assert not broken, f"{page}: images that do not decode: {broken}"

    tables = tab.locator("article table").count()
    assert tables >= EXPECTED_TABLES.get(page, 0), f"{page}: {tables} tables, expected at least {EXPECTED_TABLES.get(page, 0)}"

    # internal links: every same-site href resolves to a built file, and its #anchor exists there
    hrefs = tab.evaluate("Array.from(document.querySelectorAll('a[href]')).map(a => a.href)")
    bad = []
    for href in hrefs:
        parsed = urlparse(href)
        if not href.startswith(served) or parsed.path.endswith("/"):
            continue
        target = site / parsed.path.lstrip("/")
        if not target.is_file():
            bad.append(href)
            continue
        if parsed.fragment and target.suffix == ".html":
            html = target.read_text(encoding="utf-8", errors="replace")
            if f'id="{parsed.fragment}"' not in html:
                bad.append(href)
    assert not bad, f"{page}: internal links that do not resolve: {sorted(set(bad))[:10]}"
    assert not failed, f"{page}: resources failed to load: {failed[:5]}"

    shots = site / "_screenshots"
    shots.mkdir(exist_ok=True)
    tab.screenshot(path=str(shots / f"{page.replace('/', '_')}.png"), full_page=True)
    tab.close()


@pytest.mark.book
@pytest.mark.network_local
def test_scorecard_shows_its_table_and_picture(site, served, browser):
    """Issue 8: the scorecard page has the claims table (22 claims, each linking to the section
    that decides it) and the verdict picture, decoded."""
    tab = browser.new_page(viewport={"width": 1280, "height": 900})
    tab.goto(urljoin(served, "book/scorecard.html"), wait_until="load")
    rows = tab.locator("table.scorecard tbody tr:not(.sc-thesis)")
    assert rows.count() == 22
    ids = [rows.nth(i).locator("td").first.inner_text().strip() for i in range(rows.count())]
    assert ids[0] == "R1" and ids[-1] == "G5"
    links = tab.evaluate("Array.from(document.querySelectorAll('table.scorecard td:first-child a'))"
                         ".map(a => a.getAttribute('href'))")
    assert len(links) == 22 and all("#" in h for h in links)
    robust = tab.evaluate("Array.from(document.querySelectorAll('table.scorecard a[href^=\"robustness.html\"]'))"
                          ".map(a => a.getAttribute('href'))")
    assert robust and set(robust) <= {f"robustness.html#robustness-{c}" for c in
                                      ("rotation", "momentum", "valuation", "graduation")}
    head = tab.evaluate("Array.from(document.querySelectorAll('table.scorecard thead th')).map(t => t.innerText)")
    assert "stability" in [h.strip().lower() for h in head]
    swept = [rows.nth(ids.index(c)).inner_text() for c in ("V1", "V2", "V3", "V4", "V5")]
    assert all("specs" in r for r in swept), swept  # the valuation claims are in the committed sweep
    widths = tab.evaluate("Array.from(document.querySelectorAll('article img')).map(i => i.naturalWidth)")
    assert widths and min(widths) > 0
    tab.close()
