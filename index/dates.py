"""Dates from whatever a document's metadata holds, as naive datetimes for Whoosh.

The `date` field is a real DATETIME field, so `date:2024` and date ranges work;
a value we cannot read is treated as unknown (the document still indexes).
"""

from __future__ import annotations

import re
from datetime import date, datetime

_YEAR_ONLY = re.compile(r"^\d{4}$")
_YEAR_MONTH = re.compile(r"^\d{4}-\d{2}$")


def parse_date(value: object) -> datetime | None:
    """ISO 8601 strings, datetimes, dates, 'YYYY' and 'YYYY-MM'; anything else -> None."""
    if isinstance(value, datetime):
        return value.replace(tzinfo=None) if value.tzinfo is None else _wall_clock(value)
    if isinstance(value, date):
        return datetime(value.year, value.month, value.day)
    if not isinstance(value, str) or not value.strip():
        return None
    text = value.strip()
    if _YEAR_ONLY.match(text):
        text += "-01-01"
    elif _YEAR_MONTH.match(text):
        text += "-01"
    try:
        parsed = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return _rfc2822(text)
    return parsed if parsed.tzinfo is None else _wall_clock(parsed)


def _wall_clock(value: datetime) -> datetime:
    """Keep the local wall-clock time the author wrote: it is what people search by."""
    return value.replace(tzinfo=None)


def _rfc2822(text: str) -> datetime | None:
    """Mail-style dates ('Tue, 5 Mar 2024 08:00:00 +0000')."""
    from email.utils import parsedate_to_datetime

    try:
        parsed = parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        return None
    return None if parsed is None else parsed.replace(tzinfo=None)
