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
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import hazm.constants as _hazm_constants
import hazm.normalizer as _hazm_normalizer
import hazm.word_tokenizer as _hazm_word_tokenizer
from hazm import Normalizer
from hazm.utils import maketrans
from hazm.word_tokenizer import WordTokenizer

from .hazm_steps import CharMap, FastSteps, slim_normalizer

__all__ = ["FastNormalizer"]

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


@contextmanager
def _words_read_once() -> Iterator[None]:
    """hazm's `Normalizer` builds two `WordTokenizer`s, its own and its `Lemmatizer`'s, and each parses
    the same `words.dat` (190,000 lines, ~0.4 s). While this is open the second gets the list the first
    read: `WordTokenizer` only reads it (into a dict of its own). Only for the hazm this was checked on."""
    if not _COMPATIBLE:
        yield
        return
    read = _hazm_word_tokenizer.words_list
    lists: dict[str, list] = {}

    def read_once(words_file: Any) -> list:
        key = str(words_file)
        if key not in lists:
            lists[key] = read(words_file)
        return lists[key]

    _hazm_word_tokenizer.words_list = read_once
    try:
        yield
    finally:
        _hazm_word_tokenizer.words_list = read


def _compiled(patterns: list[tuple[str, str]]) -> list[tuple[re.Pattern[str], str]]:
    return [(re.compile(p), r) for p, r in patterns]


class FastNormalizer(FastSteps, Normalizer):
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
        with _words_read_once():
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
        self._translate = CharMap(maketrans(h.TRANSLATION_SRC, h.TRANSLATION_DST))
        self._numbers = CharMap(maketrans(h.NUMBERS_SRC, h.NUMBERS_DST))

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

    # ------------------------------------------------------------------------------------------ pickling

    def __reduce_ex__(self, protocol: Any) -> Any:
        """A pickled copy (akhbar keeps one in `.cache/`) loads as a `SlimNormalizer`: the same fast steps
        with only what they read, so that loading it neither imports hazm nor builds what is never asked
        (a rebuild after one edit waits for it):

        * no hazm tokenizer: `_tokenize_line` does its work (the fast steps call it only then);
        * words as a set, without their counts and tags: `_decrease_run` and `token_spacing` only ask
          whether a word is in it;
        * no verb, word or join head with a space in it: every string looked up in them is a token,
          a pair of tokens or a run of letters, split at spaces, so none of those could ever be found.
        """
        if not (self._fast and self._inline_tokenizer):
            return super().__reduce_ex__(protocol)
        _ = self._joinable_words, self._join_heads, self._verbs_with_underscore  # from the full lexicons
        spaceless = lambda strings: frozenset(s for s in strings if " " not in s)  # noqa: E731
        state = self.__dict__.copy()
        state.update(
            _tokenizer=None,
            _words=None if self._words is None else spaceless(self._words),
            _verbs=None if self._verbs is None else spaceless(self._verbs),
            _joinable_words=spaceless(self._joinable_words),
            _join_heads=spaceless(self._join_heads),
        )
        return slim_normalizer, (state,)
