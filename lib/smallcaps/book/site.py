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
* The bibliography's list role, which axe reports as a broken list (no list items), is dropped.
* The bibliography style ``smallcaps``: pybtex's ``plain`` with author-year labels ("Banz
  1981", as the citations in the text read) and titles kept as written (``plain`` lower-cases
  them: "russell 2000").
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


def _register_bibliography_style() -> None:
    from pybtex.plugin import register_plugin
    from pybtex.style.formatting.plain import Style as Plain
    from pybtex.style.labels import BaseLabelStyle
    from pybtex.style.template import field, sentence

    class AuthorYearLabels(BaseLabelStyle):
        """``Banz 1981``, ``Fama and French 1993``, ``Newey et al. 1987``; a letter where two
        labels would be the same."""

        def format_labels(self, sorted_entries):
            labels = []
            for entry in sorted_entries:
                people = entry.persons.get("author") or entry.persons.get("editor") or []
                names = [" ".join(p.last_names) for p in people]
                who = (names[0] if len(names) == 1 else f"{names[0]} and {names[1]}" if len(names) == 2
                       else f"{names[0]} et al." if names else entry.key)
                labels.append(f"{who} {entry.fields.get('year', 'n.d.')}".replace("{", "").replace("}", ""))
            for label in labels:
                same = [i for i, other in enumerate(labels) if other == label]
                if len(same) > 1:
                    for n, i in enumerate(same):
                        labels[i] = f"{label}{'abcdefghijklmnopqrstuvwxyz'[n]}"
            yield from labels

    class BookStyle(Plain):
        default_label_style = "smallcaps-authoryear"

        def format_title(self, e, which_field, as_sentence=True):
            title = field(which_field)  # as written in the .bib file
            return sentence[title] if as_sentence else title

    register_plugin("pybtex.style.labels", "smallcaps-authoryear", AuthorYearLabels, force=True)
    register_plugin("pybtex.style.formatting", "smallcaps", BookStyle, force=True)


def _citation_list_role(app, pagename, templatename, context, doctree) -> None:
    """docutils marks a bibliography ``role="list"`` around entries that are not list items, which
    assistive technology reads as a broken list (axe: aria-required-children, critical)."""
    body = context.get("body")
    if body and 'role="list" class="citation-list"' in body:
        context["body"] = body.replace('<div role="list" class="citation-list">', '<div class="citation-list">')


def _copy_static(app, exception) -> None:
    """Sphinx copies static files only when it writes pages; an incremental build after a change
    to this package's CSS or JS alone must still ship it."""
    import shutil

    if exception is not None or app.builder.format != "html":
        return
    dest = Path(app.outdir) / "_static"
    dest.mkdir(parents=True, exist_ok=True)
    for f in STATIC.iterdir():
        if f.is_file():
            shutil.copy2(f, dest / f.name)


def setup(app):
    _register_bibliography_style()
    app.connect("build-finished", _copy_static)
    app.connect("config-inited", _configure)
    app.add_css_file("smallcaps.css")
    app.add_js_file("smallcaps.js", defer="defer")
    app.connect("html-page-context", _dedupe_scripts, priority=100)
    app.connect("html-page-context", _citation_list_role)
    return {"version": __version__, "parallel_read_safe": True, "parallel_write_safe": True}
