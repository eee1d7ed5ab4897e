"""The browser check itself: it must find what a reader would see broken (fast, on tiny hand-made sites).

The check of the real smoke book is in test_pages.py (it needs the smoke execution)."""
from paperlib.build.browser import check_book

# No skip without Chromium: `make test` installs the Debian package, and a missing browser fails with its name.

PNG = bytes.fromhex("89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d49444154789c6360"
                    "6060000000050001a5f645400000000049454e44ae426082")


def _site(tmp_path, body: str):
    (tmp_path / "html").mkdir()
    (tmp_path / "html" / "fig.png").write_bytes(PNG)
    (tmp_path / "html" / "other.html").write_text("<html><body>other</body></html>")
    (tmp_path / "html" / "page.html").write_text(f"<html><head><link rel='icon' href='data:,'></head>"
                                                 f"<body><article class='bd-article'>{body}</article></body></html>")
    (tmp_path / "repo" / "notebooks").mkdir(parents=True)
    (tmp_path / "repo" / "notebooks" / "a.ipynb").write_text("{}")
    return tmp_path / "html", tmp_path / "repo"


def test_a_clean_page_passes(tmp_path):
    html, repo = _site(tmp_path, "<img src='fig.png'><a href='other.html'>x</a><a href='https://colab.research."
                                 "google.com/github/o/r/blob/main/notebooks/a.ipynb'>colab</a>")
    problems, facts = check_book(html, repo, ["page.html"])
    assert problems == [] and facts["pages"] == 1


def test_a_broken_figure_path_fails(tmp_path):
    html, repo = _site(tmp_path, "<img src='_images/missing.png'>")
    problems, _ = check_book(html, repo, ["page.html"])
    assert any("image does not load: _images/missing.png" in p for p in problems)
    assert any("HTTP 404" in p for p in problems)


def test_a_console_error_and_an_exception_fail(tmp_path):
    html, repo = _site(tmp_path, "<script>console.error('boom'); const X = 1;</script><script>const X = 2;</script>")
    problems, _ = check_book(html, repo, ["page.html"])
    assert any("console error: boom" in p for p in problems)
    assert any("uncaught exception" in p and "X" in p for p in problems)


def test_broken_links_launch_paths_and_raw_formulas_fail(tmp_path):
    html, repo = _site(tmp_path, "<a href='nowhere.html'>x</a>"
                                 "<a href='https://colab.research.google.com/github/o/r/blob/main/notebooks/b.ipynb'>c</a>"
                                 "<span class='math notranslate'>\\(x^2\\)</span>"
                                 "<div style='width:3000px'>wide</div>")
    problems, _ = check_book(html, repo, ["page.html"])
    assert any("broken internal link: nowhere.html" in p for p in problems)
    assert any("not in the repository: notebooks/b.ipynb" in p for p in problems)
    assert any("MathJax did not load" in p for p in problems)
    assert any("scrolls sideways" in p for p in problems)
