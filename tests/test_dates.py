"""Front-matter dates: Jalali or Gregorian → aware datetimes; the Persian display «۲۰ بهمن ۱۳۹۷، ساعت ۱۰:۳۰»."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import jdatetime
import pytest

from akhbar.dates import MONTHS, ArticleDate, DateError, format_jalali, parse_date

TEHRAN = ZoneInfo("Asia/Tehran")
UTC = UTC


def parsed(text: str, tz: ZoneInfo = TEHRAN) -> ArticleDate:
    return parse_date(text, tz)


# ----------------------------------------------------------------------------- parsing


def test_jalali_date_and_time_is_tehran_time():
    d = parsed("1397-11-20 10:30")
    assert d.has_time
    assert d.value == datetime(2019, 2, 9, 7, 0, tzinfo=UTC)  # Tehran was UTC+03:30 in winter
    assert d.iso == "2019-02-09T10:30:00+03:30"


def test_jalali_date_without_time_is_midnight_and_says_so():
    d = parsed("1397-11-20")
    assert not d.has_time
    assert d.value.date().isoformat() == "2019-02-09"
    assert (d.value.hour, d.value.minute) == (0, 0)
    assert d.value.utcoffset() == timedelta(hours=3, minutes=30)


@pytest.mark.parametrize("text", [
    "1397-11-20 10:30", "1397/11/20 10:30", "۱۳۹۷-۱۱-۲۰ ۱۰:۳۰", "١٣٩٧-١١-٢٠ ١٠:٣٠", "  1397-11-20 10:30 ",
    "1397-11-20T10:30", "1397-11-20 10:30:00",
])
def test_jalali_spellings_agree(text):
    assert parsed(text).value == datetime(2019, 2, 9, 7, 0, tzinfo=UTC)


def test_gregorian_iso_is_tehran_time_unless_an_offset_is_given():
    assert parsed("2019-02-09T10:30").value == datetime(2019, 2, 9, 7, 0, tzinfo=UTC)
    assert parsed("2019-02-09T10:30").iso == "2019-02-09T10:30:00+03:30"
    assert parsed("2019-02-09 10:30").value == datetime(2019, 2, 9, 7, 0, tzinfo=UTC)
    assert parsed("2019-02-09T10:30+04:30").value == datetime(2019, 2, 9, 6, 0, tzinfo=UTC)
    assert parsed("2019-02-09T10:30:15Z").value == datetime(2019, 2, 9, 10, 30, 15, tzinfo=UTC)
    assert parsed("2019-02-09T10:30-0500").value == datetime(2019, 2, 9, 15, 30, tzinfo=UTC)
    assert parsed("2019-02-09T10:30+04:30").iso == "2019-02-09T10:30:00+04:30"


def test_an_offset_applies_to_jalali_dates_too():
    assert parsed("1397-11-20 10:30+00:00").value == datetime(2019, 2, 9, 10, 30, tzinfo=UTC)


def test_year_below_1700_is_jalali_and_1700_or_more_is_gregorian():
    assert parsed("1699-01-01").value.year == 2320  # Jalali 1699 is far in the Gregorian future
    assert parsed("1700-01-01").value.date().isoformat() == "1700-01-01"


def test_tehran_summer_time_of_past_years_is_applied():
    # Iran observed daylight saving time until 2022: +04:30 in summer 1395, +03:30 from 1402 on.
    assert parsed("1395-03-18 09:15").iso == "2016-06-07T09:15:00+04:30"
    assert parsed("1402-03-27 11:20").iso == "2023-06-17T11:20:00+03:30"


def test_another_site_time_zone_is_honoured():
    kabul = ZoneInfo("Asia/Kabul")
    assert parse_date("1397-11-20 10:30", kabul).iso == "2019-02-09T10:30:00+04:30"


@pytest.mark.parametrize("text", [
    "1399-12-30",  # 1399 is a leap year: 30 Esfand exists
    "1403-12-30",
    "1396-06-31",  # the first six months have 31 days
    "1397-07-30",
    "2020-02-29",
    "1397-11-20 23:59:59",
])
def test_real_edge_dates_are_accepted(text):
    parsed(text)


@pytest.mark.parametrize(("text", "why"), [
    ("1397-13-01", "exist"),
    ("1397-00-10", "exist"),
    ("1397-11-32", "exist"),
    ("1397-11-00", "exist"),
    ("1397-12-30", "exist"),  # 1397 is not a leap year
    ("1398-12-30", "exist"),
    ("1397-07-31", "exist"),  # months 7–11 have 30 days
    ("2019-02-29", "exist"),
    ("2019-13-01", "exist"),
    ("1397-11-20 24:00", "time"),
    ("1397-11-20 10:60", "time"),
    ("1397-11-20 10:30:61", "time"),
])
def test_impossible_dates_are_errors(text, why):
    with pytest.raises(DateError) as info:
        parsed(text)
    assert why in str(info.value)
    assert text in str(info.value)  # the editor sees what they wrote


@pytest.mark.parametrize("text", [
    "", "yesterday", "دیروز", "1397-11", "20-11-1397", "13971120", "1397-11-20 10", "1397-11-20 ساعت 10:30",
    "97-11-20", "1397-11-20 10:30 +3", "None",
])
def test_malformed_dates_are_errors_that_show_the_expected_form(text):
    with pytest.raises(DateError) as info:
        parsed(text)
    assert "1397-11-20" in str(info.value)


def test_date_error_is_a_value_error():
    assert issubclass(DateError, ValueError)


# ----------------------------------------------------------------------------- display


def test_display_of_the_requirement_example():
    assert format_jalali(parsed("1397-11-20 10:30"), TEHRAN) == "۲۰ بهمن ۱۳۹۷، ساعت ۱۰:۳۰"


def test_display_without_time_shows_only_the_day():
    assert format_jalali(parsed("1397-11-20"), TEHRAN) == "۲۰ بهمن ۱۳۹۷"


def test_display_of_a_gregorian_date():
    assert format_jalali(parsed("2021-03-09T10:30"), TEHRAN) == "۱۹ اسفند ۱۳۹۹، ساعت ۱۰:۳۰"


def test_display_is_in_the_site_time_zone_even_across_midnight():
    # 22:00 UTC on 8 February 2019 is 01:30 on 9 February (20 Bahman) in Tehran
    assert format_jalali(parsed("2019-02-08T22:00Z"), TEHRAN) == "۲۰ بهمن ۱۳۹۷، ساعت ۰۱:۳۰"


def test_display_pads_hours_and_uses_only_persian_digits():
    text = format_jalali(parsed("1395-11-06 07:40"), TEHRAN)
    assert text == "۶ بهمن ۱۳۹۵، ساعت ۰۷:۴۰"
    assert not any(c.isascii() and c.isdigit() for c in text)


@pytest.mark.parametrize("month", range(1, 13))
def test_every_month_has_its_persian_name(month):
    text = format_jalali(parsed(f"1400-{month:02}-01"), TEHRAN)
    assert text == f"۱ {MONTHS[month - 1]} ۱۴۰۰"


def test_month_names():
    assert MONTHS == ("فروردین", "اردیبهشت", "خرداد", "تیر", "مرداد", "شهریور",
                      "مهر", "آبان", "آذر", "دی", "بهمن", "اسفند")


@pytest.mark.parametrize("text", ["1370-01-01", "1399-12-30", "1403-01-01 00:00", "1402-06-31 23:59"])
def test_jalali_round_trip(text):
    d = parsed(text)
    j = jdatetime.datetime.fromgregorian(datetime=d.value.astimezone(TEHRAN))
    assert j.strftime("%Y-%m-%d %H:%M").startswith(text if " " in text else text + " 00:00")
