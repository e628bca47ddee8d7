"""The book's Sphinx extension: its stylesheet, script and favicon, and two fixes to the theme.

Jupyter Book loads it through ``sphinx.extra_extensions`` in ``_config.yml``. Everything it
adds ships inside this package (``book/static/``), so a book built anywhere (``smallcaps build``,
``smallcaps run``, the PDF) looks the same, and nothing is fetched at build or read time.

* ``smallcaps.css``: the verdict colours (the scorecard grid's, :data:`VERDICT_COLOURS`) for
  verdict callouts, badges and the chapter's verdict box; book tables; the scorecard table as
  cards on a phone; figures on a white card in dark mode without the theme's dimming; print.
* ``smallcaps.js``: a figure opens at full size when tapped (pinch-zoom on a phone).
* ``favicon.svg``: the site icon (no more ``favicon.ico`` 404).
* The theme pair (sphinx-book-theme 1.3 on pydata-sphinx-theme 0.17) declares sphinx-thebe's
  configuration script twice on every page (``THEBE_JS_URL`` "already declared", a console
  error); each page's scripts are de-duplicated here.
"""

from __future__ import annotations

from pathlib import Path

from .. import __version__

STATIC = Path(__file__).with_name("static")


def _configure(app, config) -> None:
    config.html_static_path.append(str(STATIC))
    if not config.html_favicon:
        config.html_favicon = str(STATIC / "favicon.svg")


def _dedupe_scripts(app, pagename, templatename, context, doctree) -> None:
    scripts = context.get("script_files")
    if not scripts:
        return
    seen, keep = set(), []
    for js in scripts:
        attrs = getattr(js, "attributes", {}) or {}
        key = (str(getattr(js, "filename", js) or ""), attrs.get("body", ""))  # None and "" alike
        if key in seen:
            continue
        seen.add(key)
        keep.append(js)
    scripts[:] = keep


def setup(app):
    app.connect("config-inited", _configure)
    app.add_css_file("smallcaps.css")
    app.add_js_file("smallcaps.js", defer="defer")
    app.connect("html-page-context", _dedupe_scripts, priority=100)
    return {"version": __version__, "parallel_read_safe": True, "parallel_write_safe": True}
