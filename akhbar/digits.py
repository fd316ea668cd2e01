"""Digit conversion between Latin, Persian (U+06F0–06F9) and Arabic-Indic (U+0660–0669) forms."""

LATIN = "0123456789"
PERSIAN = "۰۱۲۳۴۵۶۷۸۹"
ARABIC = "٠١٢٣٤٥٦٧٨٩"

_TO_PERSIAN = str.maketrans(LATIN + ARABIC, PERSIAN * 2)
_TO_LATIN = str.maketrans(PERSIAN + ARABIC, LATIN * 2)


def to_persian_digits(text: object) -> str:
    return str(text).translate(_TO_PERSIAN)


def to_latin_digits(text: object) -> str:
    return str(text).translate(_TO_LATIN)
