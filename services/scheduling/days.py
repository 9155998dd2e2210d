"""The days visits may fall on: working days (Monday to Friday, not a South African public
holiday, observed days included) and the weeks a month owns."""

from __future__ import annotations

import datetime as dt
from functools import cache

import holidays as public_holidays

__all__ = ["day_off", "holiday_name", "month_weeks", "working_days"]


@cache
def _holidays(year: int) -> public_holidays.HolidayBase:
    return public_holidays.country_holidays("ZA", years=year)


def holiday_name(day: dt.date) -> str | None:
    """The public holiday on `day` (observed days included), if any."""
    name = _holidays(day.year).get(day)
    return str(name) if name else None


def day_off(day: dt.date) -> str | None:
    """Why no visit can be on `day` (a weekend, a public holiday), or None."""
    if day.weekday() >= 5:
        return f"{day.isoformat()} is a {day:%A}: visits are on working days only"
    if (holiday := holiday_name(day)) is not None:
        return f"{day.isoformat()} is {holiday}, a public holiday"
    return None


def working_days(year: int, month: int) -> list[dt.date]:
    day = dt.date(year, month, 1)
    days = []
    while day.month == month:
        if day.weekday() < 5 and holiday_name(day) is None:
            days.append(day)
        day += dt.timedelta(days=1)
    return days


def month_weeks(year: int, month: int) -> dict[dt.date, list[dt.date]]:
    """The weeks this month owns (those whose Thursday is in it): Monday -> the month's
    working days in that week (possibly none, when holidays take them all)."""
    days = working_days(year, month)
    first = dt.date(year, month, 1)
    monday = first - dt.timedelta(days=first.weekday())
    weeks: dict[dt.date, list[dt.date]] = {}
    while True:
        thursday = monday + dt.timedelta(days=3)
        if (thursday.year, thursday.month) > (year, month):
            return weeks
        if (thursday.year, thursday.month) == (year, month):
            sunday = monday + dt.timedelta(days=6)
            weeks[monday] = [d for d in days if monday <= d <= sunday]
        monday += dt.timedelta(days=7)
