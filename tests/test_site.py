"""The HTML book: a strict build (any Sphinx warning fails) from the committed notebooks, its PDF,
and a real-browser check of every page in _toc.yml with Debian's Chromium driven by Playwright.

The browser check asserts that each page loads with no console error, shows no Python traceback,
decodes every image, has its internal links resolve, has the footer and the favicon, and has
tables where the page is expected to have them; that the menu and contents buttons open their
drawers on a phone, a tablet and a desktop; that every thesis chapter with a verdict box shows
it with every claim, and a callout per verdict in the grid's colours; that pages with numbered
figures give every image a number, a caption and real alt text; and that axe-core finds no
serious or critical accessibility violation on any page. Screenshots, the axe results and the
page weights go to ``_build/screenshots/`` and ``_build/reports/``, outside the published site.
"""

from __future__ import annotations

import functools
import http.server
import json
import re
import threading
from pathlib import Path
from urllib.parse import urljoin, urlparse

import pytest
import yaml

from smallcaps.book import THESIS_CLAIMS, runner
from smallcaps.book.pdf import PDF_NAME, outline_titles
from smallcaps.book.results import ChapterResults

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]
SHOTS = ROOT / "_build" / "screenshots"
REPORTS = ROOT / "_build" / "reports"
FOOTER = "Real data only"
#: A page's weight as loaded on opening it with an empty cache: the page and every resource.
WEIGHT_JS = """(() => {
  const nav = performance.getEntriesByType('navigation')[0];
  const res = performance.getEntriesByType('resource');
  const img = res.filter(r => r.initiatorType === 'img');
  return {bytes: (nav ? nav.encodedBodySize : 0) + res.reduce((a, r) => a + (r.encodedBodySize || 0), 0),
          requests: res.length + 1, image_bytes: img.reduce((a, r) => a + (r.encodedBodySize || 0), 0),
          images: img.length, height: document.documentElement.scrollHeight};
})()"""

#: Minimum number of tables each page must show (0: none required).
EXPECTED_TABLES = {"book/intro": 1, "book/data": 4, "book/rotation": 2, "book/momentum": 2, "book/valuation": 2,
                   "book/graduation": 2, "book/robustness": 3, "book/scorecard": 2, "book/review": 3,
                   "book/references": 0, "book/glossary": 0}


def toc_pages() -> list[str]:
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text())
    pages = [toc["root"]]
    for part in toc.get("parts", []):
        pages += [c["file"] for c in part.get("chapters", [])]
    return pages


def _notebook_source(page: str) -> str:
    nb = ROOT / f"{page}.ipynb"
    return nb.read_text() if nb.is_file() else ""


def verdict_box_chapters() -> list[str]:
    """Thesis chapters whose notebook shows a verdict box (the check extends as chapters adopt it)."""
    return [c for c in THESIS_CLAIMS if "ch.verdict_box()" in _notebook_source(f"book/{c}")]


def figure_pages() -> list[str]:
    """Pages whose figures go through ``ch.figure`` (numbered, captioned, with alt text)."""
    return [p for p in toc_pages() if "ch.figure(" in _notebook_source(p)]


@pytest.fixture(scope="module")
def site() -> Path:
    """Build the committed book (strict, from scratch) with its PDF into the checkout's _build/html."""
    return runner.build(strict=True, fresh=True)


@pytest.mark.book
def test_every_toc_page_is_built(site):
    missing = [p for p in toc_pages() if not (site / f"{p}.html").is_file()]
    assert not missing, f"pages in _toc.yml not built: {missing}"


@pytest.mark.book
def test_test_artefacts_stay_out_of_the_site(site):
    assert not (site / "_screenshots").exists()
    assert not any(p.suffix == ".png" and "screenshot" in str(p) for p in site.rglob("*"))


@pytest.mark.book
def test_pdf_has_every_chapter(site):
    """The whole-book PDF is in the site, the landing page links to it, and its bookmarks hold
    every page's title (the PDF is printed from the single-page build)."""
    pdf = site / PDF_NAME
    assert pdf.is_file() and pdf.stat().st_size > 500_000, "the book's PDF is missing or nearly empty"
    assert pdf.read_bytes().startswith(b"%PDF-")
    def squash(t):  # Chromium drops the space where a long heading wraps
        return re.sub(r"\s+", "", re.sub(r"^\d+(\.\d+)*\.?\s+", "", t.strip()))

    titles = {squash(t) for t in outline_titles(pdf)}
    for page in toc_pages():
        html = (site / f"{page}.html").read_text(encoding="utf-8")
        article = html[html.index('<article class="bd-article">'):]
        h1 = re.search(r"<h1[^>]*>(.*?)<a class=\"headerlink\"", article, flags=re.S)
        assert h1, f"{page}: no title"
        title = re.sub(r"<[^>]+>", "", h1.group(1))
        title = re.sub(r"^\d+(\.\d+)*\.?\s+", "", title).strip().replace("&amp;", "&")
        # (Chromium sometimes repeats a heading's text in its bookmark: contained is enough)
        assert any(squash(title) in t for t in titles), f"{page}: '{title}' is not among the PDF's bookmarks"
    assert f'href="../{PDF_NAME}"' in (site / "book" / "intro.html").read_text(encoding="utf-8")


@pytest.mark.book
def test_strict_build_fails_on_a_warning(tmp_path):
    """-W -n --keep-going: a broken reference must fail the build, not pass with a warning."""
    stage = tmp_path / "src"
    runner._stage(ROOT, stage, ROOT / "book", ["data", "intro"], toc=True)
    page = stage / "book" / "glossary.md"
    page.write_text(page.read_text() + "\n\nSee {ref}`no-such-target`.\n")
    with pytest.raises(runner.BuildError, match="no-such-target"):
        runner.build_site(stage, tmp_path / "html", strict=True, pdf=False)
    assert not (tmp_path / "html").exists(), "a failed build must not leave a site"


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def served(site):
    handler = functools.partial(_QuietHandler, directory=str(site))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True)
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


def _open(browser, served, page, width=1280, height=900, touch=False):
    """A tab on ``page`` (a fresh browser context: an empty cache) with its console errors, page
    errors and failed requests."""
    tab = browser.new_context(viewport={"width": width, "height": height}, has_touch=touch).new_page()
    log = {"errors": [], "failed": []}
    tab.on("console", lambda m: log["errors"].append(m.text) if m.type == "error" else None)
    tab.on("pageerror", lambda e: log["errors"].append(str(e)))
    tab.on("requestfailed", lambda req: log["failed"].append(req.url) if req.url.startswith(served) else None)
    response = tab.goto(urljoin(served, f"{page}.html"), wait_until="load")
    assert response is not None and response.status == 200, f"{page} did not load"
    tab.wait_for_load_state("networkidle")
    return tab, log


@pytest.mark.book
@pytest.mark.network_local
@pytest.mark.parametrize("page", toc_pages())
def test_page_in_browser(page, site, served, browser):
    tab, log = _open(browser, served, page)

    body = tab.inner_text("article")
    assert "Traceback (most recent call last)" not in body, f"{page} shows a Python traceback"
    errors = tab.locator("article .output.traceback, article .output.error, article .cell_output .stderr").count()
    assert errors == 0, f"{page} shows {errors} error output(s)"

    images = tab.evaluate(
        "Array.from(document.querySelectorAll('article img')).map(i => [i.src, i.complete, i.naturalWidth])")
    broken = [src for src, complete, width in images if not complete or width == 0]
    assert not broken, f"{page}: images that do not decode: {broken}"

    tables = tab.locator("article table").count()
    assert tables >= EXPECTED_TABLES.get(page, 0), (
        f"{page}: {tables} tables, expected at least {EXPECTED_TABLES.get(page, 0)}")

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
    assert not log["failed"], f"{page}: resources failed to load: {log['failed'][:5]}"
    assert not log["errors"], f"{page}: console errors: {log['errors'][:5]}"

    # the footer set in _config.yml (html.extra_footer) and the build date, on every page
    footer = tab.inner_text("footer.bd-footer-content")
    assert FOOTER in footer and "Last updated on" in footer, f"{page}: footer is {footer!r}"
    icon = tab.evaluate("document.querySelector('link[rel=icon]')?.href")
    assert icon and (site / urlparse(icon).path.lstrip("/")).is_file(), f"{page}: no favicon ({icon})"

    SHOTS.mkdir(parents=True, exist_ok=True)
    tab.screenshot(path=str(SHOTS / f"{page.replace('/', '_')}.png"), full_page=True)
    tab.context.close()


# -- navigation on a phone, a tablet and a desktop -----------------------------------------------


def _visible(tab, selector):
    loc = tab.locator(selector)
    return [loc.nth(i) for i in range(loc.count()) if loc.nth(i).is_visible()]


@pytest.mark.book
@pytest.mark.network_local
@pytest.mark.parametrize("width,height", [(390, 844), (820, 1180), (1440, 900)])
@pytest.mark.parametrize("page", ["book/intro", "book/valuation"])
def test_menu_and_contents_buttons_open_their_drawers(page, width, height, site, served, browser):
    """Issue 15: tapping the menu button opens the site navigation, and the contents button the
    page's contents, at 390, 820 and 1440 px. On a wide screen the navigation is already open:
    its button hides it and shows it again, and the page contents sit beside the text."""
    tab, log = _open(browser, served, page, width, height, touch=True)
    menu = _visible(tab, ".primary-toggle")
    assert len(menu) == 1, f"{page} at {width}px: {len(menu)} visible menu buttons"
    if width < 992:
        menu[0].tap()
        tab.wait_for_timeout(300)
        assert tab.evaluate("document.querySelector('#pst-primary-sidebar-modal').open"), "the menu drawer did not open"
        links = _visible(tab, "#pst-primary-sidebar-modal nav a")
        assert any("scorecard" in (a.get_attribute("href") or "") for a in links), "no chapter links in the menu drawer"
        tab.keyboard.press("Escape")
        tab.wait_for_timeout(200)
        assert not tab.evaluate("document.querySelector('#pst-primary-sidebar-modal').open")
    else:
        sidebar = tab.locator("#pst-primary-sidebar")
        assert sidebar.is_visible() and sidebar.bounding_box()["x"] >= 0
        menu[0].tap()
        tab.wait_for_timeout(300)
        assert sidebar.bounding_box()["x"] < 0, "the menu button did not hide the navigation"
        menu[0].tap()
        tab.wait_for_timeout(300)
        assert sidebar.bounding_box()["x"] >= 0, "the menu button did not show the navigation again"
    contents = _visible(tab, ".secondary-toggle")
    if width < 1200:
        assert len(contents) == 1, f"{page} at {width}px: {len(contents)} visible contents buttons"
        contents[0].tap()
        tab.wait_for_timeout(300)
        assert tab.evaluate("document.querySelector('#pst-secondary-sidebar-modal').open"), \
            "the contents drawer did not open"
        assert _visible(tab, "#pst-secondary-sidebar-modal nav a"), "no section links in the contents drawer"
    else:
        assert not contents and tab.locator("#pst-secondary-sidebar nav a").first.is_visible()
    assert not log["errors"], f"console errors: {log['errors'][:3]}"
    tab.context.close()


# -- verdicts, figures, scorecard ---------------------------------------------------------------------


def test_the_verdict_box_check_covers_a_chapter():
    assert "valuation" in verdict_box_chapters(), "the verdict-box check would cover no chapter"
    assert {"book/valuation", "book/data"} <= set(figure_pages())


@pytest.mark.book
@pytest.mark.network_local
@pytest.mark.parametrize("chapter", verdict_box_chapters())
def test_chapter_opens_with_its_verdicts(chapter, site, served, browser):
    """The verdict box comes before the first claim's section and lists every claim of the
    chapter with its published verdict, linking to its section; each section ends with a
    callout in the verdict's colour."""
    results = {c.id: c for c in ChapterResults.read(ROOT / "book" / f"{chapter}.results.json").claims}
    tab, _ = _open(browser, served, f"book/{chapter}")
    box = tab.locator("article .admonition.verdict-box")
    assert box.count() == 1, f"{chapter}: {box.count()} verdict boxes"
    def section(anchor):  # the section a claim's target (e.g. "(v1)=") opens
        return tab.locator(f"article #{anchor}").locator("xpath=ancestor-or-self::section[1]")

    first_section = section(results[THESIS_CLAIMS[chapter][0]].section)
    assert box.bounding_box()["y"] < first_section.bounding_box()["y"], "the verdict box is not at the top"
    items = box.locator("li")
    assert items.count() == len(THESIS_CLAIMS[chapter])
    for i, cid in enumerate(THESIS_CLAIMS[chapter]):
        r = results[cid]
        item = items.nth(i)
        assert item.inner_text().startswith(cid)
        assert item.locator("a").first.get_attribute("href").endswith(f"#{r.section}")
        assert item.locator(".sc-badge").inner_text() == r.verdict
        callout = section(r.section).locator(".admonition.verdict")
        assert callout.count() == 1, f"{cid}: {callout.count()} verdict callouts"
        assert callout.locator(".admonition-title").inner_text() == f"Verdict on {cid}: {r.verdict}"
        colour = "verdict-" + {"supported": "supported", "partly supported": "partly", "not supported": "not",
                               "inconclusive": "inconclusive"}.get(r.verdict, "untestable")
        assert colour in (callout.get_attribute("class") or "")
    rerun = tab.locator("article details.rerun-box, article .rerun-box")
    assert rerun.count() >= 1 and f"--chapters {chapter}" in rerun.first.text_content()
    tab.context.close()


@pytest.mark.book
@pytest.mark.network_local
@pytest.mark.parametrize("page", figure_pages())
def test_figures_are_numbered_with_alt_text(page, site, served, browser):
    tab, _ = _open(browser, served, page)
    images = tab.evaluate("""Array.from(document.querySelectorAll('article img')).map(i => ({
        alt: i.getAttribute('alt') || '', src: i.getAttribute('src'), svg: i.src.endsWith('.svg'),
        number: i.closest('figure')?.querySelector('.caption-number')?.innerText || '',
        caption: i.closest('figure')?.querySelector('.caption-text')?.innerText || ''}))""")
    assert images, f"{page}: no figures"
    for im in images:
        assert re.match(r"Figure \d+(\.\d+)?", im["number"].strip()), f"{page}: an unnumbered figure {im['src']}"
        assert len(im["caption"]) > 20, f"{page}: figure {im['number']} has no caption"
        alt = im["alt"]
        assert len(alt) > 20 and "_images" not in alt and not re.search(r"\.(png|svg)$", alt), \
            f"{page}: figure {im['number']} has no real alt text ({alt!r})"
        assert im["svg"], f"{page}: figure {im['number']} is not vector"
    # key tables are never in nested scroll boxes
    assert tab.locator("article .tag_scroll-output").count() == 0
    tab.context.close()


@pytest.mark.book
@pytest.mark.network_local
def test_scorecard_shows_its_grid_and_table(site, served, browser):
    """The scorecard opens with the verdict grid (22 tiles linking to the deciding sections), then
    the claims table: 22 claims, each linking to its section, with type, verdict and why."""
    tab, _ = _open(browser, served, "book/scorecard")
    tiles = tab.locator(".sc-grid a.sc-tile")
    assert tiles.count() == 22
    grid_y = tab.locator(".sc-grid").bounding_box()["y"]
    assert grid_y < tab.locator("table.scorecard").bounding_box()["y"]
    rows = tab.locator("table.scorecard tbody tr:not(.sc-thesis)")
    assert rows.count() == 22
    ids = [rows.nth(i).locator("td.sc-claim a").first.inner_text().strip() for i in range(rows.count())]
    assert ids[0] == "R1" and ids[-1] == "G5"
    links = tab.evaluate("Array.from(document.querySelectorAll('table.scorecard td:first-child a'))"
                         ".map(a => a.getAttribute('href'))")
    assert len(links) == 22 and all("#" in h for h in links)
    heads = tab.evaluate("Array.from(document.querySelectorAll('table.scorecard thead th')).map(t => t.innerText)")
    assert heads[:4] == ["claim", "type", "verdict", "why this verdict"] and heads[-1] == "deciding number"
    v1 = rows.nth(ids.index("V1"))
    assert "How cheap are small caps?" in v1.inner_text() and "fact about the past" in v1.inner_text()
    robust = tab.evaluate("Array.from(document.querySelectorAll('table.scorecard a[href^=\"robustness.html\"]'))"
                          ".map(a => a.getAttribute('href'))")
    assert robust and set(robust) <= {f"robustness.html#robustness-{c}" for c in
                                      ("rotation", "momentum", "valuation", "graduation")}
    assert "stability" in [h.strip().lower() for h in heads]
    swept = [rows.nth(ids.index(c)).inner_text() for c in ("V1", "V2", "V3", "V4", "V5")]
    assert all("specs" in r for r in swept), swept  # the valuation claims are in the committed sweep
    # on a phone the table becomes one card per claim: nothing wider than the screen
    phone, _ = _open(browser, served, "book/scorecard", 390, 844)
    assert phone.evaluate("document.querySelector('table.scorecard').scrollWidth") <= 390
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    phone.context.close()
    tab.context.close()


# -- accessibility and page weight ----------------------------------------------------------------


@pytest.mark.book
@pytest.mark.network_local
def test_axe_finds_no_serious_or_critical_violation(site, served, browser):
    """axe-core (bundled with axe-playwright-python, pinned: no download) on every page, as a
    reader meets it; the results and each page's weight are written to _build/reports/."""
    from axe_playwright_python.sync_playwright import Axe

    axe = Axe()
    report, weights, serious = {}, {}, []
    for page in toc_pages():
        tab, log = _open(browser, served, page)
        weights[page] = tab.evaluate(WEIGHT_JS)
        results = axe.run(tab).response
        assert results["testEngine"]["version"] == "4.12.1"
        found = [{"id": v["id"], "impact": v["impact"], "nodes": len(v["nodes"]), "help": v["help"],
                  "example": v["nodes"][0]["target"] if v["nodes"] else None} for v in results["violations"]]
        report[page] = found
        serious += [f"{page}: {v['id']} ({v['impact']}, {v['nodes']} nodes): {v['help']} e.g. {v['example']}"
                    for v in found if v["impact"] in ("serious", "critical")]
        tab.context.close()
    REPORTS.mkdir(parents=True, exist_ok=True)
    (REPORTS / "axe.json").write_text(json.dumps(report, indent=1))
    (REPORTS / "page-weights.json").write_text(json.dumps(weights, indent=1))
    assert not serious, "serious or critical accessibility violations:\n" + "\n".join(serious)
