"""The word knowledge behind `joints.py`, loaded once per process on first use.

Three sources, none copied into the repo except the derived frequency file:
- hazm's `words.dat` (installed with hazm): a lexicon whose POS-tagged entries are a curated list of
  standard spellings, compounds with their ZWNJs included; its untagged entries are a raw web word list
  full of glued typing errors («میکنم», «سالها»), so they count as seen but never as standard.
- hazm's `verbs.dat`: past#present stems, from which the verb bodies that follow می/نمی («رسد»,
  «کرده‌اند») and the verb forms that stand alone («شده», «نمی‌رود») are built.
- `data/wordfreq-fa.tsv`: Zipf frequencies derived from the wordfreq package (CC BY-SA 4.0). Much
  of it is subtitles and tweets, so a glued form being frequent there says nothing about it being right;
  it is used to rank readings and to know that a base word exists.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

ZWNJ = "\u200c"
# Letters that never join the letter after them: a ZWNJ after one is invisible (the scorer and readers
# see «کشورها» and «کشور‌ها» alike), so glued text there is already right.
NON_JOINING = frozenset("اآأإٱدذرزژوؤةۀءە")
_WORDFREQ = Path(__file__).with_name("data") / "wordfreq-fa.tsv"

# Standard one-word spellings hazm's tagged lexicon lacks: pronoun plurals and conjunctions that
# Persian orthography writes glued, so «آنها» is never «fixed» to «آن‌ها».
_GLUED_STANDARD = (
    "آنها", "اینها", "آنان", "اینان", "آنچه", "آنکه", "اینکه", "چنانکه", "چنانچه", "همچنین", "همچنان",
    "بنابراین", "آنگاه", "هنگامیکه",
)
# Words that are prefix-like on their own (so «بی توجهی» is one word, not two).
BOUND_PREFIXES = frozenset({"بی", "نا", "فرا"})


def _vowel_final(stem: str) -> bool:
    return stem[-1] in "اآ"


def present_endings(stem: str) -> tuple[str, ...]:
    # After ا/آ the person endings take a glide ی: «می‌افزاید», «می‌آیند».
    if _vowel_final(stem):
        return ("یم", "یی", "ید", "ییم", "یید", "یند")
    return ("م", "ی", "د", "یم", "ید", "ند")


_NO_BE_PRESENT = frozenset({"دار", "باش", "خواه", "هست", "است"})
PAST_ENDINGS = ("م", "ی", "", "یم", "ید", "ند")
PERFECT_ENDINGS = ("ام", "ای", "ایم", "اید", "اند")


@dataclass
class Lexicon:
    zipf: dict[str, float] = field(default_factory=dict)  # wordfreq Zipf of each form (ZWNJs kept)
    standard: set[str] = field(default_factory=set)  # right as written: tagged words, verb forms, «آنها»…
    adjectives: set[str] = field(default_factory=set)  # tagged AJ/ADV: may take «تر» as a separate word
    seen: set[str] = field(default_factory=set)  # any form either source has, errors included
    compounds: dict[str, str] = field(default_factory=dict)  # ZWNJ-less key → best ZWNJ-bearing form
    verb_bodies: dict[str, str] = field(default_factory=dict)  # stem+ending after می, glued → right form
    verb_forms: set[str] = field(default_factory=set)  # verb words that stand alone («شده», «کرد»)
    present_stems: set[str] = field(default_factory=set)  # «رسان», «ساز», «افزا»: roots of «-رسانی», «-سازی»
    common: set[str] = field(default_factory=set)  # tagged words with a real hazm count (≥ 1000)

    def z(self, word: str) -> float:
        return self.zipf.get(word, 0.0)


def _hazm_data() -> Path:
    import hazm  # the lexicon ships with the hazm the normalizer already uses

    return Path(os.path.dirname(hazm.__file__)) / "data"


def _read_wordfreq(lex: Lexicon) -> None:
    with _WORDFREQ.open(encoding="utf-8") as f:
        for line in f:
            if line[0] != "#":
                word, z = line.rstrip("\n").split("\t")
                lex.zipf[word] = float(z)
    lex.seen.update(lex.zipf)


def _read_hazm_words(lex: Lexicon, data: Path) -> None:
    with (data / "words.dat").open(encoding="utf-8") as f:
        for line in f:
            word, count, tags = line.rstrip("\n").split("\t")
            lex.seen.add(word)
            if tags != "0":
                lex.standard.add(word)
                if int(count) >= 1000:
                    lex.common.add(word)
                if "AJ" in tags or "ADV" in tags:
                    lex.adjectives.add(word)
    # (hazm's stopwords.dat is not used: it lists glued errors such as «سالهای» as words.)


def _read_verbs(lex: Lexicon, data: Path) -> None:
    bodies: dict[str, str] = {}
    forms: set[str] = set()
    present_stems: set[str] = set()
    with (data / "verbs.dat").open(encoding="utf-8") as f:
        for line in f:
            past, present = line.strip().split("#")
            if present:
                present_stems.add(present)
                for e in present_endings(present):
                    bodies[present + e] = present + e
                    forms.update(("ب" + present + e, "ن" + present + e))
                if present in _NO_BE_PRESENT:  # «دارم», «باشی», «خواهد»: present without ب/می
                    forms.update(present + e for e in present_endings(present))
            if past:
                for e in PAST_ENDINGS:
                    bodies[past + e] = past + e
                    forms.update((past + e, "ن" + past + e))
                part = past + "ه"
                bodies[part] = part
                forms.update((part, "ن" + part, past + "ن"))
                for e in PERFECT_ENDINGS:
                    bodies[part + e] = part + ZWNJ + e
                    forms.add(part + ZWNJ + e)
    forms.update(("است", "هست"), ("نیست" + e for e in PAST_ENDINGS))  # the copula, listed in hazm untagged
    bodies["توان"] = "توان"  # the impersonal «می‌توان», «نمی‌توان»: a bare stem after می
    for body in bodies.values():
        for prefix in ("می", "نمی"):
            forms.add(prefix + ZWNJ + body)
    lex.verb_bodies = bodies
    # A few rare verbs begin with می («میزیدن»: «میزد»); their forms would hide the glued «می‌زد».
    lex.verb_forms = {f for f in forms if not f.startswith(("می", "نمی")) or ZWNJ in f[:4]}
    lex.present_stems = present_stems
    lex.standard.update(lex.verb_forms)


def _index_compounds(lex: Lexicon) -> None:
    """Every known ZWNJ-bearing form, by its glued spelling; the most frequent wins."""
    best: dict[str, tuple[float, str]] = {}
    for word in lex.standard | lex.zipf.keys():
        if ZWNJ in word:
            key = word.replace(ZWNJ, "")
            # Tagged hazm compounds are curated; rank them above web-only forms of the same letters.
            score = lex.z(word) + (1.0 if word in lex.standard else 0.0)
            if key not in best or score > best[key][0]:
                best[key] = (score, word)
    lex.compounds = {key: word for key, (_, word) in best.items()}


@lru_cache(maxsize=1)
def load_lexicon() -> Lexicon:
    """Build the shared lexicon (about half a second, ~70 MB); later calls return the same object."""
    lex = Lexicon()
    data = _hazm_data()
    _read_wordfreq(lex)
    _read_hazm_words(lex, data)
    _read_verbs(lex, data)
    lex.standard.update(_GLUED_STANDARD)
    lex.seen.update(lex.standard)
    _index_compounds(lex)
    return lex
