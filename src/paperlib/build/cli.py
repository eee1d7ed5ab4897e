"""``paperlib`` command line: list, run, book, budget, scorecard, report, toc, sync."""
from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import time
from pathlib import Path

import yaml

from paperlib.core import paths
from paperlib.core.catalogue import catalogue, chapters, items_of
from paperlib.core.catalogue import item as lookup_item
from paperlib.core.profiles import (
    DEFAULT_PROFILE,
    ProfileError,
    item_parameters,
    profile_names,
)


def _params(pairs: list[str]) -> dict[str, str]:
    """``KEY=VALUE`` pairs; each value is parsed later to the type of that item parameter's default."""
    out = {}
    for p in pairs or []:
        if "=" not in p:
            raise ValueError(f"--param expects KEY=VALUE, got {p!r}")
        k, v = p.split("=", 1)
        out[k.strip()] = v
    return out


def cmd_list(args) -> int:
    for it in catalogue():
        if args.chapter and it.chapter != args.chapter:
            continue
        mark = "✓" if it.implemented else " "
        print(f"{mark} {it.id:<20} {it.chapter:<18} {it.tier:<8} {it.title}")
    return 0


def _selected(args) -> list[str]:
    if args.all:
        return [i.id for i in catalogue() if i.implemented]
    if args.chapter:
        return [i.id for i in items_of(args.chapter) if i.implemented]
    if not args.ids:
        raise ValueError("name item ids, --chapter CHAPTER or --all (see `paperlib list`)")
    return [lookup_item(i).id for i in args.ids]


def _run(ids: list[str], args) -> int:
    from paperlib.build.execute import run_items

    t0 = time.perf_counter()
    try:
        reports = run_items(ids, profile=args.profile, seed=args.seed, device=args.device,
                            params=_params(args.param), jobs=args.jobs, timeout=args.timeout,
                            cell_timeout=args.cell_timeout)
    except KeyboardInterrupt:
        print("paperlib: interrupted; finished pages are kept, the stopped ones left nothing behind", file=sys.stderr)
        return 130
    failed = [r for r in reports if not r.ok]
    for r in failed:
        print(f"FAIL {r.item}: {r.error}")
    print(f"{len(reports) - len(failed)} passed, {len(failed)} failed in {time.perf_counter() - t0:.1f} s")
    return 1 if failed else 0


def cmd_run(args) -> int:
    return _run(_selected(args), args)


def cmd_book(args) -> int:
    from paperlib.build.book import build, write_report, write_scorecard, write_toc
    from paperlib.build.execute import is_stale

    write_toc()
    ids = [i.id for i in catalogue() if i.implemented]
    given = _params(args.param)   # a page that takes any --param is re-executed with it
    takes = lambda i: bool(set(given) & set(item_parameters(i, args.profile)))  # noqa: E731
    stale = [i for i in ids if args.force or takes(i) or is_stale(lookup_item(i), args.profile, args.seed)]
    print(f"{len(ids)} pages, {len(stale)} to execute with profile={args.profile} seed={args.seed}")
    rc = _run(stale, args) if stale else 0
    write_scorecard()
    write_report()
    if rc:
        print("some pages failed; the book is not built", file=sys.stderr)
        return rc
    if not args.no_build:
        print("building the HTML (jupyter-book, warnings are errors) ...", flush=True)
        build()
        print(f"book: {paths.book_dir() / '_build' / 'html' / 'index.html'}")
    return 0


def cmd_budget(args) -> int:
    """The budget rule of issue 17 (:func:`paperlib.core.claims.budget_from_curves`) over every trained claim of
    the named pages' records: run the pages first with a long budget, e.g. ``--param iterations=15000``."""
    import json

    from paperlib.build.execute import record_path
    from paperlib.core.claims import BUDGET, SYMBOL, budget_from_curves

    curves, strips = {}, {}
    for i in args.ids:
        path = record_path(lookup_item(i))
        if not path.exists():
            raise ValueError(f"no record {path}: run `paperlib run {i}` first")
        for c in json.loads(path.read_text())["claims"]:
            if c.get("along"):
                name = f"{i} {c['id']}"
                # a verdict demoted for its budget is judged on what it read before the demotion
                final = c["measured"] if c.get("reason") == BUDGET else c["verdict"]
                curves[name] = (final, [(a["iteration"], a["verdict"]) for a in c["along"]])
                strips[name] = "".join(SYMBOL[a["verdict"]] for a in c["along"])
    if not curves:
        raise ValueError(f"the records of {', '.join(args.ids)} hold no claim judged along a run")
    budget, info = budget_from_curves(curves)
    for name, (final, along) in curves.items():
        since = info.get(name, "never settles (not checked or not testable)")
        since = f"settled from {since:,}" if isinstance(since, int) else since
        print(f"{name:<28} {final:<13} {since:<22} {strips[name]}")
    last = max(it for _, along in curves.values() for it, _ in along)
    print(f"budget by the rule: {budget:,} of the curve's {last:,} iterations" if budget is not None
          else "budget by the rule: none (no claim has settled)")
    print("(a budget only where a shorter run is the start of this one: no schedule compressed to the budget)")
    return 0


def cmd_scorecard(args) -> int:
    """Write book/scorecard.md (and the chapters' counts), then print each paper's claims by verdict and reason."""
    from paperlib.build.book import chapter_counts, write_scorecard
    from paperlib.core.record import tally_text

    print(write_scorecard())
    for key, ch in chapters().items():
        c = chapter_counts(key)
        print(f"{ch['title']}\n  the paper's claims: {tally_text(c['paper'])}\n  inferences: "
              f"{tally_text(c['inference'])}\n  companion checks: {tally_text(c['companion'])}")
    return 0


def cmd_report(args) -> int:
    from paperlib.build.book import write_report

    print(write_report())
    return 0


def cmd_toc(args) -> int:
    from paperlib.build.book import toc_text, write_toc

    path = paths.book_dir() / "_toc.yml"
    if args.check:
        if not path.exists() or path.read_text() != toc_text():
            print(f"{path} is out of date with the catalogue; run `paperlib toc`", file=sys.stderr)
            return 1
        return 0
    print(write_toc())
    return 0


INSTALL_LINE = re.compile(r'^_REPO = ".*"$', re.M)


def cmd_sync(args) -> int:
    """Copy the repository URL of _config.yml into the notebooks' install cell, then regenerate
    every paired .ipynb from its .py (the .py is the source of truth)."""
    root = paths.project_root() or Path.cwd()
    url = yaml.safe_load((root / "_config.yml").read_text())["repository"]["url"]
    scripts = sorted((root / "notebooks").rglob("*.py"))
    for py in scripts:
        text = py.read_text()
        new = INSTALL_LINE.sub(f'_REPO = "{url}"', text)
        if new != text:
            py.write_text(new)
    if scripts:
        subprocess.run([sys.executable, "-m", "jupytext", "--to", "ipynb", "--update", "--quiet",
                        *map(str, scripts)], check=True)
    print(f"synced {len(scripts)} notebooks (repository {url})")
    return 0


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="paperlib", description=__doc__)
    sub = p.add_subparsers(dest="command", required=True)

    s = sub.add_parser("list", help="list catalogue items (✓ = page implemented)")
    s.add_argument("--chapter", choices=list(chapters()))
    s.set_defaults(func=cmd_list)

    def run_options(s):
        s.add_argument("--profile", default=DEFAULT_PROFILE, help=f"one of {', '.join(profile_names())}")
        s.add_argument("--seed", type=int, default=0)
        s.add_argument("--device", default="auto", help="auto, cpu, cuda, cuda:N, mps")
        s.add_argument("--jobs", type=int, default=os.cpu_count() or 1,
                       help="notebooks executed in parallel (default: every core, here %(default)s)")
        s.add_argument("--param", action="append", metavar="KEY=VALUE", help="override an item parameter")
        s.add_argument("--timeout", type=float, default=None,
                       help="whole-page time limit in seconds (default: the profile's page_timeout)")
        s.add_argument("--cell-timeout", type=int, default=None, help="per-cell time limit in seconds (default none)")

    s = sub.add_parser("run", help="execute item pages with papermill into book/")
    s.add_argument("ids", nargs="*")
    s.add_argument("--chapter", choices=list(chapters()))
    s.add_argument("--all", action="store_true")
    run_options(s)
    s.set_defaults(func=cmd_run)

    s = sub.add_parser("book", help="execute stale pages, write the scorecard, build the HTML")
    run_options(s)
    s.add_argument("--force", action="store_true", help="re-execute every page")
    s.add_argument("--no-build", action="store_true")
    s.set_defaults(func=cmd_book)

    s = sub.add_parser("budget", help="the smallest budget at which every settled verdict of these pages' records "
                                      "is stable over its last third (issue 17)")
    s.add_argument("ids", nargs="+")
    s.set_defaults(func=cmd_budget)
    sub.add_parser("scorecard", help="write book/scorecard.md and print each paper's claims by verdict"
                   ).set_defaults(func=cmd_scorecard)
    sub.add_parser("report", help="write book/report.md (the execution report)").set_defaults(func=cmd_report)
    s = sub.add_parser("toc", help="write (or --check) book/_toc.yml from the catalogue")
    s.add_argument("--check", action="store_true")
    s.set_defaults(func=cmd_toc)
    sub.add_parser("sync", help="regenerate paired .ipynb from .py").set_defaults(func=cmd_sync)
    return p


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        return args.func(args)
    except (ProfileError, KeyError, ValueError) as exc:
        msg = exc.args[0] if isinstance(exc, KeyError) and exc.args else exc
        print(f"paperlib: error: {msg}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
