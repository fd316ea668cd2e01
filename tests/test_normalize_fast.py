"""The fast paths of `TextNormalizer` and `JointRestorer` give what the plain algorithm gives.

Each fast path is checked against the straightforward version it replaces, written out here: the
token search tried at every position, the whitespace split by a regex, no memo, and the word-by-word
joint loop. Inputs: the PerDT-derived fixture sentences and the seed articles (tests/fixtures/), and
hypothesis-generated mixes of what the token pattern and the joint restorer react to.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from akhbar import normalize as normalize_module
from akhbar.config import NormalizeConfig
from akhbar.joints import _NEVER_LEFT, _WORD, JointRestorer, undo_joins
from akhbar.morphology import FUNCTION_WORDS
from akhbar.normalize import _TOKEN, TextNormalizer, Token, _trim_url, mask

REPO = Path(__file__).resolve().parents[1]
FIXTURES = REPO / "tests" / "fixtures"
ZW = "\u200c"


def fixture_texts() -> list[str]:
    texts: list[str] = []
    for name in ("mixed.txt", "spaced.txt"):
        texts += (FIXTURES / "hazm_fast" / name).read_text(encoding="utf-8").split("\n")
    for path in sorted((FIXTURES / "seeds").glob("*.txt")) + sorted((REPO / "content").rglob("*.md")):
        whole = path.read_text(encoding="utf-8")
        texts += [whole, *whole.split("\n")]
    return texts


TEXTS = fixture_texts()

PIECES = st.one_of(
    st.sampled_from([
        "می", "شود", "کتاب", "ها", "های", "ی", "ای", "رسانی", "اطلاع", "دستگاه", "نامه", "واژه", "هم", "بی",
        " ", " ", "  ", "\n", "\t", "\xa0", "\u2009", ZW, ".", "،", ":", "/", "-", "_", "+", "%", "٪", "#", "@",
        "]", "(", ")", "[", "«", "»", "'", "\x02", "\x03", "\ue000", "\uf8ff", "www.", "http://", "https://a.ir/x",
        "ftp://", "a", "Z", "COVID", "ISO", "x_y", "A4", "user@mail.ir", "@handle", "#هشتگ", "0", "9", "۱", "۲۳",
        "٤", "1.250.000", "1397/11/20", "10:30", "+98 21 1234", "021-12345678", "3/5", "2,500", "12.5", "٫",
    ]),
    st.characters(blacklist_categories=("Cs",)),
)
TEXT = st.lists(PIECES, max_size=40).map("".join)


def plain_mask(text: str) -> tuple[str, list[Token]]:
    """`mask` as it was written first: `_TOKEN.search` from every position."""
    tokens: list[Token] = []
    out: list[str] = []
    pos = 0
    while m := _TOKEN.search(text, pos):
        kind, value = m.lastgroup or "keep", m.group()
        if kind == "url":
            value = _trim_url(value) or value
        out.append(text[pos : m.start()])
        out.append(chr(0xE000 + len(tokens)))
        tokens.append(Token(kind, value))
        pos = m.start() + len(value)
    out.append(text[pos:])
    return "".join(out), tokens


def test_mask_finds_the_tokens_the_plain_search_finds_in_real_text():
    assert TEXTS
    for text in TEXTS:
        assert mask(text) == plain_mask(text), text


@settings(max_examples=1500, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=TEXT)
def test_mask_finds_the_tokens_the_plain_search_finds(text):
    assert mask(text) == plain_mask(text)


_EDGES = re.compile(r"(\s*)(.*?)(\s*)", re.S)


@settings(max_examples=500, deadline=None)
@given(text=TEXT)
def test_whitespace_is_split_off_as_the_regex_split_it(text):
    """`_normalize` splits the run's edges with str.strip; \\s and str.isspace are one definition."""
    expected = _EDGES.fullmatch(text).groups()  # type: ignore[union-attr]
    core = text.lstrip()
    lead = text[: len(text) - len(core)]
    core = core.rstrip()
    assert (lead, core, text[len(lead) + len(core) :]) == expected


@pytest.fixture(scope="module")
def normalizer() -> TextNormalizer:
    return TextNormalizer(NormalizeConfig())


def test_a_remembered_text_is_what_normalizing_it_again_gives(normalizer):
    short = [t for t in TEXTS if t.strip() and len(t) <= normalize_module._MEMO_LENGTH]
    assert len(short) > 100
    first = [normalizer.normalize(t) for t in short]
    assert all(t in normalizer._memo for t in short)
    assert [normalizer.normalize(t) for t in short] == first == [normalizer._normalize(t) for t in short]


def plain_restore(restorer: JointRestorer, text: str, original: str | None) -> str:
    """`JointRestorer.restore` as it was written first: word by word, deciding every pair."""
    if original is not None:
        text = undo_joins(text, original)
    parts = _WORD.split(text)
    if len(parts) == 1:
        return text
    out = [parts[0]]
    for i in range(1, len(parts), 2):
        word = restorer._fix_word(parts[i])
        if i > 1 and parts[i - 1] == " " and word not in FUNCTION_WORDS and out[-2] not in _NEVER_LEFT:
            joined = restorer._join(out[-2], word)
            if joined is not None:
                out.pop()
                out[-1] = joined
                out.append(parts[i + 1])
                continue
        out.append(word)
        out.append(parts[i + 1])
    return "".join(out)


def test_restore_equals_the_word_by_word_loop_on_real_text(normalizer):
    restorer, hazm = normalizer._joints, normalizer._hazm
    joined = 0
    for text in TEXTS:
        masked = mask(text)[0]
        after = hazm.normalize(masked)
        expected = plain_restore(restorer, after, masked)
        assert restorer.restore(after, masked) == expected, text
        joined += restorer._first_join(_WORD.split(undo_joins(after, masked))) is not None
    assert joined > 50  # the texts do exercise the path that joins words


SPACED_WORDS = st.lists(
    st.sampled_from(["می", "نمی", "شود", "رسد", "کتاب", "ها", "های", "ای", "رسانه", "اطلاع", "رسانی", "دستگاه",
                     "نامه", "واژه", "هم", "افزایی", "بی", "توجهی", "که", "این", "تر", "بزرگ", "ترین", "و"]),
    max_size=14,
).map(" ".join)


@settings(max_examples=400, deadline=None)
@given(text=SPACED_WORDS)
def test_restore_equals_the_word_by_word_loop_on_chains_of_joins(normalizer, text):
    restorer = normalizer._joints
    assert restorer.restore(text) == plain_restore(restorer, text, None)


_PLAIN_STRAY_ZWNJ = re.compile("\u200c+(?=[\\s.,!?؟،؛:»)\\]…]|$)|(?:(?<=[\\s«(\\[])|^)\u200c+")
ZWNJ_TEXT = st.lists(st.sampled_from([ZW, ZW, ZW + ZW, "ه", "ی", "a", "_", " ", "\n", "\xa0", ".", "؟", "»", "«",
                                      "(", ")", "[", "]", "…", "-", "\ue000"]), max_size=16).map("".join)


@settings(max_examples=3000, deadline=None)
@given(text=ZWNJ_TEXT)
def test_stray_zwnj_pattern_removes_what_the_plain_pattern_removes(text):
    assert normalize_module._STRAY_ZWNJ.sub("", text) == _PLAIN_STRAY_ZWNJ.sub("", text)


def test_stray_zwnj_pattern_on_real_text(normalizer):
    for text in TEXTS:
        after = normalizer._hazm.normalize(text)
        assert normalize_module._STRAY_ZWNJ.sub("", after) == _PLAIN_STRAY_ZWNJ.sub("", after)
