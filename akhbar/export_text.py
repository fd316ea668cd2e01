"""The old site's plain-text news exports → their parts: news number, section, title, date, paragraphs.

Pure functions, no disk and no normalizer: `decode` guesses the encoding (or says why the bytes are
no text), `parse` splits the text, `provisional_title` makes a title when the export has none and
`escape_markdown` makes a paragraph render as exactly its text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .provinces import fold

MAX_TITLE_WORDS = 12


class NotTextError(ValueError):
    """The bytes are empty, binary or in no encoding we know; the message says which."""


# ----------------------------------------------------------------------------- decoding

_MAGIC = ((b"%PDF", "a PDF document"), (b"PK\x03\x04", "a zip archive"), (b"\x1f\x8b", "a gzip file"),
          (b"\x89PNG", "a PNG image"), (b"GIF8", "a GIF image"), (b"\xff\xd8\xff", "a JPEG image"),
          (b"\xd0\xcf\x11\xe0", "an old Office document"), (b"\x7fELF", "a program"), (b"MZ", "a program"))
_CONTROL = re.compile("[\x00-\x08\x0e-\x1f\x7f-\x9f]")
# What Windows-1256 Persian text is made of besides ASCII: Arabic-script letters and digits, ZWNJ and
# bidi marks, and the punctuation Persian uses. Anything else (accented Latin, ™, ‰, ƒ…) means a wrong guess.
_CP1256_PLAUSIBLE = re.compile("[\u0600-\u06ff\u200c-\u200f\u00a0«»…–—‘’“”•]")
_BLANK = " \t\n\r\f\v\ufeff\u200b\u200c\u200d\u200e\u200f\u00a0"


def decode(data: bytes) -> str:
    """Text of an export in UTF-8 (with or without BOM), UTF-16 with BOM or Windows-1256; LF line ends."""
    if not data:
        raise NotTextError("is empty")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        text = _strict(data, "utf-16", "is marked as UTF-16 but is not valid UTF-16")
    elif data.startswith(b"\xef\xbb\xbf"):
        text = _strict(data, "utf-8-sig", "is marked as UTF-8 but is not valid UTF-8")
    else:
        for magic, what in _MAGIC:
            if data.startswith(magic):
                raise NotTextError(f"is {what}, not text")
        if b"\x00" in data:
            raise NotTextError("is a binary file, not text (it holds NUL bytes)")
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError as e:
            text = data.decode("cp1256")
            strange = [c for c in text if c >= "\x80" and not _CP1256_PLAUSIBLE.match(c)]
            if not re.search("[\u0621-\u064a\u067e-\u06cc]", text) or len(strange) > max(2, len(text) // 200):
                raise NotTextError(f"is not text in UTF-8, UTF-16 or Windows-1256 (byte 0x{data[e.start]:02X} at "
                              f"offset {e.start} is not UTF-8, and as Windows-1256 it reads as no Persian)") from None
    if len(_CONTROL.findall(text)) > len(text) // 1000:  # a stray one is dropped below; many mean binary
        raise NotTextError("is a binary file, not text (it holds control characters)")
    text = _CONTROL.sub("", text.lstrip("\ufeff"))
    if not text.strip(_BLANK):
        raise NotTextError("is empty (only blank lines)")
    return text.replace("\r\n", "\n").replace("\r", "\n").replace("\u2028", "\n").replace("\u2029", "\n")


def _strict(data: bytes, codec: str, message: str) -> str:
    try:
        return data.decode(codec)
    except UnicodeDecodeError as e:
        raise NotTextError(f"{message} (offset {e.start})") from None


# ----------------------------------------------------------------------------- recognizing lines

_DASH = "\\-\u2010-\u2015\u2212\u0640|:،,"
_HEADER = re.compile(
    rf"^(?:شناسه\u0654? *(?:ی *)?|کد *)خبر *[:：]? *(?P<id>\d{{1,12}})"
    rf"(?: *[{_DASH}]+ *| +)?(?:(?:سرویس|گروه) *[:：]? *)?(?P<section>.*?)[ .]*$"
)
_MONTHS = ("فروردین", "اردیبهشت", "خرداد", "تیر", "مرداد", "شهریور", "مهر", "آبان", "آذر", "دی", "بهمن", "اسفند")
_MONTH_RX = "|".join(_MONTHS) + "|امرداد"
_TIME = r"(?:ساعت *)?(?P<H{n}>\d{{1,2}}) *: *(?P<M{n}>\d{{2}})(?: *: *\d{{2}})?"
_DAY = (r"(?:(?P<y>\d{4}) *[/\-.] *(?P<m>\d{1,2}) *[/\-.] *(?P<d>\d{1,2})"
        r"|(?P<d2>\d{1,2}) *[/\-.] *(?P<m2>\d{1,2}) *[/\-.] *(?P<y2>\d{4})"
        rf"|(?P<d3>\d{{1,2}}) *(?P<month>{_MONTH_RX})(?: *ماه)? *(?P<y3>\d{{4}}))")
_SEP = r"[ \-\u2010-\u2015|،,]*"
_DATE_LINE = re.compile(
    r"^(?:(?:(?:تاریخ|زمان) *(?:انتشار|خبر|درج|ثبت|انتشار خبر)?|انتشار|منتشر شده(?: در)?) *[:：]? *)?"
    r"(?:(?:شنبه|یک *شنبه|دو *شنبه|سه *شنبه|چهار *شنبه|پنج *شنبه|جمعه) *[،,]? *)?"
    rf"(?:{_TIME.format(n=1)}{_SEP})?{_DAY}(?:{_SEP}{_TIME.format(n=2)})?[ .]*$"
)
_FURNITURE_SPLIT = re.compile(r"[|•·/\-\u2010-\u2015]+| {2,}")
_KEY_DROP = re.compile(r"[\W_\u0640]+")


def line_key(text: str) -> str:
    """What a furniture line is compared by: letters and digits only, Arabic/Persian forms folded."""
    return _KEY_DROP.sub("", fold(text))


def is_furniture(line: str, furniture: frozenset[str]) -> bool:
    """The whole line is one furniture label, or several joined by separators («چاپ | ارسال به دوستان»)."""
    if line_key(line) in furniture:
        return True
    parts = [p for p in _FURNITURE_SPLIT.split(line) if line_key(p)]
    return len(parts) > 1 and all(line_key(p) in furniture for p in parts)


def match_header(line: str) -> tuple[int, str | None] | None:
    """«شناسهٔ خبر: 64048 - سرویس استانها» and its variants → (64048, «استانها»)."""
    folded = re.sub(r"\s", " ", fold(line))
    m = _HEADER.match(folded)
    if not m:
        return None
    section = line[m.start("section"):m.end("section")].strip(_BLANK + ":-.،")
    return int(m["id"]), section or None


def match_date(line: str) -> str | None:
    """A line holding only a date (and time) → «Y-M-D H:M» in the calendar it was written in."""
    m = _DATE_LINE.match(re.sub(r"\s", " ", fold(line)).strip())
    if not m:
        return None
    if m["y"]:
        y, mo, d = m["y"], m["m"], m["d"]
    elif m["y2"]:
        y, mo, d = m["y2"], m["m2"], m["d2"]
    else:
        month = "مرداد" if m["month"] == "امرداد" else m["month"]
        y, mo, d = m["y3"], str(_MONTHS.index(month) + 1), m["d3"]
    hour, minute = (m["H1"], m["M1"]) if m["H1"] else (m["H2"], m["M2"])
    text = f"{int(y):04}-{int(mo):02}-{int(d):02}"
    return f"{text} {int(hour):02}:{minute}" if hour else text


# ----------------------------------------------------------------------------- the parts of an export


@dataclass(frozen=True)
class Export:
    news_id: int | None
    section: str | None  # as written, without «سرویس»
    title: str | None  # None: the export has no title line
    date: str | None  # from a date line, «Y-M-D[ H:M]» in its own calendar; None: no date line
    paragraphs: tuple[str, ...]


_SENTENCE_END = ".!?؟…:؛"
_ATTRIBUTION = re.compile(r"^ *(?:به گزارش|به نقل از)[^،؛:\n]{1,200}?[،؛:]+ *")


def _clean(line: str) -> str:
    return re.sub(r"[ \t]+", " ", line.strip(_BLANK))


def _looks_like_title(line: str, after_header: bool) -> bool:
    words = len(line.split())
    if after_header:
        return words <= 40
    return words <= 25 and line[-1] not in _SENTENCE_END and not _ATTRIBUTION.match(fold(line))


def parse(text: str, furniture: frozenset[str], valid_date=lambda s: True) -> Export:
    """Split an export into its parts. `furniture` holds `line_key`s; `valid_date` vets a date line."""
    lines = [_clean(line) for line in text.split("\n")]
    news_id = section = date = None
    kept: list[str] = []  # "" marks a blank line
    seen = 0  # non-blank lines so far: the header must be among the first few
    for line in lines:
        if not line:
            kept.append("")
            continue
        seen += 1
        if news_id is None and seen <= 5 and (header := match_header(line)):
            news_id, section = header
        elif is_furniture(line, furniture):
            pass
        elif (found := match_date(line)) and valid_date(found):
            date = date or found
        else:
            kept.append(line)
    while kept and not kept[0]:
        kept.pop(0)
    while kept and not kept[-1]:
        kept.pop()
    if "" in kept:  # blank-line-separated blocks, each one paragraph (wrapped lines joined)
        blocks: list[list[str]] = [[]]
        for line in kept:
            if line:
                blocks[-1].append(line)
            elif blocks[-1]:
                blocks.append([])
        paragraphs = [" ".join(block) for block in blocks]
        single_line_first = len(blocks[0]) == 1
    else:  # one paragraph per line
        paragraphs = kept
        single_line_first = True
    title = None
    if len(paragraphs) > 1 and single_line_first and _looks_like_title(paragraphs[0], news_id is not None):
        title, paragraphs = paragraphs[0], paragraphs[1:]
    return Export(news_id, section, title, date, tuple(paragraphs))


_TAIL_WORDS = frozenset(fold(w) for w in (
    "و", "در", "با", "به", "از", "که", "را", "برای", "تا", "این", "آن", "یا", "بر", "هم", "نیز", "اما",
    "ولی", "چون", "اگر", "ضمن", "طی", "درباره", "همچنین", "سایر", "دیگر", "های", "ها", "می", "نمی", "هر",
    "بین", "میان", "روی", "زیر", "پس", "پیش", "بعد", "قبل", "جهت", "توسط", "وی", "او", "خود", "کل", "یک",
))


def provisional_title(paragraph: str, max_words: int = MAX_TITLE_WORDS) -> str:
    """The first sentence without its attribution («به گزارش …؛»), cut at a word boundary."""
    m = _ATTRIBUTION.match(fold(paragraph))
    rest = paragraph[m.end():] if m and paragraph[m.end():].strip() else paragraph
    end = re.search(rf"[{re.escape(_SENTENCE_END)}](?=\s|$)", rest)
    sentence = rest[: end.start()] if end and end.start() > 0 else rest
    words = sentence.split()
    if len(words) > max_words:
        words = words[:max_words]
        while len(words) > 1 and fold(words[-1]).strip("،,؛;:") in _TAIL_WORDS:
            words.pop()
    return " ".join(words).strip(" ،,؛;:-–—") or paragraph.split()[0]


# ----------------------------------------------------------------------------- Markdown

_INLINE = re.compile(r"[\\`*_{}\[\]|]")


def escape_markdown(paragraph: str) -> str:
    """One paragraph of plain text → Markdown that renders exactly that text, as one paragraph."""
    out = _INLINE.sub(lambda m: "\\" + m.group(), paragraph)
    out = re.sub(r"&(?=#|\w+;)", "&amp;", out).replace("<", "&lt;")
    if m := re.match(r"\d+\.", out):  # «1.» and «۱.»: Python-Markdown's \d is any Unicode digit
        out = out[: m.end() - 1] + "\\" + out[m.end() - 1 :]
    elif out[:1] in ("#", ">", "+", "-"):
        out = "\\" + out
    elif out[:1] in (":", "~"):  # a definition (extra's def_list) and a ~~~ code fence
        out = f"&#{ord(out[0])};" + out[1:]
    return out
