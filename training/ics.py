"""A hand-written iCalendar (RFC 5545) file of calendar entries: UTC times, escaped text and
lines folded at 75 octets, CRLF line ends."""

import datetime

from django.utils import timezone

PRODID = "-//Qingmiao//Training calendar//ZH"


def _escape(text: str) -> str:
    return (
        str(text)
        .replace("\\", "\\\\")
        .replace(";", "\\;")
        .replace(",", "\\,")
        .replace("\r\n", "\\n")
        .replace("\n", "\\n")
        .replace("\r", "\\n")
    )


def _utc(value: datetime.datetime) -> str:
    return value.astimezone(datetime.UTC).strftime("%Y%m%dT%H%M%SZ")


def _fold(line: str) -> str:
    """Split a content line into pieces of at most 75 octets without cutting a character."""
    pieces, current, size = [], "", 0
    for char in line:
        width = len(char.encode())
        if size + width > (75 if not pieces else 74):
            pieces.append(current)
            current, size = "", 0
        current += char
        size += width
    pieces.append(current)
    return "\r\n ".join(pieces)


def ics_calendar(entries, *, name: str, base_url: str, host: str) -> str:
    """`entries` are CalendarEntry rows; `base_url` makes their links absolute; `host` makes
    the UIDs globally unique."""
    stamp = _utc(timezone.now())
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        f"PRODID:{PRODID}",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        f"X-WR-CALNAME:{_escape(name)}",
    ]
    for entry in entries:
        lines += [
            "BEGIN:VEVENT",
            f"UID:{entry.uid}@{host}",
            f"DTSTAMP:{stamp}",
            (
                f"DTSTART;VALUE=DATE:{entry.date:%Y%m%d}"
                if entry.all_day
                else f"DTSTART:{_utc(entry.starts_at)}"
            ),
        ]
        if entry.ends_at:
            lines.append(f"DTEND:{_utc(entry.ends_at)}")
        lines.append(f"SUMMARY:{_escape(entry.title)}")
        lines.append(f"CATEGORIES:{_escape(entry.kind)}")
        if entry.place:
            lines.append(f"LOCATION:{_escape(entry.place)}")
        lines += [f"URL:{base_url}{entry.url}", "END:VEVENT"]
    lines.append("END:VCALENDAR")
    return "".join(_fold(line) + "\r\n" for line in lines)
