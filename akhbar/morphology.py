"""What a Persian word is made of, for `joints.py`: where a lost ZWNJ goes, and which words stand alone.

A glued stretch of letters («دستگاههای») is read in every way the affixes allow (می + verb, base +
plural/comparative/clitic, word + stem noun, هم/بی + word, a known compound, two common words); each
reading gets a confidence band and, within it, the frequency of its base, and the best one wins. A
word that is a standard spelling, or one plus a suffix written glued («میدانی» = میدان + ی), is not
read at all: those are right as they stand.
"""

from __future__ import annotations

import re

from .lexicon import BOUND_PREFIXES, NON_JOINING, ZWNJ, Lexicon

MI = frozenset({"می", "نمی"})
_VERB = re.compile("(|بر|در|فرا|باز|وا|فرو|ور)(ن?می)(..+)")  # preverb, می/نمی, verb body
# Suffixes written after a ZWNJ.
PLURAL = ("هایشان", "هایتان", "هایمان", "هایی", "هایم", "هایت", "هایش", "هاست", "های", "ها")
COMPARATIVE = ("ترین", "تری", "تر")
AFTER_SILENT_H = ("است", "ایم", "اید", "اند", "ای", "ام", "ات", "اش")  # «کرده‌اند», «رسانه‌ای»
_AFTER_YE = frozenset(AFTER_SILENT_H) - {"است"}  # «قبلی‌ام», «سنتی‌ای»: after a final ی as well
_ZWNJ_SUFFIXES = frozenset(PLURAL + COMPARATIVE + AFTER_SILENT_H)
# Suffixes written glued, so «میدانی» (میدان + ی) and «سازمانشان» are right as they stand.
_GLUED_SUFFIXES = ("شان", "تان", "مان", "یی", "ان", "ی", "ش", "م", "ت")
# Compound heads made from a stem that is a common word in its own right (سازی from ساز, …).
_COMMON_STEM_HEADS = frozenset("سازی ریزی گیری بندی گذاری سنجی پوشی سوزی کشی نگاری دهی برداری گرایی آرایی".split())
# Function words take no suffix and make no compound: «که ای کاش» is «that, oh if only», not «که‌ای».
FUNCTION_WORDS = frozenset(
    "و که به در از با را تا یا اگر چه نه بلکه زیرا چون اما ولی هم نیز هر بر پس چنانچه آنچه هرچه".split()
)
# Words that point rather than name: «هیچ کاری», «این سازی» are two words, never a compound.
_DETERMINERS = frozenset("این آن هیچ یک چه همین همان چنین چنان کدام فلان همه".split())


def _by_last_letter(suffixes: tuple[str, ...]) -> dict[str, tuple[str, ...]]:
    """Suffixes grouped by their last letter, longest first, so a word meets only its candidates."""
    groups: dict[str, list[str]] = {}
    for suffix in sorted(suffixes, key=len, reverse=True):
        groups.setdefault(suffix[-1], []).append(suffix)
    return {last: tuple(group) for last, group in groups.items()}


_ZWNJ_BY_LAST = _by_last_letter(tuple(_ZWNJ_SUFFIXES))
_GLUED_BY_LAST = _by_last_letter(_GLUED_SUFFIXES)


def takes_clitic(base: str, clitic: str) -> bool:
    """«ای», «ام», «اند»… follow a ZWNJ after silent ه («رسانه‌ای») and after ی («قبلی‌ام»), but
    a two-letter host ending in ی is a verb prefix or a word of its own («نیاید», «بیاید»)."""
    return base[-1] == "ه" or (base[-1] == "ی" and clitic in _AFTER_YE and len(base) >= 3)


class Morphology:
    def __init__(self, lex: Lexicon, listed: dict[str, str]) -> None:
        self.lex = lex
        self.listed = listed  # the project word list: letters only → form, used as known bases

    # ---- whole words -------------------------------------------------------------------------

    def split(self, part: str) -> str:
        """One ZWNJ-free stretch of letters, with a ZWNJ wherever one was lost (maybe none)."""
        lex = self.lex
        if len(part) < 4 or part in lex.standard:
            return part
        if part.startswith("هم") and self.is_stem_noun(part[2:]):
            return "هم" + ZWNJ + part[2:]  # «همافزایی», «همپوشانی»: even if hazm lists «همپوشان»
        known = lex.compounds.get(part)
        if known in lex.common and not self._glued_is_usual(part, known):
            return known  # hazm lists it with its ZWNJ («هم‌فکری»), whatever a glued base («همفکر») says
        if self.glued_ok(part):
            return part
        best = self._readings(part, 0)
        return best[1] if best else part

    def glued_ok(self, part: str) -> bool:
        """A standard word plus a suffix that is written glued («میدانی», «سازمانی», «بیشترین»)."""
        std = self.lex.standard
        for suffix in _GLUED_BY_LAST.get(part[-1], ()):
            if part.endswith(suffix) and part[: -len(suffix)] in std:
                return True
        return part.endswith("ترین") and part[:-2] in std

    def is_word(self, word: str) -> bool:
        """A word in its own right (a standard spelling, or standard + glued suffix)."""
        return word in self.lex.standard or self.glued_ok(word)

    def is_stem_noun(self, word: str) -> bool:
        """«افزایی», «رسانی», «پردازی»: a present stem + ی, the head of «هم‌افزایی», «اطلاع‌رسانی».

        A stem that is also a common word makes a common word too («بخشی» a part, «باری» once,
        «فرهنگی» cultural), so those count only when listed as productive heads.
        """
        if word in _COMMON_STEM_HEADS:
            return True
        lex = self.lex
        stem = word[:-2] if word.endswith("یی") else word[:-1] if word.endswith("ی") else ""
        return stem in lex.present_stems and stem not in lex.common and word not in lex.common

    def prefixed(self, prefix: str, rest: str) -> bool:
        """«هم» + stem noun («هم‌افزایی») and «بی» + word («بی‌گناهی»): productive prefixes."""
        return (prefix == "هم" and self.is_stem_noun(rest)) or (prefix == "بی" and self.is_word(rest))

    def is_host(self, word: str) -> bool:
        """A content word that can take a stem noun after it (not «این», «هیچ», «که», a verb…)."""
        if word in FUNCTION_WORDS or word in _DETERMINERS or word in self.lex.verb_forms:
            return False
        return word in self.lex.common or self.lex.z(word) >= 3.5

    def bound(self, word: str) -> bool:
        """True for a part that does not stand alone as a word («رسانی», «المللی», «آمیز», «بی»).

        Two free words («رئیس جمهور», «این که», «تیم ملی») may be written apart, so a space between
        them stays; a bound part needs its host, so the space before or after it is a lost ZWNJ.
        """
        lex = self.lex
        if word in BOUND_PREFIXES:
            return True
        if word in lex.common or word in lex.verb_forms or word in FUNCTION_WORDS:
            return False
        if self.is_stem_noun(word) or (word in lex.present_stems and word not in lex.standard):
            return True  # «رسانی», «آمیز»: the heads of «اطلاع‌رسانی», «موفقیت‌آمیز»
        if word.startswith("ال") and word not in lex.standard:
            return True  # the tail of an Arabic construct: «المللی», «العاده»
        return not (word in lex.standard or self.glued_ok(word) or lex.z(word) >= 4.0)

    # ---- readings of a glued stretch ---------------------------------------------------------

    def _readings(self, part: str, depth: int) -> tuple[float, str] | None:
        """The best way to cut `part` at lost ZWNJs, as (confidence, form); None if there is none.

        Bands: a compound hazm or wordfreq knows with its ZWNJ (40) > می + verb (30) > base +
        suffix (20) > word + stem noun (15) > هم/بی + word (10) > two common words (< 10); within a
        band the more frequent base wins, so «رسانهای» is «رسانه‌ای», not «رسان‌های».
        """
        lex = self.lex
        found: list[tuple[float, str]] = []
        known = lex.compounds.get(part)
        if known and not self._affixal(known) and not self._glued_is_usual(part, known):
            found.append((40 + lex.z(known), known))
        if (verb := self._verb(part)) is not None:
            found.append(verb)
        for suffix in _ZWNJ_BY_LAST.get(part[-1], ()):
            if part.endswith(suffix) and len(part) - len(suffix) >= 2:
                if reading := self._base_reading(part[: -len(suffix)], suffix, depth):
                    form = reading[1] + ZWNJ + suffix
                    # A whole form seen in use, or a known word, outranks a mere base: «بافت‌های»
                    # (seen) over «بافته‌ای»; «رسیده‌ایم» (a verb) over «رسید‌هایم».
                    bonus = 3.0 if form in lex.zipf else 1.0 if form in lex.standard else 0.0
                    found.append((20 + reading[0] + bonus, form))
        if part[-1] == "ی":
            found.extend(self._stem_compounds(part))
        if len(part) >= 5 and self.prefixed(part[:2], part[2:]):
            # Made on the spot, like a suffix: a glued spelling seen on the web is sloppy typing,
            # and settled ones (همکاری, بیمار) are standard words, never read.
            found.append((10 + lex.z(part[2:]), part[:2] + ZWNJ + part[2:]))
        if not found and part not in lex.seen:
            found.extend(self._two_words(part, depth))
        return max(found) if found else None

    def _verb(self, part: str) -> tuple[float, str] | None:
        """(بر|در|فرا|…)(ن)می + a verb body: «میرسد», «نمیتوان», «برمیگردد»."""
        if (m := _VERB.fullmatch(part)) and (body := self.lex.verb_bodies.get(m[3])):
            form = m[2] + ZWNJ + body
            return (30 + self.lex.z(form), m[1] + form)
        return None

    def _base_reading(self, base: str, suffix: str, depth: int) -> tuple[float, str] | None:
        lex = self.lex
        if suffix in AFTER_SILENT_H and not takes_clitic(base, suffix):
            return None
        if suffix in ("تر", "تری") and base not in lex.adjectives:
            return None  # «دختر», «کبوتر» are not «دخ» + «تر»
        if base in self.listed:
            return (4.0, self.listed[base])  # «اداره‌کل‌ها» from a listed «اداره‌کل»
        if base in lex.standard or base in lex.zipf or self.glued_ok(base):
            return (lex.z(base) or 3.0, base)
        if depth < 2 and (inner := self._readings(base, depth + 1)):
            return (inner[0] - 20, inner[1])
        if (suffix in PLURAL or suffix == "ترین") and len(base) >= 4 and depth == 0:
            # An unknown base still takes these apart («دوربرگردان‌های», «پرتلفات‌ترین»): they are
            # never the end of a longer word, and «هها» is never one word at all.
            return (1.0 if base in lex.seen or base[-1] == "ه" else 0.5, base)
        return None

    def _stem_compounds(self, part: str) -> list[tuple[float, str]]:
        """Word + stem noun, the most productive compound: «عکس‌برداری», «جمله‌سازی», «پی‌ریزی»."""
        found = []
        for i in range(2, len(part) - 2):
            a, b = part[:i], part[i:]
            if a[-1] not in NON_JOINING and self.is_stem_noun(b) and self.is_host(a):
                form = a + ZWNJ + b
                if not self._glued_is_usual(part, form):  # «کلاهبرداری» is mostly written so
                    found.append((15 + min(self.lex.z(a), 5.0), form))
        return found

    def _two_words(self, part: str, depth: int) -> list[tuple[float, str]]:
        """An unknown word that is two common words run together («ادارهکل» → «اداره‌کل»).

        Inside a longer word (depth > 0) it only vouches for a base, so an invisible joint will do.
        """
        lex = self.lex
        found = []
        for i in range(3, len(part) - 1):
            a, b = part[:i], part[i:]
            if (a[-1] in NON_JOINING and depth == 0) or a not in lex.common:
                continue
            if b not in lex.common and not self.glued_ok(b):  # «روابطعمومی»: عموم + ی is a word too
                continue
            za, zb = lex.z(a), lex.z(b)
            # Two letters make many words by chance («پرسفر» is not «پرس» + «فر»): ask more of them.
            if min(za, zb) >= 4.0 and (len(b) > 2 or zb >= 5.0):
                found.append((min(za, zb), a + ZWNJ + b))
        return found

    def _glued_is_usual(self, part: str, known: str) -> bool:
        """A compound of two words that usage writes glued at least as often («خشکسالی», «همبازی»).

        Only for word + word: for a prefix or suffix («میرسد», «سالها») a frequent glued form is
        sloppy typing, not a spelling, so frequency is not asked there; for «هم» + word, hazm's
        lexicon decides when it lists the compound with a ZWNJ («هم‌فکری»).
        """
        head = known.split(ZWNJ, 1)[0]
        if head in BOUND_PREFIXES or (head == "هم" and known in self.lex.common):
            return False
        return self.lex.z(part) >= max(self.lex.z(known), 0.1)

    @staticmethod
    def _affixal(known: str) -> bool:
        """A listed form that is stem + affix («سال‌ها», «می‌رسد»): the morphology reads those,
        weighing every base the letters allow («سود‌های» or «سوده‌ای»), so the list casts no vote."""
        pieces = known.split(ZWNJ)
        return pieces[0] in MI or any(p in _ZWNJ_SUFFIXES for p in pieces[1:])


