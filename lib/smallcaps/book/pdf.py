"""The whole book as one PDF, built offline: Jupyter Book's single-page HTML, printed by the
Debian Chromium the browser tests use (through Playwright, never a downloaded browser).

Printing a long page has two traps, both handled here: images the page loads lazily are not
yet there when the print starts (so every image is loaded, and checked, first), and closed
dropdowns print closed (so every one is opened). The PDF gets bookmarks from the headings, so
a reader can jump to a chapter, and the tests can check that every chapter is in it.
"""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

from ..errors import SmallcapsError

#: Where the PDF goes in the site (the landing page links to it).
PDF_NAME = "small-caps-on-trial.pdf"
CHROMIUM = os.environ.get("SMALLCAPS_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]

#: Run in the page before printing: load every image now, open every dropdown and toggle.
_PREPARE = """async () => {
  document.querySelectorAll('img[loading]').forEach(img => img.removeAttribute('loading'));
  document.querySelectorAll('details').forEach(d => d.open = true);
  document.querySelectorAll('.toggle-hidden').forEach(el => el.classList.remove('toggle-hidden'));
  const imgs = Array.from(document.images);
  imgs.forEach(img => { if (!img.complete) { const s = img.src; img.src = ''; img.src = s; } });
  await Promise.all(imgs.map(img => img.complete ? null : new Promise(r => { img.onload = img.onerror = r; })));
  return imgs.map(img => [img.getAttribute('src'), img.naturalWidth]);
}"""

_FOOTER = ('<div style="font-size:8px; width:100%; text-align:center; color:#555;">'
           'Small Caps on Trial &middot; <span class="pageNumber"></span> / <span class="totalPages"></span></div>')


class PdfError(SmallcapsError):
    """The book's PDF could not be printed."""


def print_pdf(page: Path, out: Path, *, timeout_ms: int = 180_000) -> dict:
    """Print an HTML file (the single-page book) to ``out`` with headless Chromium.

    Returns what was printed: ``images`` (how many, all decoded) and ``pages`` (PDF pages).

    Raises
    ------
    PdfError
        Chromium is missing, an image did not load, or printing failed. ``out`` is then left
        as it was (the PDF is written to a temporary file and moved into place).
    """
    if not Path(CHROMIUM).exists():
        raise PdfError(f"{CHROMIUM} is missing: install Debian's chromium (scripts/install-chromium), "
                       f"or build without the PDF (smallcaps build --no-pdf)")
    from playwright.sync_api import sync_playwright

    tmp = out.with_name(out.name + ".part")
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            try:
                tab = browser.new_page(viewport={"width": 1100, "height": 1400})
                tab.set_default_timeout(timeout_ms)
                tab.goto(page.resolve().as_uri(), wait_until="load")
                images = tab.evaluate(_PREPARE)
                broken = [src for src, width in images if not width]
                if broken:
                    raise PdfError(f"{len(broken)} image(s) did not load before printing, e.g. {broken[0]}")
                tab.emulate_media(media="print")
                tab.pdf(path=str(tmp), format="A4", print_background=True, outline=True, tagged=True,
                        display_header_footer=True, header_template="<div></div>", footer_template=_FOOTER,
                        margin={"top": "14mm", "bottom": "16mm", "left": "12mm", "right": "12mm"})
            finally:
                browser.close()
        data = tmp.read_bytes()
        pages = len(re.findall(rb"/Type\s*/Page[^s]", data))
        tmp.replace(out)
        return {"images": len(images), "pages": pages}
    except PdfError:
        raise
    except Exception as exc:  # playwright's own errors: one line
        msg = str(exc).strip().splitlines()
        raise PdfError(f"printing the PDF failed: {type(exc).__name__}: {msg[0] if msg else ''}") from None
    finally:
        tmp.unlink(missing_ok=True)


def outline_titles(pdf: Path) -> list[str]:
    """The bookmark titles of a PDF printed by Chromium (its headings), in file order."""
    data = Path(pdf).read_bytes()
    out = []
    for m in re.finditer(rb"/Title\s*(\((?:\\.|[^\\)])*\)|<[0-9A-Fa-f\s]*>)", data):
        raw = m.group(1)
        if raw.startswith(b"("):
            text = re.sub(rb"\\([()\\])", rb"\1", raw[1:-1]).decode("latin-1")
        else:
            hexs = re.sub(rb"\s", b"", raw[1:-1])
            b = bytes.fromhex(hexs.decode())
            text = b[2:].decode("utf-16-be") if b.startswith(b"\xfe\xff") else b.decode("latin-1")
        out.append(text)
    return out


def build_pdf(stage: Path, site: Path, *, strict: bool = True) -> Path:
    """Build the single-page HTML of the staged book and print it to ``site/PDF_NAME``."""
    from .jb import BuildError, _warnings_of, jupyter_book

    proc = jupyter_book(stage, strict=strict, builder="singlehtml", log=stage / "build-singlehtml.log")
    folder = stage / "_build" / "singlehtml"
    # Sphinx writes the single page at the root document's path (book/intro.html) but with links
    # relative to the folder's root: print a copy placed at the root
    import yaml

    root = yaml.safe_load((stage / "_toc.yml").read_text())["root"]
    page = folder / f"{root}.html"
    single = folder / "book-single.html"
    if page.is_file():
        shutil.copy2(page, single)
    if proc.returncode != 0 or not single.is_file():
        shutil.rmtree(stage / "_build" / "singlehtml", ignore_errors=True)
        warns = _warnings_of(proc)[:5]
        raise BuildError("single-page build for the PDF failed" + (": " + " | ".join(warns) if warns else ""))
    out = site / PDF_NAME
    print_pdf(single, out)
    return out
