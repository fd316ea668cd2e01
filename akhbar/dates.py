"""Front-matter dates (Jalali or Gregorian) → aware datetimes, and their Persian display."""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import jdatetime

from .digits import to_latin_digits, to_persian_digits

MONTHS = ("فروردین", "اردیبهشت", "خرداد", "تیر", "مرداد", "شهریور",
          "مهر", "آبان", "آذر", "دی", "بهمن", "اسفند")

_DATE = re.compile(
    r"(?P<y>\d{4})[-/](?P<m>\d{1,2})[-/](?P<d>\d{1,2})"
    r"(?:[ T](?P<H>\d{1,2}):(?P<M>\d{2})(?::(?P<S>\d{2}))?)?"
    r"\s*(?P<tz>Z|[+-]\d{2}:?\d{2})?"
)


@dataclass(frozen=True)
class ArticleDate:
    """When an article was published; `has_time` is False when the editor gave only a day."""

    value: datetime  # timezone-aware
    has_time: bool

    @property
    def iso(self) -> str:
        return self.value.isoformat()


class DateError(ValueError):
    pass


def parse_date(text: str, tz: ZoneInfo) -> ArticleDate:
    """Parse `1397-11-20`, `1397-11-20 10:30` (Jalali: year below 1700) or ISO Gregorian."""
    raw = to_latin_digits(str(text).strip())
    m = _DATE.fullmatch(raw)
    if not m:
        raise DateError(f"date {text!r} is not a date; write it like 1397-11-20 or 1397-11-20 10:30")
    y, mo, d = int(m["y"]), int(m["m"]), int(m["d"])
    hh, mm, ss = int(m["H"] or 0), int(m["M"] or 0), int(m["S"] or 0)
    if hh > 23 or mm > 59 or ss > 59:
        raise DateError(f"date {text!r} has an impossible time {hh:02}:{mm:02}")
    try:
        if y < 1700:
            day = jdatetime.date(y, mo, d).togregorian()
        else:
            day = datetime(y, mo, d).date()
    except ValueError:
        cal = "Jalali" if y < 1700 else "Gregorian"
        raise DateError(f"date {text!r} does not exist in the {cal} calendar (check the month and day)") from None
    zone = tz if not m["tz"] else _offset(m["tz"])
    value = datetime(day.year, day.month, day.day, hh, mm, ss, tzinfo=zone)
    return ArticleDate(value, has_time=m["H"] is not None)


def _offset(text: str) -> timezone:
    if text == "Z":
        return UTC
    sign = -1 if text[0] == "-" else 1
    digits = text[1:].replace(":", "")
    return timezone(sign * timedelta(hours=int(digits[:2]), minutes=int(digits[2:])))


def jalali(value: datetime) -> jdatetime.datetime:
    return jdatetime.datetime.fromgregorian(datetime=value)


def format_jalali(date: ArticleDate, tz: ZoneInfo) -> str:
    """«۲۰ بهمن ۱۳۹۷، ساعت ۱۰:۳۰», shown in the site's time zone."""
    return jalali_parts(date, tz)[0]


@functools.lru_cache(maxsize=131072)
def jalali_parts(date: ArticleDate, tz: ZoneInfo) -> tuple[str, int, int]:
    """`format_jalali`'s text, and the Jalali year and month (which the archive groups by)."""
    j = jalali(date.value.astimezone(tz))
    text = f"{j.day} {MONTHS[j.month - 1]} {j.year}"
    if date.has_time:
        text += f"، ساعت {j.hour:02}:{j.minute:02}"
    return to_persian_digits(text), j.year, j.month
