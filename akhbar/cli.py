"""The command line: parse arguments, call one pipeline function, print problems. Nothing else prints."""

from __future__ import annotations

import argparse
import gc
import sys
from pathlib import Path

from .config import load_config
from .errors import AkhbarError, Problem

EXIT_OK, EXIT_PROBLEMS = 0, 1


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="build.py", description="akhbar: the Persian news-archive site generator")
    p.add_argument("--root", type=Path, default=Path("."), help="project folder (holds site_config.toml)")
    sub = p.add_subparsers(dest="command", required=True, metavar="COMMAND")

    b = sub.add_parser("build", help="build the whole site into output/")
    b.add_argument("--drafts", action="store_true", help="include articles marked draft: true")
    b.add_argument("--output", type=Path, help="output folder (default: output/)")
    b.add_argument("--jobs", type=int, default=0, help="worker processes for a cold build (default: all cores)")
    b.add_argument("--no-cache", action="store_true", help="ignore .cache/ and build everything")
    b.add_argument("--explain", action="store_true", help="print what was rebuilt and why")
    b.add_argument("--strict", action="store_true", help="treat warnings (a photo without alt text) as problems")

    c = sub.add_parser("check", help="read and validate everything a build would, write nothing (for pre-commit and CI)")
    c.add_argument("--jobs", type=int, default=0, help="worker processes (default: all cores)")
    c.add_argument("--no-cache", action="store_true", help="ignore .cache/ and check everything")
    c.add_argument("--strict", action="store_true", help="treat warnings (a photo without alt text) as problems")

    s = sub.add_parser("serve", help="build, serve on 127.0.0.1 and rebuild + reload on every change")
    s.add_argument("--host", default="127.0.0.1")
    s.add_argument("--port", type=int, default=8000)
    s.add_argument("--drafts", action="store_true")
    s.add_argument("--output", type=Path)

    n = sub.add_parser("new", help="create content/<slug>.md with its front matter filled in")
    n.add_argument("title")
    n.add_argument("--slug")

    f = sub.add_parser("fmt", help="rewrite articles in their normalized form (--check: only report)")
    f.add_argument("--check", action="store_true", help="write nothing; print a diff and exit 1 if any file would change")
    f.add_argument("paths", nargs="*", type=Path)

    i = sub.add_parser("import", help="turn the old site's plain-text news exports into articles in content/")
    i.add_argument("sources", nargs="+", type=Path, metavar="SOURCE", help="files, folders, .zip or .tar.gz archives")
    i.add_argument("--into", type=Path, help="destination folder (default: content/imported/)")
    i.add_argument("--dates", type=Path, help="CSV with columns source,date (source: news number or file name)")
    i.add_argument("--jobs", type=int, default=0, help="worker processes (default: all cores)")
    i.add_argument("--dry-run", action="store_true", help="write nothing; print the same report")
    i.add_argument("--force", action="store_true", help="rewrite articles that already exist (atomically)")

    d = sub.add_parser("deploy", help="upload the built output/ to a [deploy.NAME] target in site_config.toml")
    d.add_argument("--target", metavar="NAME", help="which [deploy.NAME] (needed when there are several)")
    d.add_argument("--dry-run", action="store_true", help="list what would be uploaded and deleted; send nothing")
    d.add_argument("--output", type=Path, help="the built site (default: output/)")

    z = sub.add_parser("normalize", help="normalize plain text from FILE or standard input to standard output")
    z.add_argument("file", nargs="?", type=Path)
    return p


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    root = args.root.resolve()
    try:
        if args.command == "serve":
            from .serve import serve

            return serve(root, args.host, args.port, args.output or root / "output", args.drafts)
        config = load_config(root)
        if args.command == "build":
            return _build(config, args)
        if args.command == "check":
            return _check(config, args)
        if args.command == "new":
            from .new import new_article

            path = new_article(config, args.title, args.slug)
            print(f"created {path.relative_to(root).as_posix()}")
            return EXIT_OK
        if args.command == "fmt":
            from .fmt import run_fmt

            return run_fmt(config, args.paths, check=args.check)
        if args.command == "import":
            from .importer import run_import

            return run_import(config, args.sources, into=args.into, dates=args.dates, jobs=args.jobs,
                              dry_run=args.dry_run, force=args.force)
        if args.command == "normalize":
            return _normalize(config, args.file)
        if args.command == "deploy":
            from .deploy import run_deploy

            return run_deploy(config, args.output or root / "output", args.target, dry_run=args.dry_run)
    except AkhbarError as e:
        for problem in e.problems:
            print(problem, file=sys.stderr)
        errors = sum(not p.warning for p in e.problems)
        outcome = {"build": "nothing was changed in the output", "check": "the site would not build",
                   "serve": "nothing was served",
                   "new": "no file was created",
                   "fmt": "those files were left as they were", "import": "those sources were not imported",
                   "deploy": "nothing more was sent"}
        print(f"{errors} problem{'s' if errors != 1 else ''}; {outcome.get(args.command, 'nothing was changed')}.",
              file=sys.stderr)
        return EXIT_PROBLEMS
    except KeyboardInterrupt:
        return 130
    return EXIT_OK


def _build(config, args: argparse.Namespace) -> int:
    from . import cache
    from .pipeline import NOTHING_CHANGED, BuildState, Explanation, Summary, build, glance, summary
    from .progress import ProgressBar

    output = args.output or config.root / "output"
    cached, summarized = cache.cache_file(config.root), cache.cache_file(config.root, "summary.pickle")
    last = None if args.no_cache else cache.load(summarized)
    seen = glance(config, output, args.drafts, last if isinstance(last, Summary) else None)
    if seen.report is not None and not (args.strict and seen.report.warnings):  # (--strict: the build must refuse them)
        report, explained = seen.report, Explanation(NOTHING_CHANGED, (), (), ())
    else:
        state = None if args.no_cache else cache.load(cached)
        state = state if isinstance(state, BuildState) else None
        # Until the state is saved again, no collection need walk what was loaded (the first one, right
        # after loading, would take 0.2 s at 10,000 articles). Thawed at the end: in a process that goes
        # on (tests, scripts calling `main`), frozen garbage would never be collected.
        gc.freeze()
        try:
            bar = ProgressBar("building")
            try:
                # What the glance listed is not listed again (at 10,000 articles, a quarter of an edit's build).
                report, state, explained = build(config, output, drafts=args.drafts, progress=bar, state=state,
                                                 jobs=args.jobs, strict=args.strict,
                                                 touched=seen.touched(state) if state else None,
                                                 trust_output=bool(state) and seen.output_is(state), once=True)
            finally:
                bar.close()
            if explained.reason != NOTHING_CHANGED:  # else the cache on disk already says all this state does
                summarized.unlink(missing_ok=True)  # (a summary must never outlive the state it summarizes)
                cache.save(cached, state)
                cache.save(summarized, summary(state))
        finally:
            gc.unfreeze()
    for w in report.warnings:
        print(w, file=sys.stderr)
    if args.explain:
        print(f"why: {explained.reason}")
        print(f"read again ({len(explained.read)}):" + "".join(f"\n  {p}" for p in explained.read[:50]))
        if explained.gone:
            print(f"removed ({len(explained.gone)}):" + "".join(f"\n  {p}" for p in explained.gone[:50]))
        print(f"pages rendered ({len(explained.rendered)}):" + "".join(f"\n  {p}" for p in explained.rendered[:50]))
    encoded = f", {report.encoded} image variants encoded" if report.encoded else ""
    print(f"{report.articles} articles, {report.pages} pages ({report.written} written, "
          f"{report.removed} removed{encoded}) in {report.seconds:.2f} s")
    return EXIT_OK


def _check(config, args: argparse.Namespace) -> int:
    """`build` without the write stage, from the build's own cache. The state it saves back still describes
    output/ as the last build left it (only the articles read again are new in it), so a build after a
    check is as right as one after a build, and the editor's next check is as fast as a warm build."""
    from . import cache
    from .pipeline import NOTHING_CHANGED, BuildState, build
    from .progress import ProgressBar

    cached = cache.cache_file(config.root)
    state = None if args.no_cache else cache.load(cached)
    state = state if isinstance(state, BuildState) else None
    loaded = state.sources if state else None
    bar = ProgressBar("checking")
    try:
        report, state, explained = build(config, config.root / "output", progress=bar, state=state, jobs=args.jobs,
                                         strict=args.strict, write=False, once=True)
    finally:
        bar.close()
    # Saved when it read something, or found files with new stamps and the same text (CI's fresh clone):
    # the build after it then need not compare them again.
    if state.sources != loaded and not args.no_cache:
        cache.save(cached, state)
    for w in report.warnings:
        print(w, file=sys.stderr)
    rendered = "nothing changed since the last build" if explained.reason == NOTHING_CHANGED else (
        f"{len(explained.read)} read, {len(explained.rendered)} pages rendered")
    print(f"{report.articles} articles, {report.pages} pages: no problems ({rendered}) in {report.seconds:.2f} s")
    return EXIT_OK


def _normalize(config, file: Path | None) -> int:
    """Plain text, line by line, with the build's own settings: for scripts and pasted copy."""
    from .normalize import TextNormalizer

    normalizer = TextNormalizer(config.normalize)
    if file is not None:
        try:
            lines = file.read_text(encoding="utf-8-sig").splitlines()
        except (OSError, UnicodeDecodeError) as e:
            raise AkhbarError(Problem(str(file), None, f"cannot read it as UTF-8 text ({e.__class__.__name__})")) from None
    else:
        sys.stdin.reconfigure(encoding="utf-8")
        lines = sys.stdin.read().splitlines()
    sys.stdout.reconfigure(encoding="utf-8")
    for line in lines:
        sys.stdout.write((normalizer.normalize(line) if config.normalize.enabled else line) + "\n")
    return EXIT_OK
