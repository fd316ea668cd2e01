"""Iran's 31 provinces, their capitals and spelling variants, and finding the one a news item names.

Matching runs over `fold`ed text (Arabic ي/ك → Persian, ZWNJ → space, Latin digits; one character
for one character, so match positions are positions in the original). Each pattern lets the spaces
inside a name be present, absent or ZWNJs («سیستان و بلوچستان», «سیستان‌وبلوچستان»,
«سیستان بلوچستان»), and the longest name wins at any position («کرمانشاه» before «کرمان»).
"""

from __future__ import annotations

import re

# Letter forms that fold one-to-one; anything not listed stays as it is.
_FOLD = str.maketrans({
    "ي": "ی", "ى": "ی", "ك": "ک", "ۀ": "ه", "ة": "ه", "أ": "ا", "إ": "ا", "ٱ": "ا",
    "\u200c": " ", "\u200d": " ", "\u00a0": " ", "\u202f": " ", "\t": " ",
    **{d: str(i) for i, d in enumerate("۰۱۲۳۴۵۶۷۸۹")}, **{d: str(i) for i, d in enumerate("٠١٢٣٤٥٦٧٨٩")},
})


def fold(text: str) -> str:
    """Arabic/Persian letter forms, ZWNJ/space and digit forms folded together; same length as `text`."""
    return text.translate(_FOLD)


# (province as written in front matter, its capital, regex variants of the province name, of the capital).
# Variants are regexes over folded text; " " means "spaces, ZWNJs or nothing".
PROVINCES: tuple[tuple[str, str, tuple[str, ...], tuple[str, ...]], ...] = (
    ("آذربایجان شرقی", "تبریز", (r"[آا]ذر با(?:ی|ئی|یی|ئ)جان (?:شرقی|شرق)",), ("تبریز",)),
    ("آذربایجان غربی", "ارومیه", (r"[آا]ذر با(?:ی|ئی|یی|ئ)جان (?:غربی|غرب)",), ("ارومیه",)),
    ("اردبیل", "اردبیل", ("اردبیل",), ()),
    ("اصفهان", "اصفهان", ("اصفهان",), ()),
    ("البرز", "کرج", ("البرز",), ("کرج",)),
    ("ایلام", "ایلام", ("ایلام",), ()),
    ("بوشهر", "بوشهر", ("بوشهر",), ()),
    ("تهران", "تهران", ("تهران",), ()),
    ("چهارمحال و بختیاری", "شهرکرد", (r"چهار محال (?:و )?بختیاری",), ("شهر کرد",)),
    ("خراسان جنوبی", "بیرجند", ("خراسان جنوبی",), ("بیرجند",)),
    ("خراسان رضوی", "مشهد", ("خراسان رضوی",), ("مشهد",)),
    ("خراسان شمالی", "بجنورد", ("خراسان شمالی",), ("بجنورد",)),
    ("خوزستان", "اهواز", ("خوزستان",), ("اهواز",)),
    ("زنجان", "زنجان", ("زنجان",), ()),
    ("سمنان", "سمنان", ("سمنان",), ()),
    ("سیستان و بلوچستان", "زاهدان", (r"سیستان (?:و )?بلوچستان",), ("زاهدان",)),
    ("فارس", "شیراز", ("فارس",), ("شیراز",)),
    ("قزوین", "قزوین", ("قزوین",), ()),
    ("قم", "قم", ("قم",), ()),
    ("کردستان", "سنندج", ("کردستان",), ("سنندج",)),
    ("کرمان", "کرمان", ("کرمان",), ()),
    ("کرمانشاه", "کرمانشاه", ("کرمان شاه",), ()),
    ("کهگیلویه و بویراحمد", "یاسوج", (r"که [گک]یلوی?ه (?:و )?بویر احمد",), ("یاسوج",)),
    ("گلستان", "گرگان", ("گلستان",), ("گرگان",)),
    ("گیلان", "رشت", ("گیلان",), ("رشت",)),
    ("لرستان", "خرم‌آباد", ("لرستان",), (r"خرم [آا]باد",)),
    ("مازندران", "ساری", ("مازندران",), ("ساری",)),
    ("مرکزی", "اراک", ("مرکزی",), ("اراک",)),
    ("هرمزگان", "بندرعباس", ("هرمزگان",), ("بندر عباس",)),
    ("همدان", "همدان", ("همدان",), ()),
    ("یزد", "یزد", ("یزد",), ()),
)


def _alternation(variants: dict[str, str]) -> re.Pattern[str]:
    """One regex over all variants, longest first, each a named group whose name indexes `PROVINCES`."""
    parts = []
    for pattern, name in sorted(variants.items(), key=lambda kv: -len(kv[0])):
        # " " inside a name: spaces, ZWNJs (folded to spaces) or nothing.
        parts.append(f"(?P<p{len(parts)}>{pattern.replace(' ', ' *')})")
        _NAMES.append(name)
    return re.compile("|".join(parts))


_NAMES: list[str] = []
_PROVINCE_VARIANTS = {v: name for name, _, variants, _ in PROVINCES for v in variants}
_ALL_VARIANTS = {**_PROVINCE_VARIANTS, **{v: name for name, _, _, caps in PROVINCES for v in caps}}
_PROVINCE_RX = _alternation(_PROVINCE_VARIANTS)
_OFFSET = len(_NAMES)
_ANY_RX = _alternation(_ALL_VARIANTS)

# «استان X» (also «استان‌های»: no match, since «های» is no province) and an exact «(X)».
_AFTER_OSTAN = re.compile(rf"(?<!\w)استان +(?:{_PROVINCE_RX.pattern})(?!\w)")
_IN_PARENS = re.compile(rf"\( *(?:{_ANY_RX.pattern}) *\)")


def _name(m: re.Match[str], offset: int) -> str:
    group = next(g for g, v in m.groupdict().items() if v is not None)
    return _NAMES[offset + int(group[1:])]


def find_province(*texts: str) -> str | None:
    """The province the first of `texts` to name one names, by «(X)» or «استان X»; None if none does.

    Within one text the earliest mention wins; «(X)» may be a capital (تبریز → آذربایجان شرقی).
    """
    for text in texts:
        folded = fold(text)
        found = [(m.start(), _name(m, 0)) for m in _AFTER_OSTAN.finditer(folded)]
        found += [(m.start(), _name(m, _OFFSET)) for m in _IN_PARENS.finditer(folded)]
        if found:
            return min(found)[1]
    return None
