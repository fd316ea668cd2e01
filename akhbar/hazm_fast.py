"""A faster drop-in for hazm 0.12.1's `Normalizer`: same options, same steps, same output, string for string.

hazm's `normalize` spends most of its time on fixed costs, not on changes: it rebuilds a 400-entry
`str.translate` table on every call and translates character by character through it, sends every
pattern through `re.sub` (and re's cache) whether or not the text could match, and scans the whole
text with a backtracking regex for letters repeated three times. `FastNormalizer` keeps hazm's
algorithm and the order of its steps, and removes only work that cannot change the result:

* translation tables are built once; a character-class search finds which mapped characters occur
  and only those are replaced (`str.replace`; exact because no target character is also a source);
* every pattern is compiled once, and runs only when the text has a substring the pattern cannot
  match without (the ellipsis pattern only when there is a "...", the ZWNJ patterns only when there
  is a ZWNJ, ...); the repeated-letters regex only when some letter occurs three times in a row;
* patterns that begin with an assertion or a choice (`\b`, `^`, a lookbehind, `[^ ]`, an alternation
  of classes) and so are tried at every position are rewritten to begin with a literal or a single
  class that sre can skip to, matching the same spans with the same replacement; the argument for
  each rewrite is in a comment next to it, and tests/test_hazm_fast.py checks each one against
  hazm's pattern list (generated text, and every string of up to 4 characters over an alphabet of
  the characters involved);
* `token_spacing` asks a precomputed set whether the previous token can start a joined word at all
  before building the pair, and reads "a lexicon word with a positive count" from a set.

If the installed hazm's normalizer is not the 0.12.1 code this was written against (its source and
constants are fingerprinted on import), every method falls back to hazm's own implementation, with a
warning.

The logic follows hazm 0.12.1 (https://github.com/roshan-research/hazm, MIT licence, Copyright (c)
2013 Alireza Nourian); its constants are imported from hazm, not copied.
"""

from __future__ import annotations

import hashlib
import inspect
import re
import warnings
from functools import cached_property

import hazm.constants as _hazm_constants
import hazm.normalizer as _hazm_normalizer
from hazm import Normalizer
from hazm.utils import maketrans
from hazm.word_tokenizer import WordTokenizer

__all__ = ["FastNormalizer"]

_ZWNJ = "\u200c"
_LETTERS = "آابپتثجچحخدذرزژسشصضطظعغفقکگلمنوهی"  # hazm's letter class (normalizer.py, constants.py)
_PUNC_AFTER = _hazm_constants.PUNC_AFTER  # r"\.:!،؛؟»\]\)\}"
_PUNC_BEFORE = _hazm_constants.PUNC_BEFORE  # r"«\[\(\{"

# sha256 of hazm 0.12.1's Normalizer and WordTokenizer sources and of the constants used here.
_HAZM_FINGERPRINT = "79bb79c3020cc79b3192bdf6a66788c4da894ff98c575e1b21a33c5437691088"


def _hazm_fingerprint() -> str | None:
    """What this module relies on in hazm, hashed; None when the source cannot be read."""
    h = _hazm_normalizer
    try:
        sources = inspect.getsource(Normalizer) + inspect.getsource(WordTokenizer)
    except (OSError, TypeError):
        return None
    constants = (
        h.TRANSLATION_SRC, h.TRANSLATION_DST, h.NUMBERS_SRC, h.NUMBERS_DST, h.EXTRA_SPACE_PATTERNS,
        h.AFFIX_SPACING_PATTERNS, h.PUNCTUATION_SPACING_PATTERNS, h.PERSIAN_STYLE_PATTERNS,
        h.DIACRITICS_PATTERNS, h.SPECIAL_CHARS_PATTERNS, h.UNICODE_REPLACEMENTS, sorted(h.SUFFIXES),
        _hazm_constants.PUNC_AFTER, _hazm_constants.PUNC_BEFORE,
    )
    return hashlib.sha256((sources + repr(constants)).encode()).hexdigest()


_COMPATIBLE = _hazm_fingerprint() == _HAZM_FINGERPRINT


class _CharMap:
    """`text.translate(maketrans(src, dst))` that touches only the characters actually present.

    hazm's table maps ordinals to one-character strings; translating through it costs a dict lookup
    per character of the text. Here a search finds the first mapped character, `str.replace` swaps
    all of its occurrences, and the search resumes from there. Replacing one character at a time is
    the same as translating all at once because no target is itself a source (checked; otherwise
    this falls back to `translate`).
    """

    def __init__(self, src: str, dst: str) -> None:
        self.table = maketrans(src, dst)  # hazm's own table: for duplicated sources the last one wins
        one_for_one = all(isinstance(v, str) and len(v) == 1 for v in self.table.values())
        self.exact_by_replace = one_for_one and not {ord(v) for v in self.table.values()} & self.table.keys()
        self.by_char = {chr(k): v for k, v in self.table.items()}
        self.search = re.compile("[" + "".join(re.escape(chr(k)) for k in sorted(self.table)) + "]").search

    def __call__(self, text: str) -> str:
        m = self.search(text)
        if m is None:
            return text
        if not self.exact_by_replace:
            return text.translate(self.table)
        search, by_char = self.search, self.by_char
        while m is not None:
            char, pos = m.group(), m.start()
            text = text.replace(char, by_char[char])  # one character for one: positions do not move
            m = search(text, pos)
        return text


def _compiled(patterns: list[tuple[str, str]]) -> list[tuple[re.Pattern[str], str]]:
    return [(re.compile(p), r) for p, r in patterns]


class FastNormalizer(Normalizer):
    """hazm's `Normalizer` with the same constructor and the same `normalize` output, several times faster.

    Build one per process, like hazm's: the constructor loads hazm's lexicons (a few seconds).
    """

    def __init__(
        self,
        correct_spacing: bool = True,
        remove_diacritics: bool = True,
        remove_specials_chars: bool = True,
        decrease_repeated_chars: bool = True,
        persian_style: bool = True,
        persian_numbers: bool = True,
        unicodes_replacement: bool = True,
        seperate_mi: bool = True,
    ) -> None:
        super().__init__(
            correct_spacing=correct_spacing,
            remove_diacritics=remove_diacritics,
            remove_specials_chars=remove_specials_chars,
            decrease_repeated_chars=decrease_repeated_chars,
            persian_style=persian_style,
            persian_numbers=persian_numbers,
            unicodes_replacement=unicodes_replacement,
            seperate_mi=seperate_mi,
        )
        self._fast = _COMPATIBLE
        if not self._fast:
            warnings.warn(
                "akhbar.hazm_fast: the installed hazm is not 0.12.1; FastNormalizer runs hazm's own code",
                RuntimeWarning,
                stacklevel=2,
            )
            return
        h = _hazm_normalizer
        self._translate = _CharMap(h.TRANSLATION_SRC, h.TRANSLATION_DST)
        self._numbers = _CharMap(h.NUMBERS_SRC, h.NUMBERS_DST)

        (self._quotes, self._decimal, _) = _compiled(h.PERSIAN_STYLE_PATTERNS)
        # `([\d+])\.([\d+])` can only match where a full stop has a digit or "+" on both sides; finding
        # one such stop is a search for a literal, which sre does fast.
        assert h.PERSIAN_STYLE_PATTERNS[1][0] == r"([\d+])\.([\d+])"
        self._has_decimal_point = re.compile(r"\.(?<=[\d+]\.)(?=[\d+])").search
        # ` ?\.\.\.` -> " …" is `.replace(" ...", " …").replace("...", " …")`. A space can only be the
        # first character of a match, so every " ..." is matched whole, as the first replace does; the
        # dots left over form the same runs in both texts ("…" is not a dot), and re.sub and
        # str.replace both take them three at a time from the left.
        assert h.PERSIAN_STYLE_PATTERNS[2] == (r" ?\.\.\.", " …")
        (self._diacritics,) = _compiled(h.DIACRITICS_PATTERNS)
        (self._specials,) = _compiled(h.SPECIAL_CHARS_PATTERNS)

        extra = _compiled(h.EXTRA_SPACE_PATTERNS)
        # `\b\u200c*\B` can only match a non-empty run of ZWNJs (\b and \B never hold at one position),
        # and \b before a ZWNJ (a non-word character) means "a word character precedes it": so it is
        # the same as a ZWNJ preceded by a word character, followed by the same `\u200c*\B`. Written
        # that way it starts with a literal, which sre searches for instead of testing \b everywhere.
        extra[6] = (re.compile(r"\u200c(?<=\w\u200c)\u200c*\B"), extra[6][1])
        # `\B\u200c*\b` likewise: a ZWNJ run not preceded by a word character (or at the start), taken
        # whole (backtracking inside a run finds no boundary between two ZWNJs), followed by a word
        # character (\b after a ZWNJ).
        extra[7] = (re.compile(r"\u200c(?<!\w\u200c)\u200c*(?=\w)"), extra[7][1])
        self._extra_space = extra

        affix = _compiled(h.AFFIX_SPACING_PATTERNS)
        # `(?<=X{2}) (…)` with the lookbehind moved after the space it precedes: ` (?<=X{2} )(…)`
        # checks the same two characters and matches the same span with the same group 1.
        no_affix = r"[^\n\d " + _PUNC_AFTER + _PUNC_BEFORE + r"]"
        lookbehind = "(?<=" + no_affix + "{2}) "
        assert h.AFFIX_SPACING_PATTERNS[2][0].startswith(lookbehind)
        affix_tail = h.AFFIX_SPACING_PATTERNS[2][0].removeprefix(lookbehind)
        affix[2] = (re.compile(" (?<=" + no_affix + "{2} )" + affix_tail), affix[2][1])
        # `([^ ]ه) ی ` -> `\1‌ی `: candidate matches cannot overlap (none of "ه ی " can be the non-space
        # character of a later one followed by "ه ی "), so matching "ه ی " and looking back for the
        # non-space character replaces the same occurrences with the same text.
        assert affix[0][1] == "\\1\u200cی "
        affix[0] = (re.compile("ه ی (?<=[^ ]ه ی )"), "ه\u200cی ")
        # `(^| )(ن?می) ` -> `\1\2‌`: without MULTILINE `^` holds only at 0, so the pattern is "ن?می " at the
        # start of the text, then ` (ن?می) ` from where that match ended (nothing in it looks behind).
        # The literal space lets sre skip ahead instead of testing `^` at every position.
        assert h.AFFIX_SPACING_PATTERNS[1] == (r"(^| )(ن?می) ", "\\1\\2\u200c")
        self._mi_space_at_start = re.compile(r"(ن?می) ")
        self._mi_space = re.compile(r" (ن?می) ")
        # `([^ ]ه) (ا(م|یم|ش|ند|ی|ید|ت))(?=…)` -> `\1‌\2`: same argument as for pattern 0 (the only ه of a
        # match is its second character, so candidates cannot overlap).
        suffix_end = r"(?=[ \n" + _PUNC_AFTER + r"]|$)"
        assert h.AFFIX_SPACING_PATTERNS[3] == (r"([^ ]ه) (ا(م|یم|ش|ند|ی|ید|ت))" + suffix_end, "\\1\u200c\\2")
        affix[3] = (re.compile(r"ه ا(?<=[^ ]ه ا)(م|یم|ش|ند|ی|ید|ت)" + suffix_end), "ه\u200cا\\1")
        self._affix_spacing = affix

        punct = _compiled(h.PUNCTUATION_SPACING_PATTERNS)
        # `([^ B])([B])` -> `\1 \2` (B = opening brackets) inserts a space before every bracket whose
        # previous character is neither a space nor a bracket; matches cannot overlap (the second
        # character is a bracket, so it cannot start another match). Matching the bracket itself and
        # looking back at its predecessor gives the same insertions.
        punct[5] = (re.compile(r"[" + _PUNC_BEFORE + r"](?<=[^ " + _PUNC_BEFORE + r"][" + _PUNC_BEFORE + r"])"),
                    r" \g<0>")
        # `([L])(\d)` -> `\1 \2`: same argument (a digit is never a letter of L).
        punct[7] = (re.compile(r"\d(?<=[" + _LETTERS + r"]\d)"), r" \g<0>")
        # `([\.:])(…)` on a text without ":" is `(\.)(…)`, which sre finds with a plain character search.
        assert punct[3][0].pattern.startswith(r"([\.:])")
        self._space_after_stop = re.compile(r"(\.)" + punct[3][0].pattern.removeprefix(r"([\.:])"))
        self._punctuation_spacing = punct

        self._unicode_replacements = list(h.UNICODE_REPLACEMENTS)
        # Every replaced string contains its highest character: if none of those occurs, none of them do.
        self._unicode_trigger = re.compile(
            "[" + "".join(re.escape(max(old)) for old, _ in h.UNICODE_REPLACEMENTS) + "]"
        ).search

        self._letter_thrice = re.compile(r"([" + _LETTERS + r"])\1\1").search
        self._letter_run = re.compile(r"[" + _LETTERS + r"]+")
        self._letters = frozenset(_LETTERS)
        # hazm: `\bن?می[L]+`. Its first character is ن or م, both word characters, so the \b before it means
        # "no word character before"; `ن?` can only be left out when the text has م there. Spelled as two
        # literal-led alternatives with that lookbehind, sre skips straight to ن and م.
        self._mi_word = re.compile(r"ن(?<!\wن)می[" + _LETTERS + r"]+|م(?<!\wم)ی[" + _LETTERS + r"]+")
        self._mi_prefix = re.compile(r"^(ن?می)")

        self._suffixes = h.SUFFIXES
        # hazm's tokenizer pattern `([؟!?]+|[\d.:]+|[:.،؛»\])}"«\[({/\\])` starts with a choice between
        # three classes, so sre tries it at every position. The same pattern with the first character
        # matched by the union of the classes, then a lookbehind choosing the alternative, gives sre a
        # character class to skip to. The first two classes are disjoint and the third adds only single
        # characters (its `.` and `:` are taken by the second, as in hazm), so every match is the same.
        self._token_split = re.compile(
            r'([؟!?\d.:،؛»\])}"«\[({/\\](?:(?<=[؟!?])[؟!?]*|(?<=[\d.:])[\d.:]*|))'
        )
        tok = self._tokenizer
        self._inline_tokenizer = (
            type(tok) is WordTokenizer
            and not (tok._join_verb_parts or tok._join_abbreviation or tok.separate_emoji or tok.replace_emails
                     or tok.replace_links or tok.replace_ids or tok.replace_hashtags or tok.replace_numbers)
        )
        if self._correct_spacing:  # built now, not in the first normalize(): hazm loads its lexicons now too
            _ = self._join_heads, self._verbs_with_underscore

    # ------------------------------------------------------------------------------------------ normalize

    def normalize(self, text: str) -> str:
        """Same as hazm's `Normalizer.normalize`: the same steps in the same order."""
        if not self._fast or type(text) is not str:
            return super().normalize(text)  # odd input (str subclass, non-str): hazm's own behaviour

        text = self._translate(text)

        if self._persian_style:
            text = self.persian_style(text)

        if self._persian_number:
            text = self.persian_number(text)

        if self._remove_diacritics:
            text = self.remove_diacritics(text)

        if self._correct_spacing:
            text = self.correct_spacing(text)

        if self._unicodes_replacement:
            text = self.unicodes_replacement(text)

        if self._remove_specials_chars:
            text = self.remove_specials_chars(text)

        if self._decrease_repeated_chars:
            text = self.decrease_repeated_chars(text)

        if self._seperate_mi:
            text = self.seperate_mi(text)

        return text

    # ------------------------------------------------------------------------------------------ steps

    def persian_style(self, text: str) -> str:
        if not self._fast:
            return super().persian_style(text)
        if '"' in text:
            text = self._quotes[0].sub(self._quotes[1], text)
        if "." in text:  # both remaining patterns need a full stop
            if self._has_decimal_point(text):
                text = self._decimal[0].sub(self._decimal[1], text)
            if "..." in text:
                text = text.replace(" ...", " …").replace("...", " …")
        return text

    def persian_number(self, text: str) -> str:
        if not self._fast:
            return super().persian_number(text)
        return self._numbers(text)

    def remove_diacritics(self, text: str) -> str:
        if not self._fast:
            return super().remove_diacritics(text)
        return self._diacritics[0].sub(self._diacritics[1], text)

    def remove_specials_chars(self, text: str) -> str:
        if not self._fast:
            return super().remove_specials_chars(text)
        return self._specials[0].sub(self._specials[1], text)

    def unicodes_replacement(self, text: str) -> str:
        if not self._fast:
            return super().unicodes_replacement(text)
        if self._unicode_trigger(text) is None:
            return text
        for old, new in self._unicode_replacements:
            text = text.replace(old, new)
        return text

    def decrease_repeated_chars(self, text: str) -> str:
        """hazm's, run only on the runs of letters that have a letter three times in a row.

        hazm's pattern `[L]*([L])\1{2,}[L]*` matches exactly the maximal runs of letters of L that
        contain such a triple (tried at a run's start, the leading `[L]*` backs off to the triple and
        the trailing one takes the rest of the run; a run without one fails at every position), and
        hazm replaces each match by a function of the match alone. So hazm's method applied to each
        such run by itself, spliced back, gives the same text, without the backtracking scan of
        everything else (quadratic in the length of every run of letters).
        """
        if not (self._fast and self._decrease_repeated_chars):
            return super().decrease_repeated_chars(text)  # without the option hazm has no pattern: it raises
        thrice = self._letter_thrice(text)
        if thrice is None:
            return text
        letters, pieces, done = self._letters, [], 0
        while thrice is not None:
            start = thrice.start()
            while start > done and text[start - 1] in letters:
                start -= 1
            end = self._letter_run.match(text, thrice.start()).end()
            pieces.append(text[done:start])
            pieces.append(super().decrease_repeated_chars(text[start:end]))
            done = end
            thrice = self._letter_thrice(text, end)
        pieces.append(text[done:])
        return "".join(pieces)

    def seperate_mi(self, text: str) -> str:
        if not self._fast:
            return super().seperate_mi(text)
        if "می" not in text:
            return text
        return self._mi_word.sub(self._separate_mi_match, text)

    def _separate_mi_match(self, match: re.Match[str]) -> str:
        m = match.group(0)
        r = self._mi_prefix.sub("\\1\u200c", m)
        if self._verbs and r in self._verbs:
            return r
        return m

    # ------------------------------------------------------------------------------------------ spacing

    def correct_spacing(self, text: str) -> str:
        if not self._fast:
            return super().correct_spacing(text)
        text = self._fix_extra_space(text)

        tokenizer = self._tokenizer
        inline = self._inline_tokenizer
        result = []
        for line in text.split("\n"):
            if not line.strip():
                result.append(line)
                continue
            if tokenizer:
                tokens = self._tokenize_line(line) if inline else tokenizer.tokenize(line)
                line = " ".join(self.token_spacing(tokens))
            result.append(line)
        text = "\n".join(result)

        text = self._fix_affix_spacing(text)
        return self._fix_punctuation_spacing(text)

    def _tokenize_line(self, line: str) -> list[str]:
        """hazm's `WordTokenizer(join_verb_parts=False).tokenize` for one line (no other option is on)."""
        text = self._token_split.sub(r" \1 ", line.replace("\n", " ").replace("\t", " "))
        return list(filter(None, text.split(" ")))

    def _fix_extra_space(self, text: str) -> str:
        """hazm's EXTRA_SPACE_PATTERNS in order, each skipped when the text lacks what it must match."""
        p = self._extra_space
        # `^ +| +$` (no MULTILINE): spaces at the very start, at the very end, or before a final newline.
        if text[:1] == " " or text[-1:] == " " or text[-2:] == " \n":
            text = p[0][0].sub(p[0][1], text)
        if "  " in text:
            text = p[1][0].sub(p[1][1], text)
        if "\n\n\n" in text:
            text = p[2][0].sub(p[2][1], text)
        if _ZWNJ in text:
            if _ZWNJ + _ZWNJ in text:
                text = p[3][0].sub(p[3][1], text)
            if _ZWNJ + " " in text:
                text = p[4][0].sub(p[4][1], text)
            if " " + _ZWNJ in text:
                text = p[5][0].sub(p[5][1], text)
            text = p[6][0].sub(p[6][1], text)
            if _ZWNJ in text:
                text = p[7][0].sub(p[7][1], text)
        if "ـ" in text or "\r" in text:
            text = p[8][0].sub(p[8][1], text)
        return text

    def _fix_affix_spacing(self, text: str) -> str:
        p = self._affix_spacing
        if "ه ی " in text:
            text = p[0][0].sub(p[0][1], text)
        if "می " in text:
            start = self._mi_space_at_start.match(text)
            if start is None:
                text = self._mi_space.sub(" \\1\u200c", text)
            else:
                text = start.group(1) + "\u200c" + self._mi_space.sub(" \\1\u200c", text[start.end():])
        if " تر" in text or " گر" in text or " ها" in text:
            text = p[2][0].sub(p[2][1], text)
        if "ه ا" in text:
            text = p[3][0].sub(p[3][1], text)
        if "هها" in text:
            text = p[4][0].sub(p[4][1], text)
        return text

    def _fix_punctuation_spacing(self, text: str) -> str:
        p = self._punctuation_spacing
        if '" ' in text:
            text = p[0][0].sub(p[0][1], text)
        text = p[1][0].sub(p[1][1], text)
        # Patterns 2 and 5 need an opening bracket; 2 to 4 only add or remove spaces, so one check does.
        brackets = "«" in text or "(" in text or "[" in text or "{" in text
        if brackets:
            text = p[2][0].sub(p[2][1], text)
        if ":" in text:
            text = p[3][0].sub(p[3][1], text)
        else:
            text = self._space_after_stop.sub(p[3][1], text)
        text = p[4][0].sub(p[4][1], text)
        if brackets:
            text = p[5][0].sub(p[5][1], text)
        text = p[6][0].sub(p[6][1], text)
        return p[7][0].sub(p[7][1], text)

    @cached_property
    def _joinable_words(self) -> frozenset[str]:
        """The lexicon words hazm's `token_spacing` joins two tokens into (`words[pair][0] > 0`)."""
        return frozenset(w for w, entry in (self._words or {}).items() if entry[0] > 0)

    @cached_property
    def _join_heads(self) -> frozenset[str]:
        """Every x such that x + ZWNJ + y is a verb or a joinable word, for some y.

        A token can join the previous one only if the previous one is in here: one lookup of a string
        whose hash is usually cached already, instead of a concatenation and two lookups per token.
        """
        heads = set()
        for joined_words in (self._verbs or (), self._joinable_words):
            for joined in joined_words:
                i = joined.find(_ZWNJ)
                while i != -1:
                    heads.add(joined[:i])
                    i = joined.find(_ZWNJ, i + 1)
        return frozenset(heads)

    @cached_property
    def _verbs_with_underscore(self) -> bool:
        """hazm's `token + "_" + next in verbs` can only hold if some verb has an underscore."""
        return any("_" in v for v in self._verbs or ())

    def token_spacing(self, tokens: list[str]) -> list[str]:
        """hazm's `token_spacing`; "a word with a positive count" is one set lookup."""
        if not self._fast:
            return super().token_spacing(tokens)
        words = self._words
        if not words:
            return list(tokens)
        verbs = self._verbs
        joinable_words = self._joinable_words
        suffixes = self._suffixes
        check_next = self._verbs_with_underscore
        last = len(tokens) - 1
        result: list[str] = []
        heads = self._join_heads
        for t, token in enumerate(tokens):
            if result:
                prev = result[-1]
                if prev in heads:
                    token_pair = prev + _ZWNJ + token
                    if (verbs and token_pair in verbs) or token_pair in joinable_words:
                        if check_next and t < last and token + "_" + tokens[t + 1] in verbs:
                            result.append(token)
                        else:
                            result[-1] = token_pair
                        continue
                if token in suffixes and prev in words:
                    result[-1] = prev + _ZWNJ + token
                    continue
            result.append(token)
        return result
