"""Slugs and URL paths for terms and articles."""

from __future__ import annotations

import functools
import re
from urllib.parse import quote

from .digits import to_latin_digits

_VARIANTS = str.maketrans({"ي": "ی", "ى": "ی", "ك": "ک", "ة": "ه", "\u200c": " ", "\u200d": "", "ـ": ""})
_SEPARATORS = re.compile(r"[\s\-_/\\.,،؛;:!?؟«»\"'()\[\]{}#%&+<>|*^~`=@$]+")


@functools.lru_cache(maxsize=65536)
def term_slug(name: str) -> str:
    """One stable slug per tag: Arabic/Persian letter forms, space/ZWNJ and digit forms fold together.

    «مسكن ملي», «مسکن ملی» and «مسکن‌ملی» all give «مسکن-ملی»; «سال ۱۴۰۰» gives «سال-1400».
    """
    folded = to_latin_digits(name.translate(_VARIANTS)).lower()
    return _SEPARATORS.sub("-", folded).strip("-") or "-"


@functools.lru_cache(maxsize=262144)
def url_path(*segments: str) -> str:
    """A site-relative directory URL from raw segments, percent-encoded: ("tags", "مسکن") → "tags/%D9…/"."""
    return "".join(quote(s, safe="") + "/" for s in segments)
