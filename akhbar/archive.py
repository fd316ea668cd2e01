"""The Jalali archive: articles grouped by year and month of their date in the site's time zone."""

from __future__ import annotations

from collections import defaultdict

from .dates import MONTHS
from .digits import to_persian_digits
from .model import ArchivePeriod, Article

ARCHIVE = "archive/"


def archive_periods(articles: tuple[Article, ...]) -> list[tuple[ArchivePeriod, tuple[Article, ...]]]:
    """Every year, newest first, each followed by its months, newest first; with the articles of each
    (newest first, as `articles` is). A year's `ArchivePeriod` lists its months."""
    years: dict[int, list[Article]] = defaultdict(list)
    months: dict[tuple[int, int], list[Article]] = defaultdict(list)
    for article in articles:
        years[article.month[0]].append(article)
        months[article.month].append(article)
    result = []
    for year in sorted(years, reverse=True):
        month_periods = [
            (ArchivePeriod(to_persian_digits(f"{MONTHS[m - 1]} {y}"), f"{ARCHIVE}{y}/{m:02}/", len(items)), tuple(items))
            for (y, m), items in sorted(months.items(), reverse=True) if y == year
        ]
        period = ArchivePeriod(to_persian_digits(str(year)), f"{ARCHIVE}{year}/", len(years[year]),
                               tuple(p for p, _ in month_periods))
        result.append((period, tuple(years[year])))
        result.extend(month_periods)
    return result
