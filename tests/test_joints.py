"""Joint restoration (akhbar/joints.py): lost zero-width non-joiners put back, nothing else touched.

Expected forms are written out by hand. `|` in a table stands for the ZWNJ (U+200C) so the cases
stay readable; `z()` turns it into the real character.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from akhbar.config import NormalizeConfig
from akhbar.joints import JointRestorer, undo_joins
from akhbar.lexicon import load_lexicon
from akhbar.normalize import TextNormalizer

REPO = Path(__file__).parents[1]
SEED = REPO / "tests" / "fixtures" / "seeds" / "001_7ca114fcd93eda71.txt"
ZW = "\u200c"

NORMALIZER = TextNormalizer(NormalizeConfig())  # one per module: hazm's constructor loads its lexicons


def z(text: str) -> str:
    return text.replace("|", ZW)


def letters(text: str) -> str:
    return re.sub(f"[\\s{ZW}]", "", text)


GLUED = [
    ("میرسد", "می|رسد"),
    ("نمیتوان", "نمی|توان"),
    ("برمیگردد", "برمی|گردد"),
    ("درمیآید", "درمی|آید"),
    ("فرامیرسد", "فرامی|رسد"),
    ("کردهاند", "کرده|اند"),
    ("دستگاههای", "دستگاه|های"),
    ("کتابهایشان", "کتاب|هایشان"),
    ("سازمانهای", "سازمان|های"),
    ("دانشگاهها", "دانشگاه|ها"),
    ("رسانهای", "رسانه|ای"),
    ("نامهام", "نامه|ام"),
    ("قبلیام", "قبلی|ام"),
    ("مهمترین", "مهم|ترین"),
    ("بزرگتر", "بزرگ|تر"),
    ("غنیتر", "غنی|تر"),
    ("اطلاعرسانی", "اطلاع|رسانی"),
    ("ادارهکل", "اداره|کل"),
    ("همافزایی", "هم|افزایی"),
    ("همافزاییها", "هم|افزایی|ها"),
    ("بینالمللی", "بین|المللی"),
    ("برنامهریزی", "برنامه|ریزی"),
    ("بهرهبرداری", "بهره|برداری"),
    ("آییننامهای", "آیین|نامه|ای"),
    ("روابطعمومیهای", "روابط|عمومی|های"),
    ("واژهنامهٔ", "واژه|نامهٔ"),  # the ezafe hamza rides along
]

SPACED = [
    ("می رسد", "می|رسد"),
    ("نمی شود", "نمی|شود"),
    ("برمی گردد", "برمی|گردد"),
    ("دستگاه های اجرایی", "دستگاه|های اجرایی"),
    ("کتاب هایشان", "کتاب|هایشان"),
    ("رسانه ای", "رسانه|ای"),
    ("کرده اند", "کرده|اند"),
    ("خانه ی ما", "خانه|ی ما"),
    ("مهم ترین", "مهم|ترین"),
    ("بزرگ تر", "بزرگ|تر"),
    ("اطلاع رسانی", "اطلاع|رسانی"),
    ("هم افزایی", "هم|افزایی"),
    ("بین المللی", "بین|المللی"),
    ("برنامه ریزی", "برنامه|ریزی"),
    ("سرمایه گذاری", "سرمایه|گذاری"),
    ("بی توجهی", "بی|توجهی"),
    ("هفته نامه", "هفته|نامه"),
    ("روابط عمومی های استان", "روابط عمومی|های استان"),
]

# Spaces between two words that stand alone are a choice of style, not a lost ZWNJ: they stay, even
# where hazm's own spacing step would join them.
KEPT = [
    "این که", "آن که", "رئیس جمهور", "هیچ کس", "تیم ملی", "به عنوان", "نه تنها", "ارسال شده",
    "شده است", "در ماه می به تهران رفت", "که ای کاش", "روابط عمومی",
]

# Words that merely begin or end like an affix.
NEVER_TOUCHED = ["میلاد", "میز", "میرزا", "میهن", "انتها", "میلیونی", "دختر", "تهران", "ایران", "همه", "همین"]
MORE_WHOLE_WORDS = [
    "میدان", "میدانی", "میزان", "میان", "میوه", "میراث", "میهمان", "تنها", "تنهایی", "بیمار", "بیشتر", "کمتر",
    "بهترین", "آنها", "اینها", "اینکه", "همچنین", "همکاری", "همراه", "کتابخانه", "قهرمانی", "فرهنگی", "عمومی",
    "زندگی", "کبوتر", "دفتر", "نهایی", "پرسفر",
]


@pytest.mark.parametrize(("before", "after"), GLUED, ids=[b for b, _ in GLUED])
def test_glued_parts_get_their_zwnj(before, after):
    assert NORMALIZER.normalize(before) == z(after)


@pytest.mark.parametrize(("before", "after"), SPACED, ids=[b for b, _ in SPACED])
def test_spaced_parts_become_one_word(before, after):
    assert NORMALIZER.normalize(before) == z(after)


@pytest.mark.parametrize("text", KEPT)
def test_two_free_words_keep_their_space(text):
    assert NORMALIZER.normalize(text) == text


@pytest.mark.parametrize("word", NEVER_TOUCHED + MORE_WHOLE_WORDS)
def test_words_that_only_look_affixed_stay_whole(word):
    assert NORMALIZER.normalize(word) == word
    assert NORMALIZER.normalize(f"او {word} را دید") == f"او {word} را دید"


@pytest.mark.parametrize("text", [b for b, _ in GLUED + SPACED] + KEPT + NEVER_TOUCHED)
def test_normalize_is_idempotent(text):
    once = NORMALIZER.normalize(text)
    assert NORMALIZER.normalize(once) == once


@pytest.mark.parametrize("text", [b for b, _ in GLUED + SPACED] + KEPT)
def test_only_joints_change(text):
    out = NORMALIZER.normalize(text)
    assert letters(out) == letters(text)


def test_placeholders_and_latin_pass_through():
    restorer = JointRestorer()
    masked = "\ue000 ها و \ue001های \ue002 می رود"  # masked tokens beside would-be affixes
    assert restorer.restore(masked) == z("\ue000 ها و \ue001های \ue002 می|رود")
    assert NORMALIZER.normalize("نسخه ISO 9001 های جدید") == "نسخه ISO 9001 های جدید"
    assert NORMALIZER.normalize("در ۱۰ می ۲۰۲۰ گفت") == "در ۱۰ می ۲۰۲۰ گفت"


def test_hazm_joins_are_redecided_against_the_original():
    # hazm closed both spaces; only the bound suffix keeps its join.
    after_hazm, original = z("این|که کتاب|ها"), "این که کتاب ها"
    assert undo_joins(after_hazm, original) == original
    assert JointRestorer().restore(after_hazm, original) == z("این که کتاب|ها")


def test_undo_leaves_hazm_alone_when_letters_differ():
    assert undo_joins(z("سلام کتاب|ها"), "سلاااام کتاب ها") == z("سلام کتاب|ها")


def test_lexicon_loads_once_and_lazily():
    restorer = JointRestorer()
    assert "morph" not in vars(restorer)  # nothing read until the first text
    restorer.restore("می رود")
    assert restorer.morph.lex is load_lexicon() is JointRestorer().morph.lex


def test_restore_joints_can_be_turned_off():
    off = TextNormalizer(NormalizeConfig(restore_joints=False))
    assert off.normalize("اطلاعرسانی") == "اطلاعرسانی"


# ----------------------------------------------------------------------------- project word list


@pytest.fixture()
def word_list(tmp_path: Path) -> Path:
    path = tmp_path / "normalize-words.txt"
    path.write_text(
        "# editors' corrections\n"
        f"روابط{ZW}عمومی\n"
        "رئیس جمهور   # two words, always apart\n"
        "\n"
        "!پیشتر\n"
        "!دستگاه\n",
        encoding="utf-8",
    )
    return path


def test_listed_words_get_their_joints(word_list):
    listed = TextNormalizer(NormalizeConfig(words=word_list))
    assert listed.normalize("روابط عمومی استان") == z("روابط|عمومی استان")
    assert listed.normalize("روابطعمومی") == z("روابط|عمومی")
    assert listed.normalize("روابطعمومیها") == z("روابط|عمومی|ها")  # a listed word takes suffixes
    assert listed.normalize(z("رئیس|جمهور")) == "رئیس جمهور"
    assert listed.normalize("رئیسجمهور") == "رئیس جمهور"


def test_never_touch_words_stay_as_written(word_list):
    listed = TextNormalizer(NormalizeConfig(words=word_list))
    assert NORMALIZER.normalize("پیشتر") == z("پیش|تر")  # without the list…
    assert listed.normalize("پیشتر") == "پیشتر"  # …and with it
    assert listed.normalize("دستگاه های") == "دستگاه های"  # never joined to a neighbour either
    assert listed.normalize("میرسد") == z("می|رسد")  # everything else as usual


def test_the_sample_word_list_reads(tmp_path):
    sample = REPO / "normalize-words.txt"
    listed = TextNormalizer(NormalizeConfig(words=sample))
    assert listed.normalize("ادارهکلها") == z("اداره|کل|ها")
    assert listed.normalize("میرزا") == "میرزا"


# ----------------------------------------------------------------------------- a real article

# Run-together words of the seed article (glued in the source) and the form a Persian editor expects.
SEED_GLUED = {
    "اطلاعرسانی": "اطلاع|رسانی", "دستگاههای": "دستگاه|های", "ادارهکل": "اداره|کل",
    "سازمانهای": "سازمان|های", "دلهای": "دل|های", "روابطعمومیهای": "روابط|عمومی|های",
    "همصدایی": "هم|صدایی", "همنوایی": "هم|نوایی", "فعالیتها": "فعالیت|ها", "میرسد": "می|رسد",
    "رسانهای": "رسانه|ای", "عمومیهای": "عمومی|های", "همافزاییها": "هم|افزایی|ها", "میرود": "می|رود",
    "دغدغههای": "دغدغه|های", "ظرفیتهای": "ظرفیت|های", "غنیتر": "غنی|تر", "دستگاهها": "دستگاه|ها",
    "میکند": "می|کند", "استانها": "استان|ها", "میپذیرد": "می|پذیرد", "ارزیابیهای": "ارزیابی|های",
    "همافزایی": "هم|افزایی", "میشود": "می|شود", "میتوان": "می|توان", "ظرفیتها": "ظرفیت|ها",
    "گستردهای": "گسترده|ای", "ایدهها": "ایده|ها", "سوژهها": "سوژه|ها", "حوزههای": "حوزه|های",
    "شبکههای": "شبکه|های", "آییننامهای": "آیین|نامه|ای", "عمومیها": "عمومی|ها",
    "برنامههای": "برنامه|های", "گروههای": "گروه|های", "بهرهبرداری": "بهره|برداری", "گروهها": "گروه|ها",
    "میتواند": "می|تواند", "همپوشانی": "هم|پوشانی", "همفکری": "هم|فکری",
}
# …and the ones typed with a space.
SEED_SPACED = {"هم افزایی": "هم|افزایی", "فرهنگ سازی": "فرهنگ|سازی", "برنامه ریزی": "برنامه|ریزی"}


@pytest.fixture(scope="module")
def seed_out() -> str:
    lines = SEED.read_text(encoding="utf-8").splitlines()
    return "\n".join(NORMALIZER.normalize(line) for line in lines)


def words(text: str) -> set[str]:
    return set(re.findall(f"[\u0622-\u06cc\u0654{ZW}]+", text))  # letters and ZWNJs, no punctuation


def test_seed_lists_enough_words():
    assert len(SEED_GLUED) >= 40
    source = SEED.read_text(encoding="utf-8")
    assert all(glued in words(source) for glued in SEED_GLUED)
    assert all(spaced in source for spaced in SEED_SPACED)


@pytest.mark.parametrize("glued", sorted(SEED_GLUED))
def test_seed_has_no_run_together_word_left(seed_out, glued):
    out = words(seed_out)
    assert glued not in out
    assert z(SEED_GLUED[glued]) in out


@pytest.mark.parametrize("spaced", sorted(SEED_SPACED))
def test_seed_has_no_split_compound_left(seed_out, spaced):
    assert spaced not in seed_out
    assert z(SEED_SPACED[spaced]) in seed_out


def test_seed_letters_unchanged_and_idempotent(seed_out):
    def persian_letters(text: str) -> str:
        return "".join(re.findall("[آ-ی]", text.replace("ي", "ی").replace("ك", "ک")))

    assert persian_letters(seed_out) == persian_letters(SEED.read_text(encoding="utf-8"))
    assert all(NORMALIZER.normalize(line) == line for line in seed_out.splitlines())


def test_seed_fixture_is_a_plain_copy():
    shared = REPO.parent / "shared" / "seeds" / SEED.name
    if not shared.exists():
        pytest.skip("../shared is not beside the repo")
    assert SEED.read_bytes() == shared.read_bytes()
