"""Property-based guarantees of issue 3 (hypothesis).

* Idempotence: normalize(normalize(x)) == normalize(x) over generated mixes of Persian (with Arabic
  letter forms, ezafe, intentional ZWNJs, fixable spacing), Latin identifiers, URLs, e-mails, handles,
  numbers in every digit system and form, punctuation and line breaks.
* Structure: the HTML of a document rendered with normalization has the same element tree — tags and
  attribute values in document order, code and raw HTML text byte-for-byte — as without it; only
  prose text differs. Checked on generated Markdown documents and on every article under content/.
* `fmt` never changes the site: rendering a generated article after `fmt` gives exactly what the
  original renders to (title, lead, tags and HTML).

Inputs that are known not to be idempotent are kept out of the generators, and each class is pinned
as a strict xfail in tests/test_normalize.py (test_idempotent_on_known_inputs, test_normalize):
stray ZWNJs next to punctuation, «می» alone before a number, special characters such as ﷺ, spaced
dots '. . .', empty quotes '""', and a phone number directly followed by another number (the phone
pattern swallows it). Phones are therefore generated with a word after them.
"""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from akhbar.body import BodyRenderer
from akhbar.config import NormalizeConfig, load_config
from akhbar.fmt import Formatter
from akhbar.model import SourceFile
from akhbar.read import discover, load_source, parse_article

REPO = Path(__file__).resolve().parents[1]
ZW = "\u200c"

SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])

RENDERER = BodyRenderer(NormalizeConfig())  # one hazm load for the module; the normalizer is shared below
NORMALIZER = RENDERER.normalizer


# ----------------------------------------------------------------------------- text generators

LATIN_D, PERSIAN_D, ARABIC_D = "0123456789", "۰۱۲۳۴۵۶۷۸۹", "٠١٢٣٤٥٦٧٨٩"
PERSIAN_WORDS = [
    "خبر", "کتاب", "راه", "شهرسازی", "مسکن", "ملی", "وزیر", "استان", "درصد", "سال", "تهران", "است", "و", "در",
    "به", "از", "که", "را", "با", "این", "آن", "گفت", "شد", "بزرگ", "خانه", "پروژه", "واحد", "کیلومتر", "هزار",
    "اين", "كتاب", "ملي", "شهرسازي", "مديركل", "راههاي", "يك", "كيلومتر",  # Arabic ي and ك
    "شناسهٔ", "همهٔ", "خانۀ", "ادارهٔ",  # ezafe forms, to be kept
    f"می{ZW}رود", f"کتاب{ZW}ها", f"راه{ZW}آهن", f"حمل{ZW}ونقل", f"بین{ZW}المللی", f"بزرگ{ZW}ترین",  # intentional ZWNJ
    "می رود", "نمی دانم", "می شود", "ميروم",  # می/نمی to join
    "کتاب ها", "راه های", "بزرگ تر", "بزرگ ترین", "پروژه ها",  # affixes to join
    "کِتاب", "سلاااام", "دنیـــا", "مدرسۃ", "ﻛﺘﺎﺏ",  # diacritics, repeats, kashida, Arabic forms
]
LATIN_TOKENS = ["COVID-19", "ISO 9001", "A4", "WHO", "Wi-Fi", "MRUD-98-004215", "iPhone", "Boeing 737", "GPS"]
WEB_TOKENS = [
    "www.mrud.ir", "mrud.ir", "news.mrud.ir", "https://x.ir/news/64048", "http://mrud.ir/a?b=1&c=2",
    "https://fa.wikipedia.org/wiki/تهران", "info@mrud.ir", "first.last@mrud.gov.ir", "@mrud_ir", "#مسکن_ملی",
    "#COVID19",
]
PUNCT = [".", "،", "؛", ":", "!", "؟", "?", "(", ")", "«", "»", '"', "…", "-", "–", "...", ",", ";", "/"]
MARKDOWN = ["*", "**", "_", "`", "[", "]", "#", ">", "|", "\\", "<br>", "&amp;", "[متن](https://x.ir/news/64048)",
            "![تصویر](/img/a_1.jpg)", "`code 3.5`", "*تاکید*", "<https://mrud.ir/a>"]


def _in_digits(draw, value: int | str) -> str:
    system = draw(st.sampled_from([LATIN_D, PERSIAN_D, ARABIC_D]))
    return str(value).translate(str.maketrans(LATIN_D, system))


@st.composite
def numbers(draw) -> str:
    """Integers, decimals, grouped thousands, percentages, dates, times and phones, in any digit system."""
    kind = draw(st.sampled_from(["int", "decimal", "thousands", "percent", "date", "time", "phone"]))

    def n(lo: int, hi: int, width: int = 0) -> str:
        return _in_digits(draw, str(draw(st.integers(lo, hi))).rjust(width, "0"))

    if kind == "int":
        return n(0, 99999)
    if kind == "decimal":
        return n(0, 999) + draw(st.sampled_from([".", "٫"])) + n(0, 99)
    if kind == "thousands":
        sep = draw(st.sampled_from([",", "٬"]))
        return n(1, 999) + "".join(sep + n(0, 999, 3) for _ in range(draw(st.integers(1, 3))))
    if kind == "percent":
        return n(0, 100) + draw(st.sampled_from(["%", "٪", " %", " ٪"]))
    if kind == "date":
        y, m, d = n(1300, 1405), n(1, 12, 2), n(1, 31, 2)
        return draw(st.sampled_from([f"{y}/{m}/{d}", f"{y}-{m}-{d}", f"{d}/{m}/{y}", f"{y}.{m}.{d}"]))
    if kind == "time":
        return n(0, 23) + ":" + n(0, 59, 2)
    phone = draw(st.sampled_from(["021-88776655", "+98 21 8877 6655", "09121234567"]))
    return f"{phone} {draw(st.sampled_from(['است', 'و', 'تماس']))}"


PIECES = st.one_of(
    st.sampled_from(PERSIAN_WORDS), st.sampled_from(PERSIAN_WORDS), st.sampled_from(PERSIAN_WORDS),
    st.sampled_from(LATIN_TOKENS), st.sampled_from(WEB_TOKENS), numbers(), st.sampled_from(PUNCT),
    st.sampled_from(MARKDOWN),
)
TEXTS = st.lists(st.tuples(PIECES, st.sampled_from([" ", " ", " ", "", "\n", "  "])), min_size=1, max_size=14).map(
    lambda parts: "".join(p + s for p, s in parts))
LINES = TEXTS.map(lambda t: " ".join(t.split()))  # one line, no edge whitespace
# Pieces always apart: two tokens glued together ('COVID-19https://…') are one token to any tokenizer.
SPACED_TEXTS = st.lists(st.tuples(PIECES, st.sampled_from([" ", "\n", "  "])), min_size=1, max_size=14).map(
    lambda parts: "".join(p + s for p, s in parts))


SPACED_DOTS = re.compile(r"\.\s+\.")
EMPTY_QUOTES = re.compile(r'"\s*"')


def _no_known_failures(text: str) -> bool:
    """Keep out the known non-idempotent classes the generator can still assemble (see the docstring)."""
    return not SPACED_DOTS.search(text) and not EMPTY_QUOTES.search(text)


@SETTINGS
@given(TEXTS)
def test_normalize_is_idempotent(text):
    assume(_no_known_failures(text))
    once = NORMALIZER.normalize(text)
    assert NORMALIZER.normalize(once) == once


@SETTINGS
@given(SPACED_TEXTS)
def test_protected_tokens_survive(text):
    """Every URL, e-mail, handle, hashtag and Latin identifier in the input is in the output unchanged."""
    out = NORMALIZER.normalize(text)
    for token in LATIN_TOKENS + WEB_TOKENS:
        assert text.count(token) <= out.count(token), token


@SETTINGS
@given(TEXTS)
def test_edge_whitespace_is_kept(text):
    out = NORMALIZER.normalize(text)
    assert out[: len(out) - len(out.lstrip())] == text[: len(text) - len(text.lstrip())]
    assert out[len(out.rstrip()):] == text[len(text.rstrip()):]


@SETTINGS
@given(SPACED_TEXTS)  # a URL glued to the next word takes it along ('www.mrud.irاين'), as it must for '/wiki/تهران'
def test_no_arabic_letter_forms_left(text):
    out = NORMALIZER.normalize(text)
    for web in WEB_TOKENS:  # a URL keeps whatever it was written with
        out = out.replace(web, "")
    assert not set(out) & set("يك")


# ----------------------------------------------------------------------------- Markdown generators

CODE_TEXT = st.text(alphabet="ابکيك 0123456789.:/-_=()'\"", min_size=1, max_size=12).filter(
    lambda s: s.strip() and "`" not in s)
CLASS = st.sampled_from(["c", "c-ي", "x 3.5", "كد"])
URL = st.sampled_from(["https://x.ir/news/64048", "https://x.ir/كتاب/3.5", "/img/a_1.jpg", "#بخش-ي", "mailto:a@b.ir"])


@st.composite
def inline(draw) -> str:
    text = draw(LINES)
    kind = draw(st.sampled_from(["text", "text", "text", "em", "strong", "code", "link", "image", "auto", "html",
                                 "entity", "escape"]))
    word = draw(st.sampled_from(PERSIAN_WORDS)).replace("\n", " ")
    if kind == "em":
        return f"{text} *{word}*"
    if kind == "strong":
        return f"{text} **{word}**"
    if kind == "code":
        return f"{text} `{draw(CODE_TEXT)}`"
    if kind == "link":
        return f'{text} [{word}]({draw(URL)} "{draw(st.sampled_from(["عنوان ي", "t 3.5"]))}")'
    if kind == "image":
        return f"{text} ![{word} {draw(numbers())}]({draw(URL)})"
    if kind == "auto":
        return f"{text} <https://mrud.ir/a/3.5>"
    if kind == "html":
        return f'{text} <span class="{draw(CLASS)}">{word}</span>'
    if kind == "entity":
        return f"{text} &amp; {word}"
    if kind == "escape":
        return f"{text} \\*{word}\\*"
    return text


PARAGRAPH = st.lists(inline(), min_size=1, max_size=4).map(" ".join)


@st.composite
def block(draw) -> str:
    kind = draw(st.sampled_from(["p", "p", "p", "heading", "list", "olist", "quote", "table", "fence", "indent",
                                 "raw", "attr"]))
    para = draw(PARAGRAPH)
    if kind == "heading":
        attrs = draw(st.sampled_from(["", "", " {: .x-ي }", " {: .lead #id-1 }"]))
        return "#" * draw(st.integers(1, 3)) + " " + draw(LINES).lstrip("#") + attrs
    if kind == "list":
        return "\n".join(f"- {draw(PARAGRAPH)}" for _ in range(draw(st.integers(1, 3))))
    if kind == "olist":
        return "\n".join(f"{i}. {draw(PARAGRAPH)}" for i in range(1, draw(st.integers(2, 3))))
    if kind == "quote":
        return f"> {para}"
    if kind == "table":
        cells = [draw(LINES).replace("|", "") for _ in range(4)]
        return f"| {cells[0]} | {cells[1]} |\n|:--|--:|\n| {cells[2]} | {cells[3]} |"
    if kind == "fence":
        return f"```\n{draw(CODE_TEXT)}\n```"
    if kind == "indent":
        return f"    {draw(CODE_TEXT)}"
    if kind == "raw":
        return f'<div class="raw {draw(CLASS)}">\n{draw(LINES)}\n</div>'
    if kind == "attr":
        return f"{para}\n{{: .{draw(st.sampled_from(['lead', 'x-ي']))} }}"
    return para


DOCUMENTS = st.lists(block(), min_size=1, max_size=6).map("\n\n".join)


# ----------------------------------------------------------------------------- element trees

VERBATIM = frozenset({"code", "pre", "script", "style"})
HEADINGS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6"})


class _Events(HTMLParser):
    """Start/end tags with their attributes in document order; text only where nothing may change it."""

    VOID = frozenset({"img", "br", "hr", "input", "meta", "link", "wbr", "source", "col", "area", "embed"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.events: list[tuple] = []
        self.open: list[tuple[str, bool]] = []  # (tag, verbatim) of every element not yet closed

    @property
    def verbatim(self) -> bool:
        return bool(self.open) and self.open[-1][1]

    def handle_starttag(self, tag, attrs):
        attrs = [(k, "<prose>" if k == "alt" or (k == "id" and tag in HEADINGS) else v) for k, v in attrs]
        self.events.append(("start", tag, tuple(attrs)))
        if tag not in self.VOID:
            raw = "raw" in (dict(attrs).get("class") or "").split()
            self.open.append((tag, self.verbatim or tag in VERBATIM or raw))

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)

    def handle_endtag(self, tag):
        self.events.append(("end", tag))
        # close up to the matching element, so stray markup inside raw HTML cannot shift what follows
        for i in range(len(self.open) - 1, -1, -1):
            if self.open[i][0] == tag:
                del self.open[i:]
                break

    def handle_data(self, data):
        if self.verbatim:
            self.events.append(("text", data))

    def handle_comment(self, data):
        self.events.append(("comment", data))


def element_tree(html: str) -> list[tuple]:
    """Tags and attribute values in document order. Prose attributes (alt) and heading ids, which the
    table of contents derives from the heading text, are masked; text inside code, pre and raw HTML
    blocks is kept, so a change there shows."""
    parser = _Events()
    parser.feed(html)
    parser.close()
    return parser.events


def test_element_tree_sees_attribute_and_code_changes():
    """The comparison itself can fail: attributes, nesting and code text count, prose text does not."""
    base = element_tree('<p class="a">اين <code>ي</code><img alt="x" src="s"></p>')
    assert element_tree('<p class="a">این <code>ي</code><img alt="y" src="s"></p>') == base
    assert element_tree('<p class="b">اين <code>ي</code><img alt="x" src="s"></p>') != base
    assert element_tree('<p class="a">اين <code>ی</code><img alt="x" src="s"></p>') != base
    assert element_tree('<p class="a">اين <code>ي</code><img alt="x" src="t"></p>') != base
    assert element_tree('<p class="a">اين <em>ي</em><img alt="x" src="s"></p>') != base
    raw = '<div class="raw">\n<https://x.ir>\n{}\n</div>\n<p>{}</p>'
    assert element_tree(raw.format("ي", "اين")) == element_tree(raw.format("ي", "این"))  # stray tag in raw HTML
    assert element_tree(raw.format("ي", "اين")) != element_tree(raw.format("ی", "اين"))


@settings(SETTINGS, max_examples=100)
@given(DOCUMENTS)
def test_normalization_preserves_element_tree(doc):
    off = RENDERER.markdown(doc, enabled=False)
    on = RENDERER.markdown(doc, enabled=True)
    assert element_tree(on) == element_tree(off)


CONTENT = discover(REPO / "content") if (REPO / "content").is_dir() else []


@pytest.mark.parametrize(
    "path",
    CONTENT or [pytest.param(None, marks=pytest.mark.skip(reason="no articles under content/ yet"))],
    ids=lambda p: p.relative_to(REPO).as_posix() if isinstance(p, Path) else "none",
)
def test_sample_article_keeps_its_element_tree(path):
    config = load_config(REPO)
    src = load_source(path, REPO)
    raw = parse_article(src, config.tz)
    assert not isinstance(raw, list), raw
    off = RENDERER.markdown(raw.body, enabled=False)
    on = RENDERER.markdown(raw.body, enabled=True)
    assert element_tree(on) == element_tree(off)


# ----------------------------------------------------------------------------- fmt never changes the site

FORMATTER = Formatter(load_config(REPO))
FORMATTER.renderer = RENDERER  # share the one hazm load; Formatter only calls markdown() and prose_text()
KEYS = ("tags", "section", "province")


@st.composite
def articles(draw) -> str:
    title = draw(LINES)
    tags = draw(st.lists(LINES.map(lambda t: t[:30].strip()).filter(bool), max_size=3))
    lines = ["---", f"title: {json.dumps(title, ensure_ascii=False)}", "date: 1400-01-01"]
    if tags:
        lines.append("tags: [" + ", ".join(json.dumps(t, ensure_ascii=False) for t in tags) + "]")
    if draw(st.booleans()):
        lines.append(f"lead: {json.dumps(draw(LINES), ensure_ascii=False)}")
    lines += ["---", "", draw(DOCUMENTS), ""]
    return "\n".join(lines)


def _render(text: str):
    raw = parse_article(SourceFile("/p/content/a.md", "content/a.md", text), FORMATTER.config.tz)
    assert not isinstance(raw, list), raw
    return RENDERER.render(raw, KEYS)


@settings(SETTINGS, max_examples=100)
@given(articles())
def test_fmt_output_renders_exactly_like_the_original_and_is_stable(text):
    assume(_no_known_failures(text))
    formatted = FORMATTER.format_text(text, "content/a.md", Path("/p/content/a.md")).text
    assert _render(formatted) == _render(text)
    assert FORMATTER.format_text(formatted, "content/a.md", Path("/p/content/a.md")).text == formatted
