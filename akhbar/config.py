"""`site_config.toml` → one frozen, validated `SiteConfig`.

Every option is declared once in `_SCHEMA` (with its default); the README's reference table mirrors it.
All problems are collected, each naming its key and line, then raised together.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from .errors import AkhbarError, Problem

CONFIG_NAME = "site_config.toml"


@dataclass(frozen=True)
class TaxonomyConfig:
    name: str  # URL segment and template key, e.g. "tags"
    key: str  # front-matter key, e.g. "tags" or "section"
    title: str  # Persian plural shown on the terms index
    singular: str


@dataclass(frozen=True)
class NormalizeConfig:
    enabled: bool = True
    digits: str = "persian"  # or "as-written"
    correct_spacing: bool = True
    remove_diacritics: bool = True
    remove_specials_chars: bool = True
    decrease_repeated_chars: bool = True
    persian_style: bool = True
    unicodes_replacement: bool = True
    seperate_mi: bool = True
    restore_joints: bool = True  # put back lost zero-width non-joiners (see joints.py)
    words: Path | None = None  # the project word list, resolved against the project folder


DEFAULT_FURNITURE = ("نسخه قابل چاپ", "نسخه چاپی", "نظر شما", "ارسال به دوستان", "اشتراک گذاری",
                     "ارسال نظر", "بازگشت", "چاپ")


@dataclass(frozen=True)
class ImportConfig:
    furniture: tuple[str, ...] = DEFAULT_FURNITURE  # lines of the old site's page furniture, dropped on import
    old_url: str | None = None  # e.g. "/fa/news/{news_id}": imported articles get it as an alias


@dataclass(frozen=True)
class FeedsConfig:
    limit: int = 20  # entries per feed, newest first
    full_content: bool = False  # the whole article in each entry, else its lead


IMAGE_FORMATS = ("avif", "webp")  # modern formats a `<picture>` may offer; the source's own format is the fallback


def writable_formats(formats: tuple[str, ...]) -> tuple[str, ...]:
    """The formats this Pillow can encode: AVIF needs a Pillow built with libavif (11.3+ has it in its wheels)."""
    from PIL import features

    return tuple(f for f in formats if features.check(f))


@dataclass(frozen=True)
class ImagesConfig:
    widths: tuple[int, ...] = (320, 640, 960, 1280, 1920)  # variant widths, never above the source's
    formats: tuple[str, ...] = IMAGE_FORMATS  # `<source>`s, best first; those Pillow cannot write are skipped
    quality: int = 80  # encoder quality, 1 to 100, for JPEG, WebP and AVIF alike
    sizes: str = "(min-width: 44rem) 42rem, calc(100vw - 2rem)"  # `sizes` of body and lead photos (how wide the column is)
    thumb_sizes: str = "7rem"  # `sizes` of the thumbnails on cards


@dataclass(frozen=True)
class RsyncTarget:
    """`[deploy.NAME]` with `type = "rsync"`: the system's rsync over ssh."""

    name: str
    host: str
    path: str  # the folder on the host that serves the site
    port: int = 22
    user: str | None = None  # None: ssh's own default (the local user, or ~/.ssh/config)
    identity: Path | None = None  # the private key file; None: ssh's default keys or agent
    known_hosts: Path | None = None  # the host's public keys; None: ssh's own known_hosts, never accept-new
    delete: bool = False  # remove from the host what akhbar uploaded and the build no longer writes


@dataclass(frozen=True)
class S3Target:
    """`[deploy.NAME]` with `type = "s3"`: any S3-compatible storage through boto3."""

    name: str
    bucket: str
    endpoint: str | None = None  # None: AWS itself
    prefix: str = ""  # the folder inside the bucket, "" or ending in "/"
    region: str | None = None
    delete: bool = False


DeployTarget = RsyncTarget | S3Target


COMMENT_PROVIDERS = ("isso", "email", "none")


@dataclass(frozen=True)
class CommentsConfig:
    """Readers' comments under each article («نظر شما»): through an Isso server, by e-mail, or none."""

    provider: str = "none"  # "isso", "email" or "none"
    url: str | None = None  # the Isso server's public address, ending in "/" (required for "isso")
    email: str | None = None  # the address comments are mailed to (required for "email")
    default: bool = True  # whether an article without `comments:` in its front matter has the section
    closed_folders: tuple[str, ...] = ()  # folders under content/ whose articles default to none (archived imports)

    def open_for(self, source: str, choice: bool | None) -> bool:
        """Whether the article `source` ("content/imported/x.md", as `SourceFile.rel`) shows the section:
        its front matter's `comments:` when given, else not in a closed folder, else `default`."""
        if self.provider == "none":
            return False
        if choice is not None:
            return choice
        if self.closed_folders and source.startswith(tuple(f"content/{c}/" for c in self.closed_folders)):
            return False
        return self.default


@dataclass(frozen=True)
class SearchConfig:
    """The site's own search: a Pagefind index of the articles (`pagefind/`) and the search page (`search/`)."""

    enabled: bool = True  # false: no index, no search page, no link to it; Pagefind never runs


DEFAULT_TAXONOMIES = (
    TaxonomyConfig("tags", "tags", "برچسب‌ها", "برچسب"),
    TaxonomyConfig("sections", "section", "سرویس‌ها", "سرویس"),
    TaxonomyConfig("provinces", "province", "استان‌ها", "استان"),
)


@dataclass(frozen=True)
class SiteConfig:
    root: Path
    title: str = "اخبار"
    description: str = ""
    base_url: str = "/"
    theme: str = "default"
    timezone: str = "Asia/Tehran"
    page_size: int = 10
    related_count: int = 4
    image: str | None = None  # the site's share image (og:image) for pages without their own
    taxonomies: tuple[TaxonomyConfig, ...] = DEFAULT_TAXONOMIES
    normalize: NormalizeConfig = field(default_factory=NormalizeConfig)
    importer: ImportConfig = field(default_factory=ImportConfig)  # the [import] table
    feeds: FeedsConfig = field(default_factory=FeedsConfig)
    images: ImagesConfig = field(default_factory=ImagesConfig)
    deploy: tuple[DeployTarget, ...] = ()  # the [deploy.NAME] tables, in file order
    comments: CommentsConfig = field(default_factory=CommentsConfig)
    search: SearchConfig = field(default_factory=SearchConfig)

    @property
    def base_path(self) -> str:
        """The URL path the site lives under, always ending in '/' (e.g. '/akhbar/')."""
        return urlsplit(self.base_url).path or "/"

    @property
    def content_dir(self) -> Path:
        return self.root / "content"

    @property
    def theme_dir(self) -> Path:
        return self.root / "themes" / self.theme

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)


def _is_str(v: Any) -> bool:
    return isinstance(v, str)


def _is_bool(v: Any) -> bool:
    return isinstance(v, bool)


def _is_pos_int(v: Any) -> bool:
    return isinstance(v, int) and not isinstance(v, bool) and v > 0


def _is_base_url(v: Any) -> bool:
    if not isinstance(v, str):
        return False
    parts = urlsplit(v)
    return parts.scheme in ("http", "https") and bool(parts.netloc) or (not parts.scheme and v.startswith("/"))


def _is_zone(v: Any) -> bool:
    try:
        ZoneInfo(v)
    except (ZoneInfoNotFoundError, ValueError, TypeError):
        return False
    return True


_Check = tuple[Callable[[Any], bool], str]

_TOP: dict[str, _Check] = {
    "title": (_is_str, "must be text"),
    "description": (_is_str, "must be text"),
    "base_url": (_is_base_url, 'must be an absolute URL such as "https://example.ir/akhbar/" or a path starting with "/"'),
    "theme": (_is_str, "must be the name of a folder in themes/"),
    "timezone": (_is_zone, 'must be an IANA time zone such as "Asia/Tehran"'),
    "page_size": (_is_pos_int, "must be a whole number above 0"),
    "related_count": (lambda v: isinstance(v, int) and not isinstance(v, bool) and v >= 0, "must be a whole number, 0 or more"),
    "image": (lambda v: isinstance(v, str) and bool(v.strip()), 'must be the address of an image, e.g. "static/img/logo.png"'),
}
_FEEDS: dict[str, _Check] = {
    "limit": (_is_pos_int, "must be a whole number above 0"),
    "full_content": (_is_bool, "must be true or false"),
}
_IMAGES: dict[str, _Check] = {
    "widths": (lambda v: isinstance(v, list) and bool(v) and all(_is_pos_int(w) and w <= 8192 for w in v),
               "must be a list of widths in pixels, e.g. [320, 640, 960, 1280, 1920]"),
    "formats": (lambda v: isinstance(v, list) and all(f in IMAGE_FORMATS for f in v) and len(set(v)) == len(v),
                'must be a list of "avif" and "webp", best first (the source\'s own format is always the fallback)'),
    "quality": (lambda v: _is_pos_int(v) and v <= 100, "must be a whole number from 1 to 100"),
    "sizes": (lambda v: isinstance(v, str) and bool(v.strip()), 'must be an HTML sizes value, e.g. "100vw"'),
    "thumb_sizes": (lambda v: isinstance(v, str) and bool(v.strip()), 'must be an HTML sizes value, e.g. "7rem"'),
}
_NORMALIZE: dict[str, _Check] = {
    "enabled": (_is_bool, "must be true or false"),
    "digits": (lambda v: v in ("persian", "as-written"), 'must be "persian" or "as-written"'),
    **{
        k: (_is_bool, "must be true or false")
        for k in (
            "correct_spacing", "remove_diacritics", "remove_specials_chars", "decrease_repeated_chars",
            "persian_style", "unicodes_replacement", "seperate_mi", "restore_joints",
        )
    },
    "words": (_is_str, "must be the path of a word-list file, relative to the project folder"),
}
_SEARCH: dict[str, _Check] = {
    "enabled": (_is_bool, "must be true or false"),
}
_IMPORT: dict[str, _Check] = {
    "furniture": (lambda v: isinstance(v, list) and all(isinstance(x, str) for x in v), "must be a list of text lines"),
    "old_url": (lambda v: isinstance(v, str) and "{news_id}" in v, 'must be a URL path holding {news_id}, e.g. "/fa/news/{news_id}"'),
}


def _is_server_url(v: Any) -> bool:
    if not isinstance(v, str):
        return False
    parts = urlsplit(v)
    return (parts.scheme in ("http", "https") and bool(parts.hostname) and not parts.query and not parts.fragment
            and re.search(r"[\s\"'<>\\]", v) is None)


def _is_folder(v: Any) -> bool:
    if not isinstance(v, str) or not v.strip("/") or "\\" in v or v.startswith("/"):
        return False
    return all(part not in ("", ".", "..") for part in v.strip("/").split("/"))


_COMMENTS: dict[str, _Check] = {
    "provider": (lambda v: v in COMMENT_PROVIDERS, 'must be "isso", "email" or "none"'),
    "url": (_is_server_url, 'must be the comment server\'s public address, e.g. "https://example.ir/comments/"'),
    "email": (lambda v: isinstance(v, str) and re.fullmatch(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+", v) is not None,
              'must be an e-mail address, e.g. "comments@example.ir"'),
    "default": (_is_bool, "must be true or false"),
    "closed_folders": (lambda v: isinstance(v, list) and all(_is_folder(f) for f in v),
                       'must be a list of folders under content/, e.g. ["imported"]'),
}
_TAXONOMY: dict[str, _Check] = {
    "name": (lambda v: isinstance(v, str) and re.fullmatch(r"[a-z0-9-]+", v) is not None, "must be lower-case Latin letters, digits or '-'"),
    "key": (_is_str, "must be a front-matter key"),
    "title": (_is_str, "must be text"),
    "singular": (_is_str, "must be text"),
}
_HOST_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9.-]*|\[[0-9A-Fa-f:.]+\]")  # never "-o…": ssh would read an option
_DEPLOY_COMMON: dict[str, _Check] = {
    "type": (lambda v: v in ("rsync", "s3"), 'must be "rsync" or "s3"'),
    "delete": (_is_bool, "must be true or false"),
}
_DEPLOY_RSYNC: dict[str, _Check] = {
    **_DEPLOY_COMMON,
    "host": (lambda v: isinstance(v, str) and _HOST_NAME.fullmatch(v) is not None, 'must be a host name or address, e.g. "www.example.ir"'),
    "port": (lambda v: _is_pos_int(v) and v <= 65535, "must be a port number from 1 to 65535"),
    "user": (lambda v: isinstance(v, str) and re.fullmatch(r"[A-Za-z0-9_][A-Za-z0-9_.-]*", v) is not None, "must be a user name on the host"),
    "path": (lambda v: isinstance(v, str) and bool(v.strip()) and not v.startswith("-"), 'must be the site\'s folder on the host, e.g. "/var/www/akhbar"'),
    "identity": (lambda v: isinstance(v, str) and bool(v.strip()), 'must be the path of a private key file, e.g. "~/.ssh/akhbar_deploy"'),
    "known_hosts": (lambda v: isinstance(v, str) and bool(v.strip()), 'must be the path of a known_hosts file, e.g. "deploy/known_hosts"'),
}
_DEPLOY_S3: dict[str, _Check] = {
    **_DEPLOY_COMMON,
    "endpoint": (lambda v: isinstance(v, str) and urlsplit(v).scheme in ("http", "https") and bool(urlsplit(v).netloc),
                 'must be the storage\'s address, e.g. "https://s3.example.ir"'),
    "bucket": (lambda v: isinstance(v, str) and re.fullmatch(r"[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]", v) is not None,
               "must be a bucket name: 3 to 63 lower-case letters, digits, '.' or '-'"),
    "prefix": (lambda v: isinstance(v, str) and ".." not in v.split("/") and not v.startswith("/"),
               'must be a folder inside the bucket such as "akhbar/", or "" for the bucket\'s root'),
    "region": (lambda v: isinstance(v, str) and re.fullmatch(r"[a-z0-9-]+", v) is not None, 'must be a region name, e.g. "us-east-1"'),
}
_DEPLOY_REQUIRED = {"rsync": ("host", "path"), "s3": ("bucket",)}


def _line_of(text: str, key: str, table: str | None = None) -> int | None:
    """Best-effort line of `key` (inside `[table]` when given): tomllib keeps no positions."""
    lines = text.splitlines()
    start = 0
    if table:
        header = re.compile(rf"^\s*\[+\s*{re.escape(table)}\s*\]+")
        start = next((i for i, s in enumerate(lines) if header.match(s)), 0)
        if not key:
            return start + 1
    pat = re.compile(rf"^\s*{re.escape(key)}\s*=")
    for i in range(start, len(lines)):
        if pat.match(lines[i]):
            return i + 1
    return None


def _check_table(data: dict, schema: dict[str, _Check], text: str, path: str, table: str | None,
                 problems: list[Problem]) -> dict:
    good = {}
    for key, value in data.items():
        where = f"[{table}] " if table else ""
        if key not in schema:
            known = ", ".join(sorted(schema))
            problems.append(Problem(path, _line_of(text, key, table), f"unknown setting {where}{key!r}; known settings: {known}"))
            continue
        check, hint = schema[key]
        if not check(value):
            problems.append(Problem(path, _line_of(text, key, table), f"{where}{key} {hint} (found {value!r})"))
            continue
        good[key] = value
    return good


def load_config(root: Path) -> SiteConfig:
    """Read and validate `root/site_config.toml`; a missing file means all defaults."""
    path = root / CONFIG_NAME
    rel = CONFIG_NAME
    if not path.exists():
        return SiteConfig(root=root)
    try:
        raw = path.read_bytes()
    except OSError as e:  # a folder named site_config.toml, no permission, ...
        raise AkhbarError(Problem(rel, None, f"cannot be read: {e.strerror or e}")) from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as e:
        line = raw[: e.start].count(b"\n") + 1
        raise AkhbarError(Problem(rel, line, "is not UTF-8 text; save it as UTF-8")) from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as e:
        m = re.search(r"line (\d+)", str(e))
        # "(at end of document)": an unclosed string, array or table runs to the last line
        line = int(m.group(1)) if m else max(1, len(text.splitlines()))
        raise AkhbarError(Problem(rel, line, f"is not valid TOML: {e}")) from None

    problems: list[Problem] = []
    nested = {key: data.pop(key, None)
              for key in ("normalize", "taxonomies", "import", "feeds", "images", "deploy", "comments", "search")}
    top = _check_table(data, _TOP, text, rel, None, problems)
    if "base_url" in top and not top["base_url"].endswith("/"):
        top["base_url"] += "/"

    norm = NormalizeConfig()
    if nested["normalize"] is not None:
        if isinstance(nested["normalize"], dict):
            good = _check_table(nested["normalize"], _NORMALIZE, text, rel, "normalize", problems)
            if "words" in good:
                good["words"] = root / good["words"]
                if not good["words"].is_file():
                    problems.append(Problem(rel, _line_of(text, "words", "normalize"),
                                            f"[normalize] words: no file {good['words'].relative_to(root)}"))
            norm = NormalizeConfig(**good)
        else:
            problems.append(Problem(rel, _line_of(text, "normalize"), "normalize must be a table: [normalize]"))

    importer = ImportConfig()
    if isinstance(nested["import"], dict):
        good = _check_table(nested["import"], _IMPORT, text, rel, "import", problems)
        importer = ImportConfig(**{k: tuple(v) if isinstance(v, list) else v for k, v in good.items()})
    elif nested["import"] is not None:
        problems.append(Problem(rel, _line_of(text, "import"), "import must be a table: [import]"))

    feeds = FeedsConfig()
    if isinstance(nested["feeds"], dict):
        feeds = FeedsConfig(**_check_table(nested["feeds"], _FEEDS, text, rel, "feeds", problems))
    elif nested["feeds"] is not None:
        problems.append(Problem(rel, _line_of(text, "feeds"), "feeds must be a table: [feeds]"))

    images = ImagesConfig()
    if isinstance(nested["images"], dict):
        good = _check_table(nested["images"], _IMAGES, text, rel, "images", problems)
        if "widths" in good:
            good["widths"] = tuple(sorted(set(good["widths"])))
        if "formats" in good:
            good["formats"] = tuple(good["formats"])
        images = ImagesConfig(**good)
    elif nested["images"] is not None:
        problems.append(Problem(rel, _line_of(text, "images"), "images must be a table: [images]"))

    comments = CommentsConfig()
    if isinstance(nested["comments"], dict):
        comments = _comments(nested["comments"], text, rel, problems)
    elif nested["comments"] is not None:
        problems.append(Problem(rel, _line_of(text, "comments"), "comments must be a table: [comments]"))

    search = SearchConfig()
    if isinstance(nested["search"], dict):
        search = SearchConfig(**_check_table(nested["search"], _SEARCH, text, rel, "search", problems))
    elif nested["search"] is not None:
        problems.append(Problem(rel, _line_of(text, "search"), "search must be a table: [search]"))

    taxonomies = DEFAULT_TAXONOMIES
    if nested["taxonomies"] is not None:
        taxonomies = _taxonomies(nested["taxonomies"], text, rel, problems)

    deploy: tuple[DeployTarget, ...] = ()
    if isinstance(nested["deploy"], dict):
        deploy = _deploy_targets(nested["deploy"], root, text, rel, problems)
    elif nested["deploy"] is not None:
        problems.append(Problem(rel, _line_of(text, "deploy"), "deploy must hold tables: [deploy.NAME]"))

    config = SiteConfig(root=root, normalize=norm, taxonomies=taxonomies, importer=importer, feeds=feeds,
                        images=images, deploy=deploy, comments=comments, search=search, **top)
    if not problems and not config.theme_dir.is_dir():
        themes = ", ".join(sorted(p.name for p in (root / "themes").glob("*") if p.is_dir())) or "none"
        problems.append(Problem(rel, _line_of(text, "theme"), f"unknown theme {config.theme!r}; themes/ holds: {themes}"))
    if problems:
        raise AkhbarError(problems)
    return config


def _comments(table: dict, text: str, rel: str, problems: list[Problem]) -> CommentsConfig:
    good = _check_table(table, _COMMENTS, text, rel, "comments", problems)
    provider = good.get("provider", CommentsConfig.provider)
    needs = {"isso": ("url", 'the comment server\'s public address, e.g. url = "https://example.ir/comments/"'),
             "email": ("email", 'the address comments go to, e.g. email = "comments@example.ir"')}.get(provider)
    if needs and needs[0] not in table:
        line = _line_of(text, "provider", "comments") or _line_of(text, "", "comments")
        problems.append(Problem(rel, line, f'[comments] provider "{provider}" needs {needs[0]}: {needs[1]}'))
    if "url" in good and not good["url"].endswith("/"):
        good["url"] += "/"
    if "closed_folders" in good:
        good["closed_folders"] = tuple(f.strip("/") for f in good["closed_folders"])
    return CommentsConfig(**good)


def _taxonomies(value: Any, text: str, rel: str, problems: list[Problem]) -> tuple[TaxonomyConfig, ...]:
    line = _line_of(text, "", "taxonomies")
    if not isinstance(value, list) or not all(isinstance(t, dict) for t in value):
        problems.append(Problem(rel, line, "taxonomies must be a list of [[taxonomies]] tables"))
        return DEFAULT_TAXONOMIES
    result = []
    for table in value:
        good = _check_table(table, _TAXONOMY, text, rel, "taxonomies", problems)
        missing = [k for k in _TAXONOMY if k not in table]
        if missing:
            problems.append(Problem(rel, line, f"[[taxonomies]] is missing {', '.join(missing)}"))
        elif len(good) == len(_TAXONOMY):
            result.append(TaxonomyConfig(**good))
    names = [t.name for t in result]
    for name in sorted({n for n in names if names.count(n) > 1}):
        problems.append(Problem(rel, line, f"two taxonomies are named {name!r}"))
    return tuple(result)


def _deploy_targets(tables: dict, root: Path, text: str, rel: str, problems: list[Problem]) -> tuple[DeployTarget, ...]:
    """Each `[deploy.NAME]` table, checked against its type's keys; paths resolve against the project folder."""
    targets: list[DeployTarget] = []
    for name, table in tables.items():
        header = f"deploy.{name}"
        line = _line_of(text, "", header)
        if not isinstance(table, dict):
            problems.append(Problem(rel, _line_of(text, "deploy"), f"deploy.{name} must be a table: [deploy.{name}]"))
            continue
        if not re.fullmatch(r"[A-Za-z0-9_-]+", name):
            problems.append(Problem(rel, line, f"[deploy.{name}]: a target's name must be Latin letters, digits, '_' or '-'"))
            continue
        kind = table.get("type")
        if kind not in _DEPLOY_REQUIRED:
            problems.append(Problem(rel, _line_of(text, "type", header) or line,
                                    f'[deploy.{name}] type must be "rsync" or "s3" (found {kind!r})'))
            continue
        good = _check_table(table, _DEPLOY_RSYNC if kind == "rsync" else _DEPLOY_S3, text, rel, header, problems)
        missing = [k for k in _DEPLOY_REQUIRED[kind] if k not in table]
        if missing:
            problems.append(Problem(rel, line, f"[deploy.{name}] is missing {', '.join(missing)} (needed by type = {kind!r})"))
        if missing or len(good) != len(table):
            continue
        del good["type"]
        for key in ("identity", "known_hosts"):
            if key in good:
                good[key] = root / Path(good[key]).expanduser()  # an absolute path (or ~) stays as it is
        if "prefix" in good and good["prefix"] and not good["prefix"].endswith("/"):
            good["prefix"] += "/"
        targets.append(RsyncTarget(name, **good) if kind == "rsync" else S3Target(name, **good))
    return tuple(targets)
