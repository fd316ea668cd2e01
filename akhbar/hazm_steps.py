"""The steps of `hazm_fast.FastNormalizer`, in a module that does not import hazm.

`FastNormalizer` (akhbar/hazm_fast.py, which explains the steps) builds its patterns and lexicons from
hazm once; akhbar keeps the result in `.cache/`. Loading that copy must not import hazm: importing hazm
imports NLTK and takes longer than everything else a rebuild after one edit does. So the steps live
here, and the copy loaded is a `SlimNormalizer`, these steps and the data they read, nothing of hazm.
"""

from __future__ import annotations

import re
from functools import cached_property
from typing import Any

_ZWNJ = "\u200c"


class CharMap:
    """`text.translate(table)` that touches only the characters actually present.

    hazm's table maps ordinals to one-character strings; translating through it costs a dict lookup
    per character of the text. Here a search finds the first mapped character, `str.replace` swaps
    all of its occurrences, and the search resumes from there. Replacing one character at a time is
    the same as translating all at once because no target is itself a source (checked; otherwise
    this falls back to `translate`).
    """

    def __init__(self, table: dict[int, str]) -> None:
        self.table = table  # hazm's own table (hazm.utils.maketrans): for duplicated sources the last one wins
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


class FastSteps:
    """hazm 0.12.1's normalizing steps, fast (see hazm_fast.py). Mixed into `FastNormalizer` before hazm's
    `Normalizer`, whose methods the `super()` calls below reach when the fast path does not apply."""

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
        hazm replaces each match by a function of the match alone (`_decrease_run`). So that function
        applied to each such run, spliced back, gives the same text, without the backtracking scan of
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
            pieces.append(self._decrease_run(text[start:end]))
            done = end
            thrice = self._letter_thrice(text, end)
        pieces.append(text[done:])
        return "".join(pieces)

    def _decrease_run(self, run: str) -> str:
        """hazm's `decrease_repeated_chars` on one maximal run of letters with a letter thrice in a row,
        which its pattern matches whole: the run as it is if it is a word, else the spelling with the
        letters cut to one if only that is a word, else the spelling cut to two."""
        words = self._words
        if not words or run in words:
            return run
        no_repeat = self.more_than_two_repeat_pattern.sub(r"\1", run)
        two_repeat = self.more_than_two_repeat_pattern.sub(r"\1\1", run)
        if (no_repeat in words) != (two_repeat in words):
            return no_repeat if no_repeat in words else two_repeat
        return two_repeat

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
            if inline or tokenizer:  # a copy loaded from a pickle has no tokenizer, only `_tokenize_line`
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


class SlimNormalizer(FastSteps):
    """What a pickled `FastNormalizer` loads as: the fast steps and only what they read.

    See `FastNormalizer.__reduce_ex__` for what is left out. An odd input (not exactly a `str`) goes to
    a `FastNormalizer` built on demand, which runs hazm's own code for it, as `FastNormalizer` does.
    """

    _fast = True

    def normalize(self, text: str) -> str:
        if type(text) is not str:
            return self._full_normalizer().normalize(text)
        return super().normalize(text)

    def _full_normalizer(self) -> Any:
        if self.__dict__.get("_full") is None:
            from .hazm_fast import FastNormalizer

            self._full = FastNormalizer(
                correct_spacing=self._correct_spacing,
                remove_diacritics=self._remove_diacritics,
                remove_specials_chars=self._remove_specials_chars,
                decrease_repeated_chars=self._decrease_repeated_chars,
                persian_style=self._persian_style,
                persian_numbers=self._persian_number,
                unicodes_replacement=self._unicodes_replacement,
                seperate_mi=self._seperate_mi,
            )
        return self._full

    def __getstate__(self) -> dict:
        state = self.__dict__.copy()
        state.pop("_full", None)
        return state


def slim_normalizer(state: dict) -> SlimNormalizer:
    """Unpickles a `SlimNormalizer` from the state `FastNormalizer.__reduce_ex__` gives."""
    normalizer = SlimNormalizer.__new__(SlimNormalizer)
    normalizer.__dict__.update(state)
    return normalizer
