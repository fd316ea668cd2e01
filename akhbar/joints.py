"""Put back lost zero-width non-joiners (ZWNJ, U+200C) between the parts of Persian words.

Copy loses a ZWNJ in two ways: typed as a space («می رسد», «دستگاه های») or dropped («میرسد»,
«دستگاههای», «اطلاعرسانی»). This step runs on the masked text right after hazm and changes only the
joint between two letters (ZWNJ, space or nothing); letters, private-use placeholders and everything
that is not a Persian letter pass through untouched. It decides from morphology first (the می
prefix, plural and comparative suffixes, clitics after silent ه, stem-derived compound heads) and
uses word frequency to rank the readings; when no reading is convincing the text stays as written.

hazm's own spacing step also joins words, from a lexicon that does not tell «رئیس جمهور» (two words
that may stay apart) from «اطلاع رسانی» (a compound whose head cannot stand alone). So `restore`
takes the text as it was before hazm, undoes hazm's letter-to-letter joins and decides every joint
itself with one consistent policy; hazm's other fixes (letters, punctuation spacing) are kept.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from functools import cached_property
from itertools import accumulate
from pathlib import Path

from .lexicon import BOUND_PREFIXES, NON_JOINING, ZWNJ, Lexicon, load_lexicon

_L = "\u0621-\u063a\u0641-\u064a\u066e\u066f\u0671-\u06d3\u06d5\u06fa-\u06fc\u06ff"  # Arabic-script letters
_M = "\u064b-\u065f\u0670\u06d6-\u06dc\u06df-\u06e8\u06ea-\u06ed"  # combining marks (the «هٔ» hamza too)
_WORD = re.compile(f"([{_L}][{_L}{_M}]*(?:\u200c[{_L}][{_L}{_M}]*)*)")
_RUN = re.compile(f"[{_L}\ue000-\uf8ff]+")  # letters and masked tokens: hazm keeps both one for one
_MARK = re.compile(f"[{_M}]")
_INVISIBLE_ZWNJ = re.compile(f"(?<=[{''.join(NON_JOINING)}])\u200c")
_VERB = re.compile("^(بر|در|فرا|باز|وا|فرو|ور)?(ن?می)(.{2,})$")
_HAZM_LETTERS = (("ي", "ی"), ("ك", "ک"), ("ى", "ی"), ("ە", "ه"), ("ہ", "ه"))  # hazm's usual letter fixes
_MI = frozenset({"می", "نمی"})
_EZAFE_HAMZA = "\u0654"
_PREVERB_MI = re.compile("^(بر|در|فرا|باز|وا|فرو|ور)ن?می$")

# Suffixes written after a ZWNJ, longest first so «های» is tried before «ها».
_PLURAL = ("هایشان", "هایتان", "هایمان", "هایی", "هایم", "هایت", "هایش", "هاست", "های", "ها")
_COMPARATIVE = ("ترین", "تری", "تر")
_AFTER_SILENT_H = ("است", "ایم", "اید", "اند", "ای", "ام", "ات", "اش")  # «کرده‌اند», «رسانه‌ای»
_AFTER_YE = frozenset(_AFTER_SILENT_H) - {"است"}  # «قبلی‌ام», «سنتی‌ای»: after a final ی as well
_ZWNJ_SUFFIXES = tuple(sorted(_PLURAL + _COMPARATIVE + _AFTER_SILENT_H, key=len, reverse=True))
# Suffixes written glued, so «میدانی» (میدان + ی) and «سازمانشان» are right as they stand.
_GLUED_SUFFIXES = ("شان", "تان", "مان", "یی", "ان", "ی", "ش", "م", "ت")


def _by_last_letter(suffixes: tuple[str, ...]) -> dict[str, tuple[str, ...]]:
    """Suffixes grouped by their last letter (order kept), so a word is tried only against its own."""
    groups: dict[str, list[str]] = {}
    for suffix in suffixes:
        groups.setdefault(suffix[-1], []).append(suffix)
    return {last: tuple(group) for last, group in groups.items()}


_ZWNJ_BY_LAST = _by_last_letter(_ZWNJ_SUFFIXES)
_GLUED_BY_LAST = _by_last_letter(_GLUED_SUFFIXES)
_SPACED_AFTER_H = frozenset({"ای", "ام", "ات", "اش", "ایم", "اید", "اند", "ی"})
_SUFFIX_WORDS = frozenset(_PLURAL + _COMPARATIVE) | _SPACED_AFTER_H
_PREFIX_WORDS = frozenset({"هم", "بی"})
# Compound heads made from a stem that is a common word in its own right (سازی from ساز, …).
_COMMON_STEM_HEADS = frozenset(
    "سازی ریزی گیری بندی گذاری سنجی پوشی سوزی کشی نگاری دهی برداری گرایی آرایی".split()
)
# Free words that, after a word they are listed with, always make one compound: «هفته نامه».
_HEAD_WORDS = frozenset({"نامه"})
# Words that point rather than name: «هیچ کاری», «این سازی» are two words, never a compound.
_DETERMINERS = frozenset("این آن هیچ یک چه همین همان چنین چنان کدام فلان همه".split())
_TAIL_MARGIN = 0.35  # Zipf: how close a compound's frequency must come to its rarer part's
# Function words take no suffix: «که ای کاش» is «that, oh if only», not «که‌ای».
_FUNCTION_WORDS = frozenset(
    "و که به در از با را تا یا اگر چه نه بلکه زیرا چون اما ولی هم نیز هر بر پس چنانچه آنچه هرچه".split()
)


class ProjectWords:
    """The editors' word list: `word‌with‌joints` lines add or correct words, `!word` lines freeze them."""

    def __init__(self, forms: dict[str, str] | None = None, frozen: set[str] | None = None) -> None:
        self.forms = forms or {}  # letters only → the form as listed (ZWNJs, spaces)
        self.frozen = frozen or set()  # letters only → never split, never joined to a neighbour

    @classmethod
    def read(cls, path: Path) -> ProjectWords:
        forms: dict[str, str] = {}
        frozen: set[str] = set()
        for raw in path.read_text(encoding="utf-8-sig").splitlines():
            line = " ".join(raw.split("#", 1)[0].split())  # comments and stray spaces away
            if not line:
                continue
            if line.startswith("!"):
                frozen.add(_key(line[1:].strip()))
            else:
                forms[_key(line)] = line
        return cls(forms, frozen)


def _takes_clitic(base: str, clitic: str) -> bool:
    """«ای», «ام», «اند»… follow a ZWNJ after silent ه («رسانه‌ای») and after ی («قبلی‌ام»), but
    a two-letter host ending in ی is a verb prefix or a word of its own («نیاید», «بیاید»)."""
    return base[-1] == "ه" or (base[-1] == "ی" and clitic in _AFTER_YE and len(base) >= 3)


def _key(word: str) -> str:
    return word.replace(ZWNJ, "").replace(" ", "")


class JointRestorer:
    """Restores joints in masked prose. Build one per process; the lexicon loads on first use."""

    def __init__(self, words: Path | None = None) -> None:
        self.project = ProjectWords.read(words) if words else ProjectWords()
        self._words: dict[str, str] = {}  # memo: word as written → word with joints fixed
        self._pairs: dict[tuple[str, str], str | None] = {}  # memo: (left, right) → joined or None

    @cached_property
    def lex(self) -> Lexicon:
        return load_lexicon()

    def restore(self, text: str, original: str | None = None) -> str:
        """Fix joints in `text`; with `original` (the text before hazm), hazm's joins are re-decided."""
        if original is not None:
            text = undo_joins(text, original)
        parts = _WORD.split(text)  # [between, word, between, word, …, between]
        if len(parts) == 1:
            return text
        if len(self._words) > 200_000:  # a long build: keep the memos from growing without bound
            self._words.clear()
            self._pairs.clear()
        out = [parts[0]]
        for i in range(1, len(parts), 2):
            word = self._words.get(parts[i]) or self._fix_word(parts[i])
            if i > 1 and parts[i - 1] == " ":
                pair = (out[-2], word)
                joined = self._pairs[pair] if pair in self._pairs else self._join_memo(pair)
                if joined is not None:
                    out.pop()
                    out[-1] = joined
                    out.append(parts[i + 1])
                    continue
            out.append(word)
            out.append(parts[i + 1])
        return "".join(out)

    # ---- glued words ---------------------------------------------------------------------------

    def _fix_word(self, word: str) -> str:
        fixed = self._fix_word_uncached(word)
        for _ in range(3 if fixed != word else 0):  # a piece of a split word may split again: go on
            again = self._fix_word_uncached(fixed)  # until nothing changes, so that a second
            if again == fixed:  # normalize finds nothing left to do
                break
            fixed = again
        self._words[word] = fixed
        return fixed

    def _fix_word_uncached(self, word: str) -> str:
        if self.project.frozen or self.project.forms:  # the editors' word list comes first
            key = _key(word)
            if key in self.project.frozen:
                return word
            if key in self.project.forms:
                return self.project.forms[key]
        if word in self.lex.standard:
            return word
        if word.endswith(_EZAFE_HAMZA) and not _MARK.search(word, 0, len(word) - 1):
            return self._fix_word(word[:-1]) + _EZAFE_HAMZA  # «واژهنامهٔ»: the mark rides on the last ه
        if _MARK.search(word):
            return word  # vowelled words are rare and deliberate: leave them
        return ZWNJ.join(self._fix_part(part) for part in word.split(ZWNJ))

    def _fix_part(self, part: str) -> str:
        """One ZWNJ-free stretch of letters: split it where a ZWNJ was lost, if a reading says so."""
        if part in self.project.forms:
            return self.project.forms[part]
        if len(part) < 4 or part in self.lex.standard or self._glued_ok(part):
            return part
        best = self._readings(part, 0)
        if best is None:
            return part
        # A ZWNJ after a non-joining letter shows nothing: where the input had none, add none.
        return _INVISIBLE_ZWNJ.sub("", best[1])

    def _glued_ok(self, part: str) -> bool:
        """A standard word plus a suffix that is written glued («میدانی», «سازمانی», «بیشترین»)."""
        std = self.lex.standard
        for suffix in _GLUED_BY_LAST.get(part[-1], ()):
            if part.endswith(suffix) and part[: -len(suffix)] in std:
                return True
        return part.endswith("ترین") and part[:-2] in std

    def _readings(self, part: str, depth: int) -> tuple[float, str] | None:
        """The best way to cut `part` at lost ZWNJs, as (confidence, form); None if there is none.

        Confidence bands: a spelling known with its ZWNJ > a verb with می > base + suffix
        > هم/بی prefix > two known words; within a band, the more frequent reading wins.
        """
        lex = self.lex
        found: list[tuple[float, str]] = []
        if (known := lex.compounds.get(part)) and not self._affixal(known) and not self._glued_is_usual(part, known):
            found.append((40 + lex.z(known), known))
        if (m := _VERB.match(part)) and (body := lex.verb_bodies.get(m[3])):
            mi = m[2] + ZWNJ + body
            found.append((30 + lex.z(mi), (m[1] or "") + mi))
        for suffix in _ZWNJ_BY_LAST.get(part[-1], ()):
            if part.endswith(suffix) and len(part) - len(suffix) >= 2:
                if reading := self._base_reading(part[: -len(suffix)], suffix, depth):
                    found.append((20 + reading[0], reading[1] + ZWNJ + suffix))
        if part[-1] == "ی":
            found.extend(self._stem_compounds(part))
        if len(part) >= 5 and self._prefixed(part[:2], part[2:]):
            # هم + a stem noun and بی + a word are made on the spot, like a suffix: a glued spelling
            # seen on the web («همپوشانی») is sloppy typing; settled ones (همکاری) are in hazm's lexicon.
            found.append((10 + lex.z(part[2:]), part[:2] + ZWNJ + part[2:]))
        if not found and part not in lex.seen:
            found.extend(self._two_words(part, depth))
        return max(found) if found else None

    def _base_reading(self, base: str, suffix: str, depth: int) -> tuple[float, str] | None:
        lex = self.lex
        if suffix in _AFTER_SILENT_H and not _takes_clitic(base, suffix):
            return None
        if suffix in ("تر", "تری") and base not in lex.adjectives:
            return None  # «دختر», «کبوتر» are not «دخ» + «تر»
        if base in self.project.forms:
            return (4.0, self.project.forms[base])  # «اداره‌کل‌ها» from a listed «اداره‌کل»
        if base in lex.standard or base in lex.zipf or self._glued_ok(base):
            return (lex.z(base) or 3.0, base)
        if depth < 2 and (inner := self._readings(base, depth + 1)):
            return (inner[0] - 20, inner[1])
        if suffix in _PLURAL and len(base) >= 4 and (base[-1] == "ه" or depth == 0 and base not in lex.seen):
            # An unknown base still takes its plural apart: «سرحلقه‌های»; «هها» is never one word.
            return (0.5, base)
        return None

    def _glued_is_usual(self, part: str, known: str) -> bool:
        """A compound of two words that usage writes glued at least as often («خشکسالی», «همبازی»).

        Only for word + word: for a prefix or suffix («میرسد», «سالها») a frequent glued form is
        sloppy typing, not a spelling, so frequency is not asked there.
        """
        if known.split(ZWNJ, 1)[0] in BOUND_PREFIXES:
            return False
        return self.lex.z(part) >= max(self.lex.z(known), 0.1)

    @staticmethod
    def _affixal(known: str) -> bool:
        """A listed form that is stem + affix («سال‌ها», «می‌رسد»): the morphology rules read those,
        weighing every base the letters allow («سود‌های» or «سوده‌ای»), so the list casts no vote."""
        pieces = known.split(ZWNJ)
        return pieces[0] in _MI or any(p in _ZWNJ_SUFFIXES for p in pieces[1:])

    def _stem_compounds(self, part: str) -> list[tuple[float, str]]:
        """Word + stem noun, the most productive compound: «عکس‌برداری», «جمله‌سازی», «پی‌ریزی»."""
        lex = self.lex
        found = []
        for i in range(2, len(part) - 2):
            a, b = part[:i], part[i:]
            if a[-1] not in NON_JOINING and self._is_stem_noun(b) and self._is_host(a):
                form = a + ZWNJ + b
                if not self._glued_is_usual(part, form):  # «کلاهبرداری» is usually written so
                    found.append((15 + min(lex.z(a), 5.0), form))
        return found

    def _prefixed(self, prefix: str, rest: str) -> bool:
        """«هم» + stem noun («هم‌افزایی») and «بی» + word («بی‌گناهی»): productive prefixes."""
        return (prefix == "هم" and self._is_stem_noun(rest)) or (prefix == "بی" and self._is_word(rest))

    def _is_word(self, word: str) -> bool:
        """A word in its own right (a standard spelling, or standard + glued suffix)."""
        return word in self.lex.standard or self._glued_ok(word)

    def _is_stem_noun(self, word: str) -> bool:
        """«افزایی», «رسانی», «پردازی»: a present stem + ی, the head of «هم‌افزایی», «اطلاع‌رسانی».

        A stem that is also a common word makes a common word too («بخشی» a part, «باری» once,
        «فرهنگی» cultural), so those count only when listed as productive heads.
        """
        if word in _COMMON_STEM_HEADS:
            return True
        lex = self.lex
        stem = word[:-2] if word.endswith("یی") else word[:-1] if word.endswith("ی") else ""
        return stem in lex.present_stems and stem not in lex.common and word not in lex.common

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
            if b not in lex.common and not self._glued_ok(b):  # «روابطعمومی»: عموم + ی is a word too
                continue
            za, zb = lex.z(a), lex.z(b)
            # Two letters make many words by chance («پرسفر» is not «پرس» + «فر»): ask more of them.
            if min(za, zb) >= 4.0 and (len(b) > 2 or zb >= 5.0):
                found.append((min(za, zb), a + ZWNJ + b))
        return found

    # ---- spaced words --------------------------------------------------------------------------

    def _join_memo(self, pair: tuple[str, str]) -> str | None:
        joined = self._join(*pair)
        self._pairs[pair] = joined
        return joined

    def _join(self, left: str, right: str) -> str | None:
        """`left right` → one word with a ZWNJ if the space was a lost ZWNJ, else None.

        Called for every pair of words one space apart, so the common «no» is reached quickly.
        """
        project = self.project
        if project.frozen or project.forms:
            key_l, key_r = _key(left), _key(right)
            if key_l in project.frozen or key_r in project.frozen:
                return None
            if listed := project.forms.get(key_l + key_r):
                return listed if " " not in listed else None
        if right.isalpha() and left.replace(ZWNJ, "").isalpha():  # no marks (ZWNJ only on the left)
            return self._join_letters(left, right)
        if right.endswith(_EZAFE_HAMZA) and right[:-1].isalpha() and left.replace(ZWNJ, "").isalpha():
            joined = self._join_letters(left, right[:-1])  # «واژه نامهٔ»: the mark rides along
            return joined + _EZAFE_HAMZA if joined else None
        return None  # vowel marks, or a ZWNJ already inside the right word: leave as written

    def _join_letters(self, left: str, right: str) -> str | None:
        if right in _FUNCTION_WORDS or (left in _FUNCTION_WORDS and left != "هم"):
            return None  # «به عنوان», «این که»…: function words stay apart (and are a third of all words)
        lex = self.lex
        if left in _MI or (left[-1] == "ی" and _PREVERB_MI.match(left)):
            body = lex.verb_bodies.get(right)
            return left + ZWNJ + body if body else None
        if right in _SUFFIX_WORDS:
            if right in ("تر", "تری") and left not in lex.adjectives:
                return None  # «تر» is also a word («wet»)
            if right in _SPACED_AFTER_H and not _takes_clitic(left, right):
                return None
            return left + ZWNJ + right
        joined = left + ZWNJ + right
        if lex.compounds.get(left.replace(ZWNJ, "") + right) == joined:
            if self._bound(left) or self._bound(right) or right in _HEAD_WORDS:
                return joined
            # Both parts stand alone, but the rarer one is seen mostly inside this compound
            # («نرم افزار», «دانش آموزان»), unlike «رئیس جمهور» or «تیم ملی».
            if lex.z(joined) >= min(lex.z(left), lex.z(right)) - _TAIL_MARGIN:
                return joined
        if left in _PREFIX_WORDS and self._prefixed(left, right):
            return joined
        if right[-1] == "ی" and self._is_stem_noun(right) and self._bound(right) and self._is_host(left):
            return joined  # «جمله سازی», «عکس برداری»: a stem noun needs the word before it
        return None

    def _is_host(self, word: str) -> bool:
        """A content word that can head a compound (not «این», «هیچ», «که»…)."""
        if word in _FUNCTION_WORDS or word in _DETERMINERS or word in self.lex.verb_forms:
            return False
        return word in self.lex.common or self.lex.z(word) >= 3.5

    def _bound(self, word: str) -> bool:
        """True for a part that does not stand alone as a word («رسانی», «المللی», «بی»).

        Two free words («رئیس جمهور», «این که», «تیم ملی») may be written apart, so a space between
        them stays; a bound part needs its host, so the space before or after it is a lost ZWNJ.
        """
        lex = self.lex
        if word in BOUND_PREFIXES:
            return True
        if word in lex.common or word in lex.verb_forms or word in _FUNCTION_WORDS:
            return False
        if self._is_stem_noun(word):
            return True  # «رسانی», «سازی», «افزایی»: the heads of «اطلاع‌رسانی», «فرهنگ‌سازی»
        if word.startswith("ال") and word not in lex.standard:
            return True  # the tail of an Arabic construct: «المللی», «العاده»
        return not (word in lex.standard or self._glued_ok(word) or lex.z(word) >= 4.0)


def undo_joins(after: str, before: str) -> str:
    """Give back the joints that hazm closed (space → ZWNJ/nothing, nothing → ZWNJ) between letters,
    and between a letter and a masked token («می ۲۰۲۰», the month, is not «می‌» + a verb).

    Letters are matched by position: hazm maps letters one to one (ي → ی), so when both texts have
    the same letters, the n-th letter boundary is the same boundary in both. If they do not (hazm
    expanded a ligature, cut a repeated letter, mapped a rare letter), hazm's joints are kept.
    """
    runs_a, seps_a = _RUN.findall(after), _RUN.split(after)
    runs_b, seps_b = _RUN.findall(before), _RUN.split(before)
    letters_b = "".join(runs_b)
    for arabic, persian in _HAZM_LETTERS:  # str.replace: far quicker than translate on Persian text
        letters_b = letters_b.replace(arabic, persian)
    if "".join(runs_a) != letters_b:
        return after
    ends_a = list(accumulate(map(len, runs_a)))
    ends_b = list(accumulate(map(len, runs_b)))
    if not ends_a:
        return after
    sep_at = dict(zip(ends_a[:-1], seps_a[1:-1]))
    boundaries_b = set(ends_b)
    # A space hazm closed goes back; a ZWNJ hazm put inside a glued word comes out.
    edits = {k: " " for k, sep in zip(ends_b, seps_b[1:-1]) if sep == " " and sep_at.get(k, "") in ("", ZWNJ)}
    edits.update((k, "") for k, sep in sep_at.items() if sep == ZWNJ and k not in boundaries_b)
    if not edits:
        return after
    starts = list(accumulate(len(s) + len(r) for s, r in zip(seps_a, runs_a)))  # char index after run i
    pieces: list[str] = []
    last = 0
    for k in sorted(edits):
        i = bisect_left(ends_a, k)
        if ends_a[i] == k:  # the boundary is the separator after run i
            start, end = starts[i], starts[i] + len(seps_a[i + 1])
        else:  # hazm glued the two letters into one run
            start = end = starts[i] - (ends_a[i] - k)
        pieces += [after[last:start], edits[k]]
        last = end
    pieces.append(after[last:])
    return "".join(pieces)
