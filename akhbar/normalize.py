"""Persian text normalization that fixes copy and never damages what is not prose.

hazm's `Normalizer` tokenizes on punctuation, so on raw text it tears URLs, e-mails, dates, decimals
and Latin identifiers apart. Here every such token is first swapped for one private-use character
(which hazm treats as an opaque word), hazm runs over what is left, and the tokens come back, their
digits localized by the digit policy. hazm is imported only when a text has Arabic-script letters.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property
from importlib.metadata import version
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

from .config import NormalizeConfig
from .digits import ARABIC, LATIN, PERSIAN

if TYPE_CHECKING:
    from .hazm_steps import FastSteps
    from .joints import JointRestorer

T = TypeVar("T")
_D = "[0-9۰-۹٠-٩]"
_PUA_FIRST = 0xE000
_PUA = "\ue000-\uf8ff"

# Order matters: the first alternative that matches at a position wins.
_TOKEN = re.compile(
    "|".join(
        f"(?P<{name}>{pattern})"
        for name, pattern in (
            # Markdown's stash placeholders, stray private-use chars, a raw link target `](…)` in plain text
            ("keep", rf"\x02[^\x03]*\x03|[{_PUA}]|\]\([^()\s]*(?:\([^()\s]*\)[^()\s]*)*\)"),
            ("url", r"(?:https?|ftp)://[^\s<>\"«»]+|(?<![\w.])www\.[^\s<>\"«»]+"),
            ("email", r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+"),
            ("handle", r"(?<!\w)@[A-Za-z0-9_]+(?:\.[A-Za-z0-9_]+)*"),
            ("hashtag", r"(?<!\w)#[^\s#.,،؛:;!؟?()«»\[\]{}\"']+"),
            # Latin words and identifiers, with a number after a space: COVID-19, A4, ISO 9001:2015
            ("latin", r"[0-9]*[A-Za-z][A-Za-z0-9]*(?:[-_.:/+&'][A-Za-z0-9]+)*(?: [0-9]+(?:[-:./][0-9]+)*)?"),
            ("grouped", rf"{_D}{{1,3}}(?:\.{_D}{{3}}){{2,}}(?!{_D})"),  # 1.250.000: dots group thousands
            ("date", rf"{_D}{{1,4}}(?:/{_D}{{1,2}}/{_D}{{1,4}}|-{_D}{{1,2}}-{_D}{{1,4}}|\.{_D}{{1,2}}\.{_D}{{2,4}}(?!{_D}))"),
            ("time", rf"{_D}{{1,2}}:{_D}{{2}}(?::{_D}{{2}})?(?!{_D})"),
            ("phone", rf"\+{_D}{{1,3}}(?:[ -]{_D}{{1,4}}(?![:/.٫]{_D})){{2,4}}(?!{_D})|[0۰٠]{_D}{{2,3}}-{_D}{{4,8}}(?!{_D})"),
            ("fraction", rf"{_D}+/{_D}+"),  # 3/5, ۱۲۳/۴۵۶, 1397/11
            ("number", rf"{_D}+(?:[,٬]{_D}{{3}})*(?:[.٫]{_D}+)?(?: ?[%٪])?"),
        )
    )
)
# The first character of every `_TOKEN` alternative but `email` and `handle` (both need an "@"): the
# keep marks, Latin letters (url, latin), digits of any script, "#" (hashtag) and "+" (phone).
_TOKEN_START = re.compile(rf"[\x02{_PUA}\]A-Za-z0-9۰-۹٠-٩#+]")
_ARABIC_SCRIPT = re.compile("[\u0600-\u06ff\ufb50-\ufdff\ufe70-\ufeff]")
_PERSIAN_LETTER = re.compile("[آ-ی]")
_LATIN_LETTER = re.compile("[A-Za-z]")
_TRAILING_PUNCT = ".,;:!?؟،؛'\"»)]}"
# hazm's own special-character list minus U+0654 (the ezafe hamza of «شناسهٔ»), which we keep.
_SPECIALS = re.compile(
    "[\u0605\u0653\u0655-\u065f\u0670\u0610-\u0616\u0618-\u061a\u061e\u06d4\u06d6-\u06ed\u06fd\u06fe"
    "\u08ad\u08d4-\u08ff\ufbb2-\ufbc1\ufc5e-\ufc63\ufcf2-\ufcf4\ufd3e\ufd3f\ufe70-\ufe72\ufe76-\ufe7f\ufdfa\ufdfb]"
)
_TO_PERSIAN = str.maketrans(LATIN + ARABIC, PERSIAN * 2)
# A ZWNJ next to a space, punctuation or an edge joins nothing: hazm leaves some behind. Both
# alternatives take a whole run of ZWNJs (the second only from the run's first one, the only one with a
# space, bracket or the start before it); each starts with the ZWNJ itself, which sre skips to fast.
_STRAY_ZWNJ = re.compile("\u200c\u200c*(?=[\\s.,!?؟،؛:»)\\]…]|$)|\u200c(?<![^\\s«(\\[]\u200c)\u200c*")
_SPACED_DOTS = re.compile(r"\.(?: \.){2,}")
_PLACEHOLDER = re.compile(f"[{_PUA}]")
_MAX_TOKENS = 6000  # placeholders are private-use characters, U+E000 to U+F8FF
_MEMO_LENGTH = 100  # texts up to this long are remembered with their result; longer ones rarely recur
_MEMO_SIZE = 50_000
_ARABIC_TO_PERSIAN = str.maketrans(ARABIC, PERSIAN)


@dataclass(frozen=True)
class Token:
    kind: str
    text: str


def _trim_url(text: str) -> str:
    """Sentence punctuation after a URL is not part of it; a ')' is, when the URL opened one."""
    while text and text[-1] in _TRAILING_PUNCT:
        if text[-1] == ")" and text.count("(") >= text.count(")"):
            break
        text = text[:-1]
    return text


def _next_token(text: str, pos: int) -> re.Match[str] | None:
    """`_TOKEN.search(text, pos)`, sooner. `_TOKEN` is a choice of groups, so sre tries every alternative
    at every position; but a match can only begin on a `_TOKEN_START` character (or anywhere in an
    e-mail address, which needs an "@"), and a class is what sre skips to fast. Trying `_TOKEN` only at
    those characters, leftmost first, finds the same leftmost match (its lookbehinds still see the
    text before the position tried)."""
    if "@" in text:
        return _TOKEN.search(text, pos)
    while start := _TOKEN_START.search(text, pos):
        if m := _TOKEN.match(text, start.start()):
            return m
        pos = start.start() + 1
    return None


def mask(text: str) -> tuple[str, list[Token]]:
    """Swap every protected token for one private-use character; return the masked text and tokens."""
    tokens: list[Token] = []
    out: list[str] = []
    pos = 0
    while m := _next_token(text, pos):
        kind, value = m.lastgroup or "keep", m.group()
        if kind == "url":
            value = _trim_url(value) or value
        out.append(text[pos : m.start()])
        out.append(chr(_PUA_FIRST + len(tokens)))
        tokens.append(Token(kind, value))
        pos = m.start() + len(value)
    out.append(text[pos:])
    return "".join(out), tokens


def unmask(text: str, tokens: list[Token]) -> str:
    if not tokens:
        return text
    return _PLACEHOLDER.sub(lambda m: tokens[ord(m.group()) - _PUA_FIRST].text, text)


class TextNormalizer:
    """Normalizes Persian prose. Build one per process: hazm's constructor loads its lexicons."""

    def __init__(self, config: NormalizeConfig, cache_dir: Path | None = None) -> None:
        self.config = config
        self.cache_dir = cache_dir  # where the loaded hazm and lexicons are kept between runs, if anywhere
        self._memo: dict[str, str] = {}  # short text → normalized: tags, sections, headings recur in every article

    @cached_property
    def _hazm(self) -> FastSteps:  # a FastNormalizer, or the SlimNormalizer its saved copy loads as
        return self._saved("hazm", self._make_hazm)

    def _make_hazm(self) -> FastSteps:
        # Imported here: a warm build with nothing to normalize never pays for hazm. FastNormalizer gives
        # hazm's exact output, faster (tests/test_hazm_fast.py proves the equivalence).
        from .hazm_fast import FastNormalizer as Normalizer

        c = self.config
        return Normalizer(
            correct_spacing=c.correct_spacing,
            remove_diacritics=c.remove_diacritics,
            remove_specials_chars=False,  # done by _SPECIALS, which spares the ezafe hamza
            decrease_repeated_chars=c.decrease_repeated_chars,
            persian_style=c.persian_style,
            persian_numbers=False,  # digits are localized per token, below
            unicodes_replacement=c.unicodes_replacement,
            seperate_mi=c.seperate_mi,
        )

    @cached_property
    def _joints(self) -> JointRestorer:
        return self._saved("joints", self._make_joints)

    def _make_joints(self) -> JointRestorer:
        from .joints import JointRestorer  # its lexicon loads on first use, like hazm's

        restorer = JointRestorer(self.config.words)
        if self.cache_dir is not None:
            _ = restorer.morph  # loaded now, so that the copy saved has it
        return restorer

    def _saved(self, name: str, make: Callable[[], T]) -> T:
        """`make()`, or the copy of its result saved under `cache_dir`. Building hazm's normalizer and the
        joints lexicon takes seconds; unpickling them, a fraction: a command-line rebuild that has one
        edited article to normalize would otherwise spend most of its time here."""
        if self.cache_dir is None:
            return make()
        from . import cache
        from .digest import code_digest, stable_digest

        words = self.config.words.read_bytes() if self.config.words and self.config.words.is_file() else None
        key = stable_digest(name, code_digest(), _hazm_version(), self.config, words)
        path = self.cache_dir / f"{name}.pickle"
        saved = cache.load(path)
        if isinstance(saved, tuple) and len(saved) == 2 and saved[0] == key:
            return saved[1]
        made = make()
        with contextlib.suppress(OSError):
            cache.save(path, (key, made))
        return made

    def warm(self) -> None:
        """Load hazm and the word lists now (before forking workers, so they share them)."""
        if self.config.enabled:
            _ = self._hazm
            if self.config.restore_joints:
                _ = self._joints.morph

    def release(self) -> None:
        """Let go of hazm and the word lists (~80 MB; they load again if needed): a process that will
        normalize nothing more need not hold them while it renders and saves a large site."""
        for name in ("_hazm", "_joints"):
            self.__dict__.pop(name, None)
        self._memo.clear()

    def normalize(self, text: str) -> str:
        """Normalize one run of prose, keeping its leading and trailing whitespace."""
        if not text or text.isspace():
            return text
        short = len(text) <= _MEMO_LENGTH
        if short and (done := self._memo.get(text)) is not None:
            return done
        normalized = self._normalize(text)
        if short:
            if len(self._memo) >= _MEMO_SIZE:  # a long build: keep it from growing without bound
                self._memo.clear()
            self._memo[text] = normalized
        return normalized

    def _normalize(self, text: str) -> str:
        # str.strip's whitespace is re's \s (both are Py_UNICODE_ISSPACE)
        core = text.lstrip()
        lead = text[: len(text) - len(core)]
        core = core.rstrip()
        trail = text[len(lead) + len(core) :]
        masked, tokens = mask(core)
        if len(tokens) > _MAX_TOKENS:
            return lead + self._normalize_halves(core) + trail
        if _ARABIC_SCRIPT.search(masked):
            # hazm maps ۃ but not the Arabic ة (str.replace: far cheaper than translate on long text)
            masked = masked.replace("ة", "ه").replace("ﺓ", "ه").replace("ﺔ", "ه")
            if ". ." in masked:
                masked = _SPACED_DOTS.sub("...", masked)
            if self.config.remove_specials_chars:  # before hazm, so its spacing closes the gaps left
                masked = _SPECIALS.sub("", masked)
            before, masked = masked, self._hazm.normalize(masked)
            if self.config.restore_joints:  # lost ZWNJs; it re-decides the words hazm joined
                masked = self._joints.restore(masked, before)
            if "\u200c" in masked:  # both of _STRAY_ZWNJ's alternatives need one
                masked = _STRAY_ZWNJ.sub("", masked)
            masked = masked.strip()
        if not tokens:
            return lead + masked + trail
        localize = self.config.digits == "persian" and (
            _PERSIAN_LETTER.search(masked) is not None or not _LATIN_LETTER.search(core)
        )
        tokens = [Token(t.kind, localize_token(t, localize)) for t in tokens]
        return lead + unmask(masked, tokens) + trail

    def _normalize_halves(self, core: str) -> str:
        """A run with more protected tokens than placeholders: split it at the space nearest its middle."""
        middle = len(core) // 2
        spaces = [m.start() for m in re.finditer(r"\s", core)]
        if not spaces:
            return core
        cut = min(spaces, key=lambda i: abs(i - middle))
        return self.normalize(core[:cut]) + core[cut] + self.normalize(core[cut + 1 :])


def localize_token(token: Token, persian: bool) -> str:
    """Digits of numbers, dates, times and phones become Persian; URLs and Latin stay as written."""
    if token.kind not in ("date", "time", "phone", "number", "grouped", "fraction"):
        return token.text
    if not persian:
        return token.text.translate(_ARABIC_TO_PERSIAN) if any(c in ARABIC for c in token.text) else token.text
    text = token.text.translate(_TO_PERSIAN)
    if token.kind == "number":
        text = text.replace(".", "٫").replace("%", "٪")
    return text


def _hazm_version() -> str:
    return version("hazm")
