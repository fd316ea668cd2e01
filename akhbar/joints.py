"""Put back lost zero-width non-joiners (ZWNJ, U+200C) between the parts of Persian words.

Copy loses a ZWNJ in two ways: typed as a space («می رسد», «دستگاه های») or dropped («میرسد»,
«دستگاههای», «اطلاعرسانی»). This step runs on the masked text right after hazm and changes only the
joint between two letters (ZWNJ, space or nothing); letters, private-use placeholders and everything
that is not a Persian letter pass through untouched. Glued words are read by `morphology.py`; a
space is closed when the word after it is a suffix («ها», «ترین», «ای» after ه), the word before it
is «می»/«نمی» and the word after a verb, or the two make a compound one of whose parts cannot stand
alone («اطلاع رسانی»). Two words that both stand alone («رئیس جمهور», «این که») keep their space:
writing them apart is a choice of style, not a lost ZWNJ. When unsure, the text stays as written.

hazm's own spacing step also joins words, from a lexicon that cannot tell those two cases apart.
So `restore` takes the text as it was before hazm, gives back the spaces hazm closed between letters
and decides every such joint itself with one policy; hazm's other fixes (letters, punctuation
spacing) are kept. The editors' word list (`ProjectWords`) overrides everything.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from functools import cached_property
from itertools import accumulate
from pathlib import Path

from .errors import AkhbarError, Problem
from .lexicon import NON_JOINING, ZWNJ, load_lexicon
from .morphology import AFTER_SILENT_H, COMPARATIVE, FUNCTION_WORDS, MI, PLURAL, Morphology, takes_clitic

_L = "\u0621-\u063a\u0641-\u064a\u066e\u066f\u0671-\u06d3\u06d5\u06fa-\u06fc\u06ff"  # Arabic-script letters
_M = "\u064b-\u065f\u0670\u06d6-\u06dc\u06df-\u06e8\u06ea-\u06ed"  # combining marks (the «هٔ» hamza too)
_WORD = re.compile(f"([{_L}][{_L}{_M}]*(?:\u200c[{_L}][{_L}{_M}]*)*)")
_RUN = re.compile(f"([{_L}\ue000-\uf8ff]+)")  # letters and masked tokens: hazm keeps both one for one
_MARK = re.compile(f"[{_M}]")
_INVISIBLE_ZWNJ = re.compile(f"(?<=[{''.join(NON_JOINING)}])\u200c")
_EZAFE_HAMZA = "\u0654"
_HAZM_LETTERS = (("ي", "ی"), ("ك", "ک"), ("ى", "ی"), ("ە", "ه"), ("ہ", "ه"))  # hazm's usual letter fixes
_PREVERB_MI = re.compile("^(بر|در|فرا|باز|وا|فرو|ور)ن?می$")
_PERSON_ENDINGS = ("م", "ی", "د", "یم", "ید", "ند")
# Words after which a space is always a lost ZWNJ (when the word before can take them).
_SUFFIX_WORDS = frozenset(PLURAL + COMPARATIVE + AFTER_SILENT_H + ("ی",)) - {"است"}
# Free words that, after a word they are listed with, always make one compound: «هفته نامه».
_HEAD_WORDS = frozenset({"نامه"})
_NEVER_LEFT = FUNCTION_WORDS - {"هم"}  # «هم» is also the prefix of «هم‌افزایی»
_TAIL_MARGIN = 0.35  # Zipf: how close a compound's frequency must come to its rarer part's


class ProjectWords:
    """The editors' word list: `word‌with‌joints` lines add or correct words, `!word` lines freeze them."""

    def __init__(self, forms: dict[str, str] | None = None, frozen: set[str] | None = None) -> None:
        self.forms = forms or {}  # letters only → the form as listed (ZWNJs, spaces)
        self.frozen = frozen or set()  # letters only → never split, never joined to a neighbour

    @classmethod
    def read(cls, path: Path) -> ProjectWords:
        try:
            text = path.read_text(encoding="utf-8-sig")
        except UnicodeDecodeError:
            raise AkhbarError(Problem(str(path), None, "is not UTF-8 text; save it as UTF-8")) from None
        forms: dict[str, str] = {}
        frozen: set[str] = set()
        for raw in text.splitlines():
            line = " ".join(raw.split("#", 1)[0].split())  # comments and stray spaces away
            if line.startswith("!"):
                if word := line[1:].strip():
                    frozen.add(_key(word))
            elif line:
                forms[_key(line)] = line
        return cls(forms, frozen)


def _key(word: str) -> str:
    return word.replace(ZWNJ, "").replace(" ", "")


class JointRestorer:
    """Restores joints in masked prose. Build one per process; the lexicon loads on first use."""

    def __init__(self, words: Path | None = None) -> None:
        self.project = ProjectWords.read(words) if words else ProjectWords()
        self._words: dict[str, str] = {}  # memo: word as written → word with joints fixed
        self._pairs: dict[tuple[str, str], str | None] = {}  # memo: (left, right) → joined or None

    @cached_property
    def morph(self) -> Morphology:
        return Morphology(load_lexicon(), self.project.forms)

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
        words, fix = self._words, self._fix_word
        parts[1::2] = [words.get(word) or fix(word) for word in parts[1::2]]
        # Most texts join nothing: find the first pair that joins, and go word by word only from there
        # (until then, the word before each space is the fixed word itself, as the loop below has it).
        first = self._first_join(parts)
        if first is None:
            return "".join(parts)
        out = parts[:first]
        for i in range(first, len(parts), 2):
            word = parts[i]
            # out[-2] is the word before the space, as fixed or joined
            if parts[i - 1] == " " and (joined := self._joined(out[-2], word)) is not None:
                out.pop()
                out[-1] = joined
            else:
                out.append(word)
            out.append(parts[i + 1])
        return "".join(out)

    def _first_join(self, parts: list[str]) -> int | None:
        """The index in `parts` of the first word that joins the fixed word one space before it."""
        joined = self._joined
        for i in range(3, len(parts), 2):
            if parts[i - 1] == " " and joined(parts[i - 2], parts[i]) is not None:
                return i
        return None

    def _joined(self, left: str, word: str) -> str | None:
        """`left word` as one word if the space between them is a lost ZWNJ, else None (memoized)."""
        if word in FUNCTION_WORDS or left in _NEVER_LEFT:  # function words never join (a third of all pairs)
            return None
        pair = (left, word)
        joined = self._pairs.get(pair, pair)  # the pair itself stands for «not decided yet»
        if joined is pair:
            joined = self._pairs[pair] = self._join(left, word)
        return joined

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
        project = self.project
        if project.frozen or project.forms:  # the editors' word list comes first
            key = _key(word)
            if key in project.frozen:
                return word
            if key in project.forms:
                return project.forms[key]
        if word in self.morph.lex.standard:
            return word
        if word.endswith(_EZAFE_HAMZA) and not _MARK.search(word, 0, len(word) - 1):
            return self._fix_word(word[:-1]) + _EZAFE_HAMZA  # «واژهنامهٔ»: the mark rides on the last ه
        if _MARK.search(word):
            return word  # vowelled words are rare and deliberate: leave them
        return ZWNJ.join(self._fix_part(part) for part in word.split(ZWNJ))

    def _fix_part(self, part: str) -> str:
        if part in self.project.forms:
            return self.project.forms[part]
        split = self.morph.split(part)
        # A ZWNJ after a non-joining letter shows nothing: where the input had none, add none.
        return split if split is part else _INVISIBLE_ZWNJ.sub("", split)

    # ---- spaced words --------------------------------------------------------------------------

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
        if right in FUNCTION_WORDS or left in _NEVER_LEFT:
            return None  # «به عنوان», «این که»…: function words stay apart
        morph = self.morph
        lex = morph.lex
        if left in MI or (left[-1] == "ی" and _PREVERB_MI.match(left)):
            if body := lex.verb_bodies.get(right):
                return left + ZWNJ + body
            # A verb hazm does not list («می گراییدم»): an unknown word with a person ending.
            if right not in lex.seen and right.endswith(_PERSON_ENDINGS) and len(right) >= 4:
                return left + ZWNJ + right
            return None
        if right in _SUFFIX_WORDS:
            if right in ("تر", "تری") and left not in lex.adjectives:
                return None  # «تر» is also a word («wet»)
            if (right in AFTER_SILENT_H or right == "ی") and not takes_clitic(left, right):
                return None
            return left + ZWNJ + right
        joined = left + ZWNJ + right
        if lex.compounds.get(left.replace(ZWNJ, "") + right) == joined:
            if morph.bound(left) or morph.bound(right) or right in _HEAD_WORDS:
                return joined
            # Both parts stand alone, but the rarer one is seen mostly inside this compound
            # («نرم افزار», «دانش آموزان»), unlike «رئیس جمهور» or «تیم ملی».
            if lex.z(joined) >= min(lex.z(left), lex.z(right)) - _TAIL_MARGIN:
                return joined
        if left in ("هم", "بی") and morph.prefixed(left, right):
            return joined
        if right[-1] == "ی" and morph.is_stem_noun(right) and morph.bound(right) and morph.is_host(left):
            return joined  # «جمله سازی», «عکس برداری»: a stem noun needs the word before it
        return None


def undo_joins(after: str, before: str) -> str:
    """Give back the joints that hazm closed (space → ZWNJ/nothing, nothing → ZWNJ) between letters,
    and between a letter and a masked token («می ۲۰۲۰», the month, is not «می‌» + a verb).

    Letters are matched by position: hazm maps letters one to one (ي → ی), so when both texts have
    the same letters, the n-th letter boundary is the same boundary in both. If they do not (hazm
    expanded a ligature, cut a repeated letter, mapped a rare letter), hazm's joints are kept.
    """
    if after == before:  # most texts: hazm closed nothing, so there is nothing to give back
        return after
    parts_a, parts_b = _RUN.split(after), _RUN.split(before)  # [sep, run, sep, run, …, sep]
    runs_a, seps_a = parts_a[1::2], parts_a[0::2]
    runs_b, seps_b = parts_b[1::2], parts_b[0::2]
    letters_b = "".join(runs_b)
    for arabic, persian in _HAZM_LETTERS:  # str.replace: far quicker than translate on Persian text
        letters_b = letters_b.replace(arabic, persian)
    if "".join(runs_a) != letters_b:
        return after
    ends_a = list(accumulate(map(len, runs_a)))
    ends_b = list(accumulate(map(len, runs_b)))
    if not ends_a:
        return after
    sep_at = dict(zip(ends_a[:-1], seps_a[1:-1], strict=True))  # letter offset → what follows it
    boundaries_b = set(ends_b)
    # A space hazm closed goes back; a ZWNJ hazm put inside a glued word comes out.
    edits = {
        k: " "
        for k, sep in zip(ends_b[:-1], seps_b[1:-1], strict=True)
        if sep == " " and sep_at.get(k, "") in ("", ZWNJ)
    }
    edits.update((k, "") for k, sep in sep_at.items() if sep == ZWNJ and k not in boundaries_b)
    if not edits:
        return after
    ends = list(accumulate(map(len, parts_a)))  # char offset after each separator and run
    starts = ends[1::2]  # char offset just after run i
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
