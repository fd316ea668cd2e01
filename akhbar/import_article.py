"""One export file → the text of its article file: front matter, escaped paragraphs, then `fmt`.

`ArticleMaker.make` is a pure function of the bytes, their name and mtime, the --dates table and the
config, so every worker process (and --jobs 1) makes the same file of the same export.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import yaml

from .config import SiteConfig
from .dates import ArticleDate, DateError, jalali, parse_date
from .errors import AkhbarError
from .export_text import Export, NotTextError, decode, escape_markdown, line_key, parse, provisional_title
from .fmt import Formatter
from .provinces import find_province
from .slugs import term_slug

MAX_SLUG = 60
REVIEWABLE = ("title", "date")  # front-matter keys the importer may have to guess


@dataclass(frozen=True)
class Job:
    """One export file to import: on disk (`path`) or an archive member already read (`data`)."""

    shown: str  # as reported: "exports/000_x.txt", "exports.zip/000_x.txt"
    name: str  # the original file name, recorded in `source`
    rel: str  # path inside its SOURCE folder or archive, also matched by --dates
    mtime: float  # seconds since the epoch
    path: Path | None = None
    data: bytes | None = None


def front_date(date: ArticleDate, tz: ZoneInfo) -> str:
    """A date as front matter writes it: Jalali, in the site's time zone, with the time when known."""
    j = jalali(date.value.astimezone(tz))
    day = f"{j.year:04}-{j.month:02}-{j.day:02}"
    return f"{day} {j.hour:02}:{j.minute:02}" if date.has_time else day


@dataclass(frozen=True)
class Made:
    """What a worker made of one job: the article text, or why there is none."""

    shown: str
    name: str
    problem: str = ""  # set: the source was skipped (not text, nothing in it), or failed when `failed`
    failed: bool = False
    sha256: str = ""
    news_id: int | None = None
    stem: str = ""  # the file name it wants, without ".md"
    text: str = ""
    review: tuple[str, ...] = ()
    warnings: tuple[str, ...] = ()


_NON_JOINING = set("اآأإدذرزژوؤ")


def _plural_joint(text: str) -> str:
    """«استانها» → «استان‌ها»: a glued plural suffix gets its ZWNJ after a joining letter."""
    def fix(m: re.Match[str]) -> str:
        stem, suffix = m.group(1), m.group(2)
        return stem + ("" if stem[-1] in _NON_JOINING else "\u200c") + suffix
    return re.sub(r"(?<![\w\u200c])(\w{3,}?)(های|ها)(?![\w\u200c])", fix, text)


def _yaml_str(value: str) -> str:
    """A plain YAML scalar when it reads back as the same text, else a double-quoted one."""
    try:
        if (value == value.strip() and "\n" not in value and ": " not in value and " #" not in value
                and yaml.safe_load(value) == value):
            return value
    except yaml.YAMLError:
        pass
    return json.dumps(value, ensure_ascii=False)


class ArticleMaker:
    """Turns export bytes into an article file. Build one per process: it holds the normalizer."""

    def __init__(self, config: SiteConfig, dates: dict[str, str], formatter: Formatter | None = None) -> None:
        self.config = config
        self.dates = dates
        self.formatter = formatter or Formatter(config)
        self.furniture = frozenset(line_key(f) for f in config.importer.furniture) - {""}
        if config.normalize.enabled:
            self.formatter.renderer.normalizer.normalize("خبر")  # load hazm now, once, not in the first file

    def _valid_date(self, text: str) -> bool:
        try:
            parse_date(text, self.config.tz)
        except DateError:
            return False
        return True

    def make(self, job: Job) -> Made:
        try:
            data = job.data if job.data is not None else job.path.read_bytes()  # type: ignore[union-attr]
        except OSError as e:
            return Made(job.shown, job.name, problem=f"cannot be read ({e.strerror or e})")
        sha = hashlib.sha256(data).hexdigest()
        try:
            export = parse(decode(data), self.furniture, self._valid_date)
        except NotTextError as e:
            return Made(job.shown, job.name, problem=str(e), sha256=sha)
        if not export.paragraphs:
            return Made(job.shown, job.name, problem="holds no article text, only page furniture", sha256=sha)
        review: list[str] = []
        title = export.title
        if title is None:
            title = provisional_title(export.paragraphs[0])
            review.append("title")
        date = self._date(export, job, review)
        norm = self.formatter.renderer.prose_text  # the Formatter normalizes again; this makes its job small
        paragraphs = [norm(p) for p in export.paragraphs]
        fields = {
            "title": norm(title), "date": date, "news_id": export.news_id,
            "section": self._section(export.section) if export.section else None,
            "province": find_province(title, export.paragraphs[0]), "lead": paragraphs[0],
        }
        stem = str(export.news_id) if export.news_id is not None else self._title_stem(fields["title"], sha)
        head = [f"{k}: {v if k in ('date', 'news_id') else _yaml_str(v)}" for k, v in fields.items() if v is not None]
        head += ["source:", f"  file: {_yaml_str(job.name)}", f"  sha256: {sha}", f"review: [{', '.join(review)}]"]
        if self.config.importer.old_url and export.news_id is not None:
            alias = self.config.importer.old_url.format(news_id=export.news_id)
            head.append(f"aliases: [{json.dumps(alias, ensure_ascii=False)}]")
        body = "\n\n".join(escape_markdown(p) for p in paragraphs)
        try:
            text, warnings = self._format("---\n" + "\n".join(head) + "\n---\n\n" + body + "\n", job, stem)
        except AkhbarError as e:
            return Made(job.shown, job.name, problem="could not be made into an article: "
                        + "; ".join(p.message for p in e.problems), sha256=sha, failed=True)
        return Made(job.shown, job.name, sha256=sha, news_id=export.news_id, stem=stem, text=text,
                    review=tuple(review), warnings=warnings)

    def _date(self, export: Export, job: Job, review: list[str]) -> str:
        """From --dates (by news number, then file name), else a date line, else the mtime (to review)."""
        tz = self.config.tz
        for key in (f"id:{export.news_id}", f"name:{job.name}", f"name:{job.rel}"):
            if key in self.dates:
                return self.dates[key]
        if export.date:
            return front_date(parse_date(export.date, tz), tz)
        review.append("date")
        return front_date(ArticleDate(datetime.fromtimestamp(job.mtime, tz), True), tz)

    def _format(self, text: str, job: Job, stem: str) -> tuple[str, tuple[str, ...]]:
        """The file as `fmt` leaves it: formatted until nothing changes (one pass, nearly always), so
        `fmt --check` passes on it even where normalizing twice is not normalizing once."""
        path = Path(f"{stem}.md")
        result = self.formatter.format_text(text, job.shown, path)
        for _ in range(2):
            if result.text == text:
                break
            text = result.text
            result = self.formatter.format_text(text, job.shown, path)
        return result.text, tuple(w.message for w in result.warnings)

    def _section(self, section: str) -> str:
        """«استانها» → «استان‌ها»: normalized, and the plural ZWNJ put back, which section names always want."""
        if not self.config.normalize.enabled:
            return section
        return _plural_joint(self.formatter.renderer.prose_text(section))

    @staticmethod
    def _title_stem(title: str, sha: str) -> str:
        slug = term_slug(title)
        if len(slug) > MAX_SLUG:
            slug = slug[:MAX_SLUG].rsplit("-", 1)[0]
        return slug if slug.strip("-") else f"news-{sha[:12]}"


_MAKER: ArticleMaker | None = None


def init_worker(config: SiteConfig, dates: dict[str, str]) -> None:
    """Set up this process's maker. A forked worker inherits the parent's, warm; a later run in the same
    process keeps the formatter (whose hazm takes a second or more to load) when its settings are the same."""
    global _MAKER
    if _MAKER is not None and _MAKER.config == config and _MAKER.dates == dates:
        return
    old = _MAKER.formatter if _MAKER is not None else None
    same = old is not None and (old.config.normalize, old.config.timezone) == (config.normalize, config.timezone)
    _MAKER = ArticleMaker(config, dates, old if same else None)


def make_in_worker(job: Job) -> Made:
    """One job in a worker. A bug met on one export fails that export, not the other 60,000."""
    assert _MAKER is not None
    try:
        return _MAKER.make(job)
    except Exception as e:  # noqa: BLE001 (reported with the file it happened on)
        return Made(job.shown, job.name, problem=f"could not be imported: {type(e).__name__}: {e}", failed=True)

