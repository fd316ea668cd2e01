"""`FastNormalizer` returns exactly what hazm 0.12.1's `Normalizer` returns, for the same options.

Every expectation is hazm's own output, computed live: real sentences and articles (fixtures in
tests/fixtures/hazm_fast/, CC BY-SA 4.0 for the PerDT sentences; see the README there, plus the
project's content/), hypothesis-generated mixes of everything the normalizer's patterns react to,
and every short string over a small alphabet for the steps whose patterns were rewritten.
Each option set builds a real hazm `Normalizer` and a real `FastNormalizer` (a few seconds each:
they load hazm's lexicons), once, for the tests of that option set.
"""

from __future__ import annotations

import itertools
import pickle
import re
import subprocess
import sys
from pathlib import Path

import pytest
from hazm import Normalizer
from hazm.constants import (
    AFFIX_SPACING_PATTERNS,
    EXTRA_SPACE_PATTERNS,
    PUNCTUATION_SPACING_PATTERNS,
    TRANSLATION_DST,
    TRANSLATION_SRC,
)
from hazm.utils import maketrans, regex_replace
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from akhbar import hazm_fast
from akhbar.hazm_fast import FastNormalizer
from akhbar.hazm_steps import SlimNormalizer

REPO = Path(__file__).resolve().parents[1]
FIXTURES = REPO / "tests" / "fixtures" / "hazm_fast"
ZW = "\u200c"

OPTIONS = (
    "correct_spacing",
    "remove_diacritics",
    "remove_specials_chars",
    "decrease_repeated_chars",
    "persian_style",
    "persian_numbers",
    "unicodes_replacement",
    "seperate_mi",
)
# Defaults, each option off on its own, and akhbar's own configuration (akhbar/normalize.py).
CONFIGS = {
    "defaults": {},
    **{f"no_{name}": {name: False} for name in OPTIONS},
    "akhbar": {"persian_numbers": False, "remove_specials_chars": False},
}


def build(config: str) -> tuple[Normalizer, FastNormalizer]:
    """hazm's normalizer and ours, built with the same options."""
    return Normalizer(**CONFIGS[config]), FastNormalizer(**CONFIGS[config])


@pytest.fixture(scope="module")
def defaults() -> tuple[Normalizer, FastNormalizer]:
    return build("defaults")


@pytest.fixture(scope="class")
def pair(request) -> tuple[Normalizer, FastNormalizer]:
    """One option set's pair, for the tests of `TestOptionSet` with that parameter (then freed: ~250 MB)."""
    return request.getfixturevalue("defaults") if request.param == "defaults" else build(request.param)


def first_differences(hazm: Normalizer, fast: FastNormalizer, texts: list[str], limit: int = 5) -> list[str]:
    report = []
    for text in texts:
        expected, got = hazm.normalize(text), fast.normalize(text)
        if got != expected:
            report.append(f"input    {text!r}\nhazm     {expected!r}\nfast     {got!r}")
            if len(report) == limit:
                break
    return report


# ------------------------------------------------------------------------------------------ the fast path is on


def test_the_fast_path_is_what_is_tested(defaults):
    """Otherwise every comparison below would compare hazm with itself and pass vacuously."""
    assert hazm_fast._COMPATIBLE, "hazm is not the 0.12.1 this module was written for: FastNormalizer falls back"
    hazm, fast = defaults
    assert fast._fast
    assert fast._translate.exact_by_replace and fast._numbers.exact_by_replace
    assert fast._inline_tokenizer
    assert isinstance(fast, Normalizer)


def test_the_lexicons_read_once_are_hazm_s_and_hazm_is_left_as_it_was(defaults):
    """FastNormalizer's constructor lets hazm's two tokenizers share one reading of words.dat."""
    from hazm import utils, word_tokenizer

    hazm, fast = defaults
    assert fast._words == hazm._words and fast._verbs == hazm._verbs
    assert word_tokenizer.words_list is utils.words_list


def test_hazm_docstring_examples(defaults):
    hazm, fast = defaults
    text = "اِعلاممممم کَرد : « زمین لرزه ای به بُزرگیِ 6 دهم ریشتر ...»"
    assert fast.normalize(text) == hazm.normalize(text) == "اعلام کرد: «زمین‌لرزه‌ای به بزرگی ۶ دهم ریشتر …»"
    assert fast.normalize("") == ""


def test_falls_back_to_hazm_when_hazm_is_not_the_version_it_was_written_for(monkeypatch):
    cheap = {"correct_spacing": False, "decrease_repeated_chars": False, "seperate_mi": False}  # no lexicons
    monkeypatch.setattr(hazm_fast, "_COMPATIBLE", False)
    with pytest.warns(RuntimeWarning, match="not 0.12.1"):
        fast = FastNormalizer(**cheap)
    assert not fast._fast
    hazm = Normalizer(**cheap)
    assert not first_differences(hazm, fast, EDGES)


# ------------------------------------------------------------------------------------------ real text


def _paragraphs(text: str) -> list[str]:
    return [p for p in re.split(r"\n[ \t]*\n", text) if p.strip()]


def corpus() -> list[str]:
    texts: list[str] = []
    for name in ("mixed.txt", "spaced.txt"):  # every line of two PerDT-derived files (1,000 sentences)
        texts += (FIXTURES / name).read_text(encoding="utf-8").split("\n")
    seeds = sorted(FIXTURES.glob("0*.txt"))
    articles = sorted((REPO / "content").rglob("*.md"))
    assert len(seeds) == 2 and articles
    for path in seeds + articles:
        whole = path.read_text(encoding="utf-8")
        texts.append(whole)  # whole files too: blank lines, final newlines, several lines at once
        texts += _paragraphs(whole)
    return texts


CORPUS = corpus()


# ------------------------------------------------------------------------------------------ generated text

LETTERS = list("آابپتثجچحخدذرزژسشصضطظعغفقکگلمنوهیءأإؤئ") + ["ي", "ك", "ى", "ة", "ۀ", "هٔ", "ە", "ھ", "ﻻ"]
DIGITS = list("0123456789۰۱۲۳۴۵۶۷۸۹٠١٢٣٤٥٦٧٨٩")
PUNCTUATION = list('«»".:،؛؟!?()[]{}/\\%٪,-_') + ["...", " ...", "“", "”", "…"]
WHITESPACE = [" ", " ", " ", "  ", "\n", "\n", "\n\n\n", "\t", "\r\n", "\xa0", ZW, ZW, ZW + ZW, " " + ZW, ZW + " "]
DIACRITICS = [chr(c) for c in range(0x064B, 0x0653)] + ["\u0653", "\u0654", "\u0655", "\u0670", "ـ"]
SPECIALS = ["ﷲ", "ﷺ", "﷽", "﷼", "(ﷰ|ﷹ)", "ﷰ", "ﷹ", "ﻷ", "\u06d6", "\u08f0", "\ufe70"]
WORDS = [
    "می", "نمی", "می ", "نمی ", "ها", " ها", "های", " های", "هایی", "تر", " تر", "ترین", " ترین", "گر", " گر",
    "گری", "ام", "اید", "است", "اند", "ای", "ی", " ی ", "ه ی ", "ه ا", "ه اید", "ه ام ", "هها", "جمعهها",
    "کتاب", "خانه", "زمین", "لرزه", "شود", "کنم", "رود", "میکنند", "نمیدانم", "میز", "اطلاع", "رسانی",
    "دستگاه", "سازمان", "مؤمن", "شهرسازی", "ریشتر", "بزرگی", "اخلال", "کاروان", "سرا", "سلام", "دنیا",
    "میروم", "نمیکنند",
    "ممم", "سلاممممم", "ااا", "هههه", "یییی", "مممممم", "abc", "Tehran", "x", "_", "12.5", "3:45", "1402/05/12",
]
PRIVATE_USE = st.characters(min_codepoint=0xE000, max_codepoint=0xE0FF)
ANY_CHAR = st.characters(blacklist_categories=("Cs",))

PIECE = st.one_of(
    st.sampled_from(WORDS),
    st.sampled_from(WORDS),
    st.sampled_from(LETTERS),
    st.sampled_from(LETTERS),
    st.sampled_from(WHITESPACE),
    st.sampled_from(WHITESPACE),
    st.sampled_from(PUNCTUATION),
    st.sampled_from(DIGITS),
    st.sampled_from(DIACRITICS),
    st.sampled_from(SPECIALS),
    PRIVATE_USE,
    ANY_CHAR,
)
TEXT = st.lists(PIECE, max_size=60).map("".join)


STEPS = (
    "persian_style",
    "persian_number",
    "remove_diacritics",
    "correct_spacing",
    "unicodes_replacement",
    "remove_specials_chars",
    "decrease_repeated_chars",
    "seperate_mi",
)


@pytest.mark.parametrize("step", STEPS)
@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=TEXT)
def test_each_step_on_raw_text(defaults, step, text):
    """Each public step alone, on text that has not been through hazm's translation table first."""
    hazm, fast = defaults
    assert getattr(fast, step)(text) == getattr(hazm, step)(text)


# ------------------------------------------------------------------------------------------ rewritten stages

# The stages whose patterns FastNormalizer rewrote or guards with a precheck, each next to hazm's own
# code for it, so that a difference shows up even where the rest of `normalize` would hide it (the
# tokenizer joins most " ه ی " before the affix patterns ever see them, for instance).


def stages(hazm: Normalizer, fast: FastNormalizer) -> dict[str, tuple[object, object]]:
    return {
        "normalize": (hazm.normalize, fast.normalize),
        "correct_spacing": (hazm.correct_spacing, fast.correct_spacing),
        "persian_style": (hazm.persian_style, fast.persian_style),
        "seperate_mi": (hazm.seperate_mi, fast.seperate_mi),
        "decrease_repeated_chars": (hazm.decrease_repeated_chars, fast.decrease_repeated_chars),
        "translate": (lambda t: t.translate(maketrans(TRANSLATION_SRC, TRANSLATION_DST)), fast._translate),
        "extra_space": (lambda t: regex_replace(EXTRA_SPACE_PATTERNS, t), fast._fix_extra_space),
        "affix_spacing": (lambda t: regex_replace(AFFIX_SPACING_PATTERNS, t), fast._fix_affix_spacing),
        "punctuation_spacing": (lambda t: regex_replace(PUNCTUATION_SPACING_PATTERNS, t), fast._fix_punctuation_spacing),
        "tokenize": (hazm._tokenizer.tokenize, fast._tokenize_line),
    }


STAGE_PIECES = st.sampled_from(
    [" ", " ", "\n", ZW, ZW, "ه", "ه", "ی", "ا", "م", "ن", "ت", "ر", "گ", "د", "x", "_", "1", "۱", "٫", ".", ":", "!",
     "،", "؟", "?", "»", "«", "(", ")", "[", '"', "/", "ید", "ین", "ها", "های", "تر", "گر", "می", "نمی", "ه ی ", "ه ا",
     " ه ی ", "ه ام", " ه اید", "ه ای", " ها", "...", "ي", "ك", "“", "\xa0", "ـ", "\t", "دانم", "روم", "کنند",
     "ممم", "ههه", "اا", "سلاممم", "خوبببب"]
)


@pytest.mark.parametrize("stage", ["extra_space", "affix_spacing", "punctuation_spacing", "tokenize", "translate",
                                   "seperate_mi", "persian_style", "correct_spacing", "decrease_repeated_chars"])
@settings(max_examples=1000, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=st.lists(STAGE_PIECES, max_size=16).map("".join))
def test_stage_on_generated_text(defaults, stage, text):
    reference, fast = stages(*defaults)[stage]
    assert fast(text) == reference(text)


# The characters the rewritten patterns look at (and around): space, newline, ZWNJ, letters that
# start or end the affix and "mi" patterns, a word character outside hazm's letter class, full stop,
# colon, an opening bracket, a digit and a quote.
SHORT_ALPHABET = [" ", "\n", ZW, "ه", "ی", "ا", "م", "ن", "x", ".", ":", "(", "۱", '"']


def short_strings(max_length: int):
    for length in range(max_length + 1):
        for chars in itertools.product(SHORT_ALPHABET, repeat=length):
            yield "".join(chars)


@pytest.mark.parametrize("stage", ["normalize", "correct_spacing", "persian_style", "seperate_mi", "extra_space",
                                   "affix_spacing", "punctuation_spacing", "tokenize", "decrease_repeated_chars"])
def test_every_short_string(defaults, stage):
    """All 41,371 strings of up to 4 characters over SHORT_ALPHABET."""
    reference, fast = stages(*defaults)[stage]
    differences = [t for t in short_strings(4) if fast(t) != reference(t)]
    assert not differences, [(t, reference(t), fast(t)) for t in differences[:5]]


# ------------------------------------------------------------------------------------------ hand-picked edges


EDGES = [
    "",
    " ",
    "\n",
    " \n",
    "  \n\n\n\n  ",
    "\u200c",
    "\u200c\u200c",
    "\u200cسلام\u200c",
    "a\u200c\u200cb",
    "سلام\u200c\u200c ",
    ".\u200c\u200cسلام",
    "می می می ",
    "نمی ",
    " می رود",
    "می\n",
    "خانه ی من",
    " ه ی ",
    "نامه ای نوشته ام",
    "خانه اید.",
    "ه اید",
    "کتاب ها را",
    "بزرگ ترین و بهتر",
    "12.5... و ...",
    "1.2.3",
    "...... .",
    '"سلام" و " خداحافظ "',
    "a(b «c» [d] {e}) ((",
    "سال۱۴۰۲ و ۳مرداد",
    "«««سلام»»»",
    "ﷲ اکبر ﻻ (ﷰ|ﷹ) ﷰ ﷽",
    "\ue000\ue001 می\ue002 \ue003.",
    "سلاممممم دوستتتت",
    "میخواهم نمیتوانم میز",
    "xنمیدانم سلامنمیدانم ـنمیدانم 1میروم",
    "کتاب ه ی من\nه ی \n ه ی ",
    "x ه ام \nه اید. خانه ای",
    "\tسلام\t\tدنیا\r\n",
]


# ------------------------------------------------------------------------------------------ every option set

TOKENS = st.lists(st.sampled_from(WORDS + LETTERS + [ZW, "می‌", "زمین‌لرزه", "شده", "خواهد", "."]), max_size=12)


@pytest.mark.parametrize("pair", list(CONFIGS), indirect=True, scope="class")
class TestOptionSet:
    """Defaults, each option off on its own, and akhbar's configuration: (1) real text, (2) generated text."""

    def test_corpus(self, pair):
        hazm, fast = pair
        differences = first_differences(hazm, fast, CORPUS)
        assert not differences, f"first differences of {len(CORPUS)} texts\n\n" + "\n\n".join(differences)

    def test_edges(self, pair):
        hazm, fast = pair
        assert not first_differences(hazm, fast, EDGES)

    @settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(text=TEXT)
    def test_generated_text(self, pair, text):
        hazm, fast = pair
        assert fast.normalize(text) == hazm.normalize(text)

    @settings(max_examples=100, deadline=None)
    @given(tokens=TOKENS)
    def test_token_spacing(self, pair, tokens):
        hazm, fast = pair
        assert fast.token_spacing(tokens) == hazm.token_spacing(tokens)

    def test_pickled_copy(self, pair):
        """The copy akhbar keeps in `.cache/` (a `SlimNormalizer`, without hazm's tokenizer and the
        lexicon entries no lookup can reach) gives hazm's output too."""
        hazm, fast = pair
        slim = pickled(fast)
        assert isinstance(slim, SlimNormalizer) == fast._inline_tokenizer
        differences = first_differences(hazm, slim, CORPUS + EDGES)
        assert not differences, "\n\n".join(differences)

    @settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(text=TEXT)
    def test_pickled_copy_on_generated_text(self, pair, text):
        hazm, fast = pair
        assert pickled(fast).normalize(text) == hazm.normalize(text)


_PICKLED: dict[int, FastNormalizer] = {}


def pickled(fast: FastNormalizer) -> FastNormalizer:
    """`fast` through pickle, as `TextNormalizer` saves and loads it (once per normalizer)."""
    if id(fast) not in _PICKLED:
        _PICKLED.clear()  # one option set at a time: each copy holds lexicons
        _PICKLED[id(fast)] = pickle.loads(pickle.dumps(fast, protocol=pickle.HIGHEST_PROTOCOL))
    return _PICKLED[id(fast)]


def test_a_pickled_copy_loads_without_hazm_and_is_smaller(defaults, tmp_path):
    """Importing hazm (and NLTK with it) takes longer than loading the copy: a rebuild after one edit
    must not pay for it."""
    hazm, fast = defaults
    data = pickle.dumps(fast, protocol=pickle.HIGHEST_PROTOCOL)
    (tmp_path / "fast.pickle").write_bytes(data)
    probe = (
        "import pickle, sys; from pathlib import Path; "
        f"n = pickle.loads(Path({str(tmp_path / 'fast.pickle')!r}).read_bytes()); "
        "print(type(n).__name__, sorted({m.split('.')[0] for m in sys.modules} & {'hazm', 'nltk'}), "
        "n.normalize('کتاب ها را می خوانم'))"
    )
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True,
                          cwd=str(REPO))
    assert done.stdout.split(" ", 2) == ["SlimNormalizer", "[]", hazm.normalize("کتاب ها را می خوانم") + "\n"]
    full = dict(vars(fast))
    full.pop("_full", None)
    assert len(data) < len(pickle.dumps(full, protocol=pickle.HIGHEST_PROTOCOL)) / 3


def test_a_pickled_copy_hands_odd_input_to_hazm(defaults):
    """A str subclass is not exactly a str: like FastNormalizer, the copy runs hazm's own code for it."""

    class Marked(str):
        pass

    hazm, fast = defaults
    slim = pickled(fast)
    text = Marked("اِعلاممممم کَرد : « زمین لرزه ای به بُزرگیِ 6 دهم ریشتر ...»")
    assert slim.normalize(text) == hazm.normalize(text)
    assert slim.__dict__.get("_full") is not None  # it did build the full normalizer for this


CHEAP_OPTIONS = ("remove_diacritics", "remove_specials_chars", "persian_style", "persian_numbers", "unicodes_replacement")


@pytest.mark.parametrize("values", list(itertools.product([True, False], repeat=len(CHEAP_OPTIONS))))
def test_every_combination_of_the_options_that_need_no_lexicon(values):
    """All 32 combinations of the five cheap options, with the three that load hazm's lexicons off."""
    options = dict(zip(CHEAP_OPTIONS, values, strict=True))
    options.update(correct_spacing=False, decrease_repeated_chars=False, seperate_mi=False)
    hazm, fast = Normalizer(**options), FastNormalizer(**options)
    texts = EDGES + CORPUS[:200] + CORPUS[-300:]
    differences = first_differences(hazm, fast, texts)
    assert not differences, "\n\n".join(differences)
