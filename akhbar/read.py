"""Read stage: content files → `RawArticle`s with validated front matter, or `Problem`s."""

from __future__ import annotations

import os
import re
import stat
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import yaml
from frontmatter.default_handlers import YAMLHandler

from .dates import DateError, parse_date
from .errors import Problem
from .files import is_temporary, shown
from .model import FrontMatter, RawArticle, SourceFile
from .redirects import AliasError, alias_file


class _Loader(yaml.SafeLoader):
    """SafeLoader that leaves dates as text: PyYAML would read `1397-11-20` as a Gregorian date.

    Its marks count characters, which `fmt` needs to rewrite a scalar in place."""


_Loader.yaml_implicit_resolvers = {
    ch: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for ch, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


class _FastLoader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # type: ignore[misc]
    """The same on libyaml's parser when PyYAML has it: ten times faster on a front matter. Its marks
    are right for lines (all reading needs), not for character offsets (libyaml counts bytes)."""


_FastLoader.yaml_implicit_resolvers = _Loader.yaml_implicit_resolvers

_BOUNDARY = YAMLHandler.FM_BOUNDARY
_SLUG_OK = re.compile(r"[^/\\\x00-\x20?#%\"'<>|*:]+")
KNOWN_KEYS = ("title", "date", "slug", "tags", "section", "province", "news_id", "lead", "draft", "image", "normalize",
              "updated", "aliases", "image_alt", "image_caption", "comments")


def is_content_file(path: Path) -> bool:
    """Markdown articles, not editors' swap, backup or lock files."""
    return path.name.endswith(".md") and not is_temporary(path.name)


def is_article_path(path: str, content_dir: str) -> bool:
    """Whether `discover` would find a file at `path` (both absolute, in the same form), if it exists."""
    rel = os.path.relpath(path, content_dir)
    return not rel.startswith("..") and is_content_file(Path(rel)) and not any(
        part.startswith(".") for part in Path(rel).parts[:-1])


def discover(content_dir: Path) -> list[Path]:
    """Every article file under `content_dir`, in a stable order; hidden folders are skipped."""
    return sorted(Path(p) for p, _ in discover_stamped(content_dir))


Stamp = tuple[int, int]  # (mtime_ns, size): a file whose stamp is unchanged is not read again


def discover_stamped(content_dir: Path) -> list[tuple[str, Stamp]]:
    """`discover`'s files as path strings, sorted, each with its stamp: one `stat` per file and no
    `Path` objects, since a rebuild of a large archive runs this over every file on every save."""
    found: list[tuple[str, Stamp]] = []
    stack = [str(content_dir)]
    while stack:
        try:
            entries = os.scandir(stack.pop())
        except OSError:
            continue
        with entries:
            for entry in entries:
                name = entry.name
                if entry.is_dir(follow_symlinks=False):
                    if not name.startswith("."):
                        stack.append(entry.path)
                elif name.endswith(".md") and not is_temporary(name):
                    try:
                        st = entry.stat()
                    except OSError:  # a dangling link, or a file deleted meanwhile
                        continue
                    if stat.S_ISREG(st.st_mode):
                        found.append((entry.path, (st.st_mtime_ns, st.st_size)))
    found.sort()
    return found


def load_source(path: Path, root: Path) -> SourceFile | Problem:
    rel = shown(path, root)
    data = path.read_bytes()
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        line = data[: e.start].count(b"\n") + 1
        return Problem(rel, line, "is not UTF-8 text; save the file with UTF-8 encoding",
                       fa="این پرونده UTF-8 نیست؛ آن را با رمزگذاری UTF-8 ذخیره کنید.")
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return SourceFile(str(path), rel, _CONTROL.sub("", text) if _CONTROL.search(text) else text)


# Control characters (other than tab and newline) and non-characters: pasted in from other programs,
# invisible, and not allowed in HTML or in XML feeds, where one of them makes the whole feed unreadable.
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufffe\uffff]")


def parse_article(src: SourceFile, tz: ZoneInfo) -> RawArticle | list[Problem]:
    """Split front matter from body and validate it; every problem comes with its line."""
    rel = src.rel
    bounds = list(_BOUNDARY.finditer(src.text, 0))
    if not bounds or bounds[0].start() != 0:
        return [Problem(rel, 1, "has no front matter: start the file with a line '---', then 'title:' and "
                        "'date:' lines, then another '---'",
                        fa="مشخصات خبر (front matter) پیدا نشد: پرونده باید با خط --- و سپس title: و date: شروع شود.")]
    if len(bounds) < 2:
        return [Problem(rel, 1, "front matter is not closed: add a line '---' after the last setting",
                        fa="مشخصات خبر بسته نشده است: پس از آخرین خط، یک خط --- بگذارید.")]
    fm_text = src.text[bounds[0].end() : bounds[1].start()]
    body = src.text[bounds[1].end() :].removeprefix("\n")
    body_line = src.text[: bounds[1].end()].count("\n") + 2
    # fm_text starts on the opening '---' line (the boundary match stops before its newline), so
    # YAML's 0-based line k is file line `first + k`.
    first = src.text[: bounds[0].end()].count("\n") + 1
    try:
        node, data = _load_yaml(fm_text)
    except yaml.MarkedYAMLError as e:
        # An unclosed quote or bracket is reported where the stream ended; the line to fix is where it opened.
        opened = e.context_mark is not None and any(w in (e.context or "") for w in ("quoted scalar", "flow"))
        mark = e.context_mark if opened else (e.problem_mark or e.context_mark)
        line = first + mark.line if mark else 1
        what = e.problem or "unreadable"
        return [Problem(rel, line, f"front matter is not valid YAML ({what}); check quotes, colons and indentation",
                        fa="مشخصات خبر خوانا نیست؛ گیومه‌ها، دونقطه‌ها و تورفتگی این خط را بررسی کنید.")]
    except yaml.YAMLError as e:
        return [Problem(rel, 2, f"front matter is not valid YAML: {e}")]
    if not isinstance(data, dict):
        return [Problem(rel, 2, "front matter must be 'key: value' lines, such as 'title: ...' and 'date: ...'")]
    lines = {}
    if isinstance(node, yaml.MappingNode):
        lines = {str(k.value): first + k.start_mark.line for k, _ in node.value}
    result = _validate(data, lines, src, tz)
    if isinstance(result, list):
        return result
    return RawArticle(src, result, body, body_line)


def _load_yaml(text: str) -> tuple[yaml.Node | None, Any]:
    """The front matter's node tree (for key lines) and its value, from one parse."""
    loader = _FastLoader(text)
    try:
        node = loader.get_single_node()
        return node, (loader.construct_document(node) if node is not None else {})
    finally:
        loader.dispose()


def _text(value: Any) -> str | None:
    if value is None or isinstance(value, (dict, list, bool)):
        return None
    return str(value).strip() or None


def _validate(data: dict, lines: dict[str, int], src: SourceFile, tz: ZoneInfo) -> FrontMatter | list[Problem]:
    rel = src.rel
    problems: list[Problem] = []

    def bad(key: str, message: str, fa: str = "") -> None:
        problems.append(Problem(rel, lines.get(key, 1), message, fa=fa))

    title = _text(data.get("title"))
    if title is None:
        bad("title", "title is missing: add a line such as 'title: عنوان خبر' to the front matter",
            "عنوان خبر نیامده است: خطی مانند «title: عنوان خبر» بیفزایید.")
    date = None
    if data.get("date") in (None, ""):
        bad("date", "date is missing: add a line such as 'date: 1403-02-15 10:30' (Jalali) to the front matter",
            "تاریخ خبر نیامده است: خطی مانند «date: 1403-02-15 10:30» بیفزایید.")
    else:
        try:
            date = parse_date(str(data["date"]), tz)
        except DateError as e:
            bad("date", str(e), "تاریخ نادرست است یا در تقویم وجود ندارد؛ آن را به شکل 1397-11-20 یا 1397-11-20 10:30 بنویسید.")

    updated = None
    if data.get("updated") not in (None, ""):
        try:
            updated = parse_date(str(data["updated"]), tz)
        except DateError as e:
            bad("updated", str(e).replace("date ", "updated ", 1),
                "تاریخ به‌روزرسانی نادرست است یا در تقویم وجود ندارد؛ آن را به شکل 1397-11-20 10:30 بنویسید.")

    aliases = _aliases(data.get("aliases"), bad)

    tags = data.get("tags") or []
    if isinstance(tags, (str, int, float)):
        tags = [tags]
    if not isinstance(tags, list) or not all(isinstance(t, (str, int, float)) and not isinstance(t, bool) for t in tags):
        bad("tags", "tags must be a list of words, such as 'tags: [مسکن, راه‌سازی]'")
        tags = []

    single = {}
    for key in ("section", "province", "lead", "image", "image_alt", "image_caption"):
        value = data.get(key)
        if value is not None and _text(value) is None and value != "":
            bad(key, f"{key} must be text")
        single[key] = _text(value)

    news_id = data.get("news_id")
    if news_id is not None:
        if isinstance(news_id, str) and news_id.strip().isdigit():
            news_id = int(news_id)
        if not isinstance(news_id, int) or isinstance(news_id, bool) or news_id < 0:
            bad("news_id", f"news_id must be a whole number, such as 'news_id: 64048' (found {data['news_id']!r})")
            news_id = None

    flags = {}
    for key, default in (("draft", False), ("normalize", True)):
        value = data.get(key, default)
        if not isinstance(value, bool):
            bad(key, f"{key} must be true or false (found {value!r})")
            value = default
        flags[key] = value

    comments = data.get("comments")  # None: the [comments] defaults decide
    if comments is not None and not isinstance(comments, bool):
        bad("comments", f"comments must be true or false (found {comments!r})",
            "comments باید true یا false باشد.")
        comments = None

    slug = _text(data.get("slug")) or src.path.stem
    if not _SLUG_OK.fullmatch(slug) or slug.startswith("."):
        bad("slug", f"slug {slug!r} cannot be used in a web address: use letters, digits and '-' only")

    if problems or title is None or date is None:
        return problems
    extra = {k: v for k, v in data.items() if k not in KNOWN_KEYS}
    return FrontMatter(
        title=title, date=date, slug=slug, tags=tuple(str(t).strip() for t in tags if str(t).strip()),
        news_id=news_id, draft=flags["draft"], normalize=flags["normalize"], extra=extra, lines=lines,
        updated=updated, aliases=aliases, comments=comments, **single,
    )


def _aliases(value: Any, bad: Any) -> tuple[str, ...]:
    """`aliases` → the output files of their redirect pages, in order, each checked to stay in output/."""
    if value in (None, ""):
        return ()
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(a, str) and a.strip() for a in value):
        bad("aliases", "aliases must be a list of old addresses, such as 'aliases: [/fa/news/64048]'")
        return ()
    files = []
    for alias in value:
        try:
            files.append(alias_file(alias))
        except AliasError as e:
            bad("aliases", str(e), "نشانی قدیمی (aliases) نادرست است؛ مسیری مانند /fa/news/64048 بنویسید.")
    return tuple(files)
