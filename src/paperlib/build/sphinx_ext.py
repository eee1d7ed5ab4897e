"""A small Sphinx extension for the book (listed in ``_config.yml``: ``sphinx.extra_extensions``).

* sphinx-thebe registers its configuration script once per read phase, and jupyter-book 1.x runs it twice:
  every page then declared ``const THEBE_JS_URL`` twice, an uncaught SyntaxError in every reader's console.
  Each page's scripts are de-duplicated here.
* Sphinx loads MathJax only on pages whose body has math; formulas in the navigation (page titles) then stay
  raw LaTeX elsewhere. MathJax (the packaged copy of sphinx-mathjax-offline) is loaded on every page.
* An empty inline favicon, so a browser does not request ``/favicon.ico`` (a 404 in the console).
"""
from __future__ import annotations


def _unique_scripts(app, pagename, templatename, context, doctree):
    seen, unique = set(), []
    for js in context.get("script_files", []):
        name = getattr(js, "filename", js) or ""     # an inline script's filename is None or ""
        key = (str(name), tuple(sorted((getattr(js, "attributes", None) or {}).items())))
        if key not in seen:
            seen.add(key)
            unique.append(js)
    context["script_files"] = unique
    context["metatags"] = context.get("metatags", "") + '\n<link rel="icon" href="data:,">'


def setup(app):
    app.set_html_assets_policy("always")
    app.connect("html-page-context", _unique_scripts, priority=900)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
