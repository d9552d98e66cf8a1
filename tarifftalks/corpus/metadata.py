"""Metadata a text shows about itself: outlet, title, publication date, truncation (docs/DESIGN.md
§3, §10).

Dates are parsed by dateparser against a fixed base (`CORPUS_BASE`), never today's date, so the
same text always gives the same row. A date without a year takes the base's year: the corpus is
about 2025, and the reason line says so.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from functools import lru_cache

# The fixed "now" of every relative date: the middle of the year the corpus covers.
CORPUS_BASE = dt.datetime(2025, 7, 1)

MONTHS = (
    "January|February|March|April|May|June|July|August|September|October|November|December|"
    "Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec"
)
WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
_MONTH_DAY = rf"(?:{MONTHS})\.?\s+\d{{1,2}}(?:st|nd|rd|th)?"
# "April 30, 2025", "30 April 2025", "2025-04-30", "2025/04/30", with an optional time after it.
_FULL_DATE = re.compile(
    rf"\b(?:{_MONTH_DAY},?\s+\d{{4}}|\d{{1,2}}\s+(?:{MONTHS})\.?,?\s+\d{{4}}|"
    r"\d{4}[-/.]\d{1,2}[-/.]\d{1,2})\b"
)
# A news-agency dateline: "TOKYO, May 23 (Reuters) -", "(Bloomberg) --", "OSAKA (Kyodo) --".
AGENCIES = {
    "reuters": "Reuters",
    "bloomberg": "Bloomberg",
    "kyodo": "Kyodo",
    "jiji press": "Jiji Press",
    "jiji": "Jiji Press",
    "ap": "AP",
    "afp": "AFP",
    "nikkei": "Nikkei",
    "yonhap": "Yonhap",
    "xinhua": "Xinhua",
}
_AGENCY = re.compile(
    r"(?:^|\n)[^\n]{0,60}?\((" + "|".join(sorted(AGENCIES, key=len, reverse=True)) + r")\)"
    r"\s*(?:--|[-–—:]|\n)",
    re.IGNORECASE,
)
_AGENCY_DATELINE = re.compile(
    rf"^\s*[A-Z][A-Z .,'’-]*?,?\s+({_MONTH_DAY})\s*\((?:" + "|".join(AGENCIES) + r")\)",
    re.IGNORECASE | re.MULTILINE,
)
# Mastheads print some names in capitals that title case would spoil.
KNOWN_OUTLETS = {
    "the asahi shimbun": "The Asahi Shimbun",
    "the japan times": "The Japan Times",
    "the mainichi": "The Mainichi",
    "the yomiuri shimbun": "The Yomiuri Shimbun",
    "nikkei asia": "Nikkei Asia",
    "nhk world-japan": "NHK World-Japan",
    "japan today": "Japan Today",
    "kyodo news": "Kyodo News",
    "the japan news": "The Japan News",
}
_DATE_PREFIX = re.compile(
    r"^\s*(?:published|updated|posted|last updated|first published|date)\s*(?:on|at)?\s*[:|-]?\s*",
    re.IGNORECASE,
)
_TRUNCATION = re.compile(
    r"(?:subscribe|sign in|log in|register)\b[^\n]{0,60}\b(?:continue|read|full)|"
    r"continue reading|read the full (?:article|story)|this article is for subscribers",
    re.IGNORECASE,
)
_SENTENCE_END = tuple(".!?…:;,)”\"’'")


@dataclass(frozen=True)
class Published:
    date: str | None
    basis: str | None  # "stated" | "inferred" | None
    reason: str | None


@dataclass(frozen=True)
class Metadata:
    outlet: str | None
    title: str | None
    published: Published
    truncated: bool


def nonempty_lines(text: str) -> list[str]:
    return [ln.strip() for ln in text.splitlines() if ln.strip()]


def parse_date(expr: str, base: dt.date | None = None) -> dt.date | None:
    """An explicit date expression ("May 30", "April 30, 2025 at 18:46 JST") as a date; a
    missing year is `base`'s (default: CORPUS_BASE's); None when dateparser cannot read it."""
    return _parse_date(expr, base.year if base else CORPUS_BASE.year)


@lru_cache(maxsize=8192)
def _parse_date(expr: str, year: int) -> dt.date | None:
    # Explicit dates resolve the same against any day of a year ("current_period" keeps the
    # base's year), so the cache is keyed by year and stays small.
    import dateparser

    settings = {
        "RELATIVE_BASE": dt.datetime(year, 7, 1),
        "PREFER_DATES_FROM": "current_period",
        "RETURN_AS_TIMEZONE_AWARE": False,
        "PREFER_DAY_OF_MONTH": "first",
    }
    expr = expr.replace("Sept.", "Sep.").replace("Sept ", "Sep ")  # dateparser reads "Sep"
    got = dateparser.parse(expr, ["en"], settings=settings)
    return got.date() if got else None


def is_masthead(line: str) -> bool:
    """A short line in capitals: "THE ASAHI SHIMBUN"."""
    if len(line) > 60 or len(line.split()) > 6 or line.endswith(_SENTENCE_END):
        return False
    return line.isupper() and not any(c.isdigit() for c in line)


def masthead_name(line: str) -> str:
    key = " ".join(line.lower().split())
    if key in KNOWN_OUTLETS:
        return KNOWN_OUTLETS[key]
    small = {"of", "the", "and"}
    out = []
    for i, w in enumerate(line.split()):
        if w.lower() in small:
            out.append(w.lower() if i else w.capitalize())
        else:
            # Short words on a masthead are acronyms (NHK, AP): keep them in capitals.
            out.append(w if len(w) <= 3 else w.capitalize())
    return " ".join(out)


def infer_outlet(text: str) -> tuple[str | None, str | None]:
    """(outlet, evidence): an agency dateline in the opening, else a masthead first line."""
    m = _AGENCY.search(text[:3000])
    if m:
        return AGENCIES[m.group(1).lower()], f"agency dateline {m.group(0).strip()!r}"
    lines = nonempty_lines(text[:2000])
    if lines and is_masthead(lines[0]):
        return masthead_name(lines[0]), f"masthead {lines[0]!r}"
    return None, None


def dateline(line: str) -> dt.date | None:
    """The date of a line that is a date stamp (optionally prefixed "Published"/"Updated")."""
    if len(line) > 80:
        return None
    rest = _DATE_PREFIX.sub("", line)
    m = _FULL_DATE.search(rest)
    if not m or m.start() > 12:
        return None
    # The date part alone: it repeats across documents (cached), the time of day does not.
    return parse_date(m.group(0)) or parse_date(rest)


def stated_date(text: str) -> Published | None:
    """A date the text states as its own: a date-stamp line, or an agency dateline."""
    lines = nonempty_lines(text)
    for line in lines[:8] + lines[-4:]:
        got = dateline(line)
        if got:
            return Published(got.isoformat(), "stated", f"Dateline line {line!r}.")
    m = _AGENCY_DATELINE.search(text[:3000])
    if m:
        got = parse_date(m.group(1))
        if got:
            line = m.group(0).strip()
            return Published(
                got.isoformat(),
                "stated",
                f"Agency dateline {line!r}; year {got.year} taken from the corpus base.",
            )
    return None


_NEXT_WEEK_DATE = re.compile(
    rf"[^.\n]*\b(?:on|from)\s+({_MONTH_DAY})\b[^.\n]*|[^.\n]*\bnext week\b[^.\n]*",
    re.IGNORECASE,
)
_REPORT_DAY = re.compile(
    r"\b(?:said|says|told|reported|announced)\s+(?:\w+\s+){0,2}?on\s+("
    + "|".join(WEEKDAYS)
    + r")\b"
)


def inferred_from_next_week(text: str) -> Published | None:
    """ "… will visit on May 30, next week …, sources said on Friday": the report is from the
    named weekday of the week before the dated event's week."""
    report = _REPORT_DAY.search(text)
    if not report:
        return None
    for sent in re.split(r"(?<=[.!?])\s+", text[:4000]):
        date_m = re.search(rf"\b(?:on|from)\s+({_MONTH_DAY})\b", sent)
        if not date_m:
            continue
        nearby = sent + " " + text[: text.find(sent)][-300:]
        if not re.search(r"\bnext week\b|\bone week after\b|\ba week after\b", nearby):
            continue
        event = parse_date(date_m.group(1))
        if event is None:
            continue
        monday_before = event - dt.timedelta(days=event.weekday() + 7)
        day = monday_before + dt.timedelta(days=WEEKDAYS.index(report.group(1)))
        return Published(
            day.isoformat(),
            "inferred",
            f"Reported {report.group(0)!r} about {date_m.group(1)} 'next week': the "
            f"{report.group(1)} of the week before {event.isoformat()}.",
        )
    return None


def infer_published(text: str) -> Published:
    return (
        stated_date(text)
        or inferred_from_next_week(text)
        or Published(None, None, "No date stated, none inferable from the text.")
    )


def infer_title(text: str) -> str | None:
    """The headline: the first line after masthead and date stamps, if short and unpunctuated."""
    lines = nonempty_lines(text)
    rest = [ln for ln in lines[:6] if not is_masthead(ln) and dateline(ln) is None]
    if len(rest) < 2:
        return None
    first = rest[0]
    words = first.split()
    if not 3 <= len(words) <= 25 or first.endswith(_SENTENCE_END):
        return None
    if first.lower().startswith("by ") or not any(c.islower() for c in first):
        return None
    return first


def infer_truncated(text: str) -> bool:
    """The stored text is cut short: a paywall line, or the text ends mid-sentence in '…'."""
    lines = nonempty_lines(text)
    tail = "\n".join(lines[-3:])
    return bool(_TRUNCATION.search(tail)) or bool(lines and re.search(r"(…|\.\.\.)$", lines[-1]))


def infer_metadata(text: str) -> Metadata:
    outlet, _ = infer_outlet(text)
    return Metadata(
        outlet=outlet,
        title=infer_title(text),
        published=infer_published(text),
        truncated=infer_truncated(text),
    )
