"""Text rules shared by every module: how names are compared, how dates are read, and
one fast JSON encoding.

Standard library only.
"""

from __future__ import annotations

import datetime as dt
import json
import re

from vault.errors import InvalidInput


def fold(text: str | None) -> str:
    """The form names are compared in: lower case, runs of white space as one space, trimmed.
    Titles, types and references all match each other this way."""
    return " ".join((text or "").lower().split())


# --- dates ---------------------------------------------------------------------------------------

_ISO_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")
# A date at the start of a metadata value: 2026-02-14, 2026/2/14, 2026.02.14, 2026-02-14T10:00.
_DATE_PREFIX = re.compile(r"^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?:$|[T ])")
# A leading YYYY-MM-DD in a file name.
_FILENAME_DATE = re.compile(r"^(\d{4}-\d{2}-\d{2})")


def iso_day(text: str) -> str | None:
    """`text` when it is a real YYYY-MM-DD date, else None."""
    if not _ISO_DAY.match(text):
        return None
    try:
        return dt.date.fromisoformat(text).isoformat()
    except ValueError:
        return None


# "3 days ago", "1 day ago".
_DAYS_AGO = re.compile(r"^(\d{1,6})\s+days?\s+ago$", re.I)
# How a day may be typed: every error about a typed day says so in these words.
DAY_FORMS = "YYYY-MM-DD, today, yesterday or N days ago"


def user_day(text: str, today: dt.date | None = None) -> str | None:
    """The day a user typed, as YYYY-MM-DD: a real YYYY-MM-DD date, "today", "yesterday" or
    "N days ago" (any case, spaces around ignored); None for anything else. The one reader
    of typed days: every day option (vault.options) takes these forms."""
    text = " ".join(text.split())
    day = iso_day(text)
    if day is not None:
        return day
    today = today or dt.date.today()
    word = text.lower()
    if word in ("today", "yesterday"):
        return (today - dt.timedelta(days=word == "yesterday")).isoformat()
    m = _DAYS_AGO.match(text)
    if m:
        try:
            return (today - dt.timedelta(days=int(m.group(1)))).isoformat()
        except OverflowError:
            return None
    return None


def bad_day(what: str, text: str) -> str:
    """The error for a day that `user_day` cannot read, naming the option as `what`."""
    return f"bad {what} {text.strip()!r}: use {DAY_FORMS} (e.g. 2026-02-14)"


def parse_user_date(text: str, what: str = "date") -> str:
    """A day typed by a user (see user_day); InvalidInput saying how to write it otherwise."""
    day = user_day(text)
    if day is None:
        raise InvalidInput(bad_day(what, text))
    return day


def filename_date(stem: str) -> str | None:
    """The real date a file name starts with (2026-02-14-x), else None."""
    m = _FILENAME_DATE.match(stem)
    return iso_day(m.group(1)) if m else None


def metadata_date(value: object) -> tuple[str | None, str]:
    """(ISO date, problem) of a metadata value: a date or datetime, text starting with a
    year-month-day, or epoch seconds or milliseconds (Dendron writes those)."""
    if value is None or value == "":
        return None, ""
    if isinstance(value, dt.datetime):
        return value.date().isoformat(), ""
    if isinstance(value, dt.date):
        return value.isoformat(), ""
    if isinstance(value, int | float) and not isinstance(value, bool):
        seconds = value / 1000 if value > 1e11 else value
        try:
            return dt.datetime.fromtimestamp(seconds, dt.UTC).date().isoformat(), ""
        except (OverflowError, OSError, ValueError):
            return None, f"unrecognised date {value!r}"
    text = str(value).strip()
    m = _DATE_PREFIX.match(text)
    if m:
        try:
            return dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3))).isoformat(), ""
        except ValueError:
            pass
    if text.isdigit():
        return metadata_date(int(text))
    return None, f"unrecognised date {text!r}"


def day_start(iso: str) -> dt.datetime:
    """Midnight at the start of an ISO day (what the search index stores dates as)."""
    return dt.datetime.fromisoformat(iso)


def _compact_encoder():
    """json's C encoder, made once: `"".join(enc(value, 0))` is json.dumps(value,
    ensure_ascii=False) without the Python-level set-up json.dumps pays on every call."""
    try:
        from _json import make_encoder
    except ImportError:  # a Python without the C accelerator
        return None
    return make_encoder(
        None, None, json.encoder.encode_basestring, None, ": ", ", ", False, False, True
    )


_ENCODER = _compact_encoder()


def compact_json(value: object) -> str:
    """`json.dumps(value, ensure_ascii=False)`, the same to the byte, several times faster
    for small values (one line of a graph export)."""
    if _ENCODER is None:
        return json.dumps(value, ensure_ascii=False)
    return "".join(_ENCODER(value, 0))


# --- names that are not UTF-8, in SQLite ---------------------------------------------------------
# A file name that is not UTF-8 reaches Python as a str holding lone surrogates
# (surrogateescape), which SQLite's UTF-8 text cannot hold: such a value is stored as its
# bytes and read back as the same str. Every other value is stored as it is.


def storable(value):
    """`value` as SQLite can store it (a str that cannot be UTF-8: its bytes)."""
    if value.__class__ is str:
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            return value.encode("utf-8", "surrogateescape")
    return value


def unstored(value):
    """What `storable` stored, as it was."""
    return value.decode("utf-8", "surrogateescape") if value.__class__ is bytes else value
