"""Regenerate `wordfreq-fa.tsv` from the `wordfreq` package's Persian list (not run by the build).

    python -m venv /tmp/wf && /tmp/wf/bin/pip install wordfreq==3.1.1
    /tmp/wf/bin/python akhbar/data/derive_wordfreq.py > akhbar/data/wordfreq-fa.tsv

Keeps only Persian words (letters and inner ZWNJs), folds Arabic ي/ك/ى and ۀ to the Persian
letters the normalizer produces (summing the frequencies of forms that fold together), and writes
one `word<TAB>zipf` line per word, most frequent first. The data is CC BY-SA 4.0 (see README.md).
"""

from __future__ import annotations

import math
import re
from collections import defaultdict

from wordfreq import get_frequency_dict  # type: ignore[import-not-found]

_FOLD = str.maketrans({"ي": "ی", "ى": "ی", "ك": "ک", "ۀ": "ه", "ة": "ه"})
_PERSIAN_WORD = re.compile("[آ-ی]+(?:\u200c[آ-ی]+)*")


def main() -> None:
    freq: dict[str, float] = defaultdict(float)
    for word, f in get_frequency_dict("fa", "small").items():
        word = word.translate(_FOLD).strip("\u200c")
        if _PERSIAN_WORD.fullmatch(word) and "ـ" not in word:
            freq[word] += f
    print("# Persian word frequencies derived from wordfreq 3.1.1 (fa, small); CC BY-SA 4.0.")
    print("# word<TAB>Zipf (log10 of occurrences per billion words). See README.md.")
    for word, f in sorted(freq.items(), key=lambda kv: (-kv[1], kv[0])):
        print(f"{word}\t{math.log10(f) + 9:.2f}")


if __name__ == "__main__":
    main()
