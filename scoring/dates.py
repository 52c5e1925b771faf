"""Calendar periods of the points rules (caps) and of the pages (standings, trend, presets)."""

import datetime

from scoring.choices import CapPeriod


def period_bounds(period: str, day: datetime.date) -> tuple[datetime.date, datetime.date]:
    """First and last day of the month / quarter / year containing `day`."""
    if period == CapPeriod.MONTH:
        start = day.replace(day=1)
        months = 1
    elif period == CapPeriod.QUARTER:
        start = day.replace(month=(day.month - 1) // 3 * 3 + 1, day=1)
        months = 3
    elif period == CapPeriod.YEAR:
        return day.replace(month=1, day=1), day.replace(month=12, day=31)
    else:
        raise ValueError(period)
    month_after = start.month - 1 + months
    end = start.replace(year=start.year + month_after // 12, month=month_after % 12 + 1)
    return start, end - datetime.timedelta(days=1)
