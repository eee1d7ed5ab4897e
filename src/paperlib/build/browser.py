"""Open every page of a built book in headless Chromium and report what a reader would see broken.

Served from a local HTTP server on 127.0.0.1 (as a reader's browser would load it, not file://). Per page:
console errors and uncaught exceptions, requests that fail or return >= 400, images that do not decode,
internal links to files that are not in the build, formulas that MathJax did not render (or rendered as an
error), launch links (Colab, Binder) to a notebook path that is not in the repository, and a page wider than
the window (sideways scrolling). Playwright drives the system's Chromium (Debian package ``chromium``); it
never downloads a browser.
"""
from __future__ import annotations

import functools
import http.server
import re
import shutil
import threading
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import unquote, urlparse

WINDOW = {"width": 1280, "height": 900}
# pydata-sphinx-theme logs this on a first visit (empty localStorage) and then picks "auto": not a fault of a page
IGNORED_CONSOLE = ("Got invalid theme mode",)
LAUNCH = (re.compile(r"colab\.research\.google\.com/github/[^/]+/[^/]+/blob/[^/]+/(.+\.ipynb)"),
          re.compile(r"mybinder\.org/v2/gh/[^?]+\?urlpath=lab/tree/(.+\.ipynb)"))


def chromium() -> str:
    """The system Chromium's path; a clear error names the package when it is missing."""
    for name in ("chromium", "chromium-browser", "google-chrome"):
        found = shutil.which(name)
        if found:
            return found
    raise FileNotFoundError("no Chromium on PATH: install the Debian package `chromium` "
                            "(`apt-get install -y chromium`; `.ci/run` does it on CI)")


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):  # one line per request would drown the test output
        pass


@contextmanager
def serve(root: Path):
    """An HTTP server for ``root`` on 127.0.0.1 (a free port); yields its base URL."""
    handler = functools.partial(_Quiet, directory=str(root))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


_PAGE_FACTS = """() => {
  const imgs = [...document.images].map(i => ({src: i.getAttribute('src'), ok: i.complete && i.naturalWidth > 0,
                                               width: i.getBoundingClientRect().width}));
  const links = [...document.querySelectorAll('a[href]')].map(a => a.getAttribute('href'));
  const math = document.querySelectorAll('span.math, div.math').length;
  const rendered = document.querySelectorAll('mjx-container').length;
  const errors = document.querySelectorAll('mjx-merror, .MathJax_Error').length;
  const article = document.querySelector('article.bd-article') || document.querySelector('main');
  return {imgs, links, math, rendered, errors,
          articleWidth: article ? article.clientWidth : null,
          scrollWidth: document.documentElement.scrollWidth, windowWidth: window.innerWidth,
          header: !!document.querySelector('.paperlib-header')};
}"""


def check_book(html_dir: Path, repo_root: Path, pages: list[str] | None = None) -> tuple[list[str], dict]:
    """Problems found on every ``*.html`` page of ``html_dir`` (or the named ones), and facts measured on the
    way (``article_width``: the content column's width in CSS px, for the figure-legibility rule)."""
    from playwright.sync_api import sync_playwright

    html_dir, repo_root = Path(html_dir), Path(repo_root)
    names = pages or sorted(str(p.relative_to(html_dir)) for p in html_dir.rglob("*.html")
                            if not p.relative_to(html_dir).parts[0].startswith(("_", ".")))
    problems: list[str] = []
    facts = {"pages": 0, "article_width": set(), "formulas": 0}
    with serve(html_dir) as base, sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=chromium(), args=["--no-sandbox", "--disable-gpu"])
        try:
            for name in names:
                # a fresh tab per page, so a late message from one page is never blamed on the next
                page = browser.new_page(viewport=WINDOW)
                try:
                    problems += [f"{name}: {p}" for p in _check_page(page, base, name, html_dir, repo_root, facts)]
                finally:
                    page.close()
                facts["pages"] += 1
        finally:
            browser.close()
    return problems, facts


def _check_page(page, base: str, name: str, html_dir: Path, repo_root: Path, facts: dict) -> list[str]:
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    found: list[str] = []
    on_console = lambda m: (found.append(f"console {m.type}: {m.text[:200]} [{m.location.get('url', '?')}]")  # noqa: E731
                            if m.type == "error" and not m.text.startswith(IGNORED_CONSOLE) else None)
    on_error = lambda e: found.append(f"uncaught exception: {str(e)[:200]}")  # noqa: E731
    on_failed = lambda r: found.append(f"request failed: {r.url} ({r.failure})")  # noqa: E731
    on_response = lambda r: found.append(f"HTTP {r.status}: {r.url}") if r.status >= 400 else None  # noqa: E731
    page.on("console", on_console)
    page.on("pageerror", on_error)
    page.on("requestfailed", on_failed)
    page.on("response", on_response)
    try:
        page.goto(base + name, wait_until="load")
        page.wait_for_load_state("networkidle")
        if page.evaluate("() => document.querySelectorAll('span.math, div.math').length") > 0:
            try:
                page.wait_for_function("() => window.MathJax && MathJax.startup && MathJax.startup.promise",
                                       timeout=10000)
                page.evaluate("() => MathJax.startup.promise")
            except PlaywrightTimeout:
                found.append("MathJax did not load (formulas stay raw LaTeX)")
        info = page.evaluate(_PAGE_FACTS)
    finally:
        for event, fn in (("console", on_console), ("pageerror", on_error), ("requestfailed", on_failed),
                          ("response", on_response)):
            page.remove_listener(event, fn)
    here = (html_dir / name).parent
    for img in info["imgs"]:
        if not img["ok"]:
            found.append(f"image does not load: {img['src']}")
    for href in info["links"]:
        for pattern in LAUNCH:
            m = pattern.search(href)
            if m and not (repo_root / unquote(m.group(1))).is_file():
                found.append(f"launch link to a notebook not in the repository: {unquote(m.group(1))}")
        url = urlparse(href)
        if url.scheme or url.netloc or href.startswith(("#", "mailto:", "javascript:")):
            continue
        target = (here / unquote(url.path)).resolve()
        if url.path and not (target.is_file() or (target / "index.html").is_file()):
            found.append(f"broken internal link: {href}")
    if info["math"] and (info["rendered"] < info["math"] or info["errors"]):
        found.append(f"formulas not rendered: {info['rendered']} of {info['math']} typeset, {info['errors']} errors")
    if info["scrollWidth"] > info["windowWidth"] + 1:
        found.append(f"wider than the window ({info['scrollWidth']} > {info['windowWidth']} px): scrolls sideways")
    if info["articleWidth"]:
        facts["article_width"].add(info["articleWidth"])
    facts["formulas"] += info["rendered"]
    facts.setdefault("headers", {})[name] = info["header"]
    return found
