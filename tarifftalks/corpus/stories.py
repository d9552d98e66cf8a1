"""Story grouping: which real-world occasion (a negotiation round, a visit, an agreement) an
article reports, from what the article says — never from file names or manifest hints.

Word overlap cannot do it (on the seeds, 001–004 overlap more than 003–004, yet 003 and 004
report the same round). What decides is the central event of the article's lead (its headline
and first sentences): its date, resolved against the publication date, and the ordinal of the
round ("a fourth round of talks"). Places and participants named in the lead are weaker evidence.

Scores against a story (the union of its members' profiles):
  same round ordinal +3, a different one -4;
  event dates within a day of the story's +3, two days apart 0, three or more -3;
  +1 when the leads share two or more distinctive names (places, people, institutions).
An article joins the best story scoring at least 3; otherwise it opens a new one. A
near-duplicate always joins its original's story. Every decision carries its evidence.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from .metadata import _MONTH_DAY, AGENCIES, WEEKDAYS, infer_title, parse_date
from .similarity import prose_lines, split_sentences

JOIN_SCORE = 3
ORDINALS = {
    "first": 1,
    "initial": 1,
    "opening": 1,
    "second": 2,
    "third": 3,
    "fourth": 4,
    "fifth": 5,
    "sixth": 6,
    "seventh": 7,
    "eighth": 8,
    "ninth": 9,
    "tenth": 10,
    "1st": 1,
    "2nd": 2,
    "3rd": 3,
    "4th": 4,
    "5th": 5,
    "6th": 6,
    "7th": 7,
    "8th": 8,
    "9th": 9,
    "10th": 10,
}
ORDINAL_WORDS = {v: k for k, v in reversed(list(ORDINALS.items())) if k.isalpha()}
_ROUND = re.compile(
    r"\b(" + "|".join(ORDINALS) + r")\s+(?:round|session|meeting|visit|trip)\b", re.IGNORECASE
)
_RANGE = re.compile(
    rf"\b({_MONTH_DAY})\s*(?:-|–|—|to|through|until|and)\s*((?:{_MONTH_DAY})|\d{{1,2}}\b)",
    re.IGNORECASE,
)
_DATE = re.compile(rf"\b({_MONTH_DAY})\b(?:,?\s+(\d{{4}}))?", re.IGNORECASE)
_WEEKDAY = re.compile(r"\b(?:on|last|this|next)\s+(" + "|".join(WEEKDAYS) + r")\b")
_REPORT_WEEKDAY = re.compile(
    r"\b(?:said|says|told|reported|announced|confirmed)\s+(?:\w+\s+){0,2}?on\s+("
    + "|".join(WEEKDAYS)
    + r")\b"
)
_RELATIVE_DAY = re.compile(r"\b(today|yesterday|tomorrow)\b", re.IGNORECASE)
_FUTURE = re.compile(
    r"\b(?:will|is set to|are set to|plans? to|planning to|scheduled|expected|upcoming|"
    r"to visit|to travel|to meet|to hold|intends? to|aims? to)\b",
    re.IGNORECASE,
)
_DATELINE_PREFIX = re.compile(
    rf"^[A-Z][A-Z .,'’-]*?(?:,?\s+{_MONTH_DAY}(?:,?\s+\d{{4}})?)?\s*\((?:"
    + "|".join(AGENCIES)
    + r")\)\s*(?:--|[-–—:])?\s*",
    re.IGNORECASE,
)
_NAME = re.compile(r"\b[A-Z][a-z]+(?:\s+(?:of\s+)?[A-Z][a-z]+)*\b")
# Names in nearly every article of this corpus: they say nothing about the occasion.
UBIQUITOUS = frozenset(
    """Japan Japanese Tokyo United States America American Trump Donald Trump President
    President Donald Trump U.S. US The A An In On At As But While With During After Before
    Ahead However Despite According This That It He She They We Minister Prime Minister
    Secretary Washington Akazawa Ryosei Akazawa""".split()
) | {"Donald Trump", "United States", "Prime Minister", "Ryosei Akazawa", "President Trump"}
_NOT_NAMES = frozenset(WEEKDAYS) | frozenset(
    "January February March April May June July August September October November December".split()
)
LEAD_SENTENCES = 2


@dataclass(frozen=True)
class Profile:
    """What an article's lead says about its central event."""

    round: int | None
    dates: tuple[tuple[dt.date, dt.date], ...]  # (first day, last day) of the central event
    names: frozenset[str]
    evidence: tuple[str, ...]


def lead_sentences(text: str, n: int = LEAD_SENTENCES, title: str | None = "") -> list[str]:
    """The headline (if any; "" = infer it) and the first `n` prose sentences, agency
    datelines stripped."""
    out: list[str] = []
    if title == "":
        title = infer_title(text)
    if title:
        out.append(title)
    body: list[str] = []
    for line in prose_lines(text):
        if line == title:
            continue
        for sent in split_sentences(line):
            sent = _DATELINE_PREFIX.sub("", sent.strip())
            if len(sent.split()) >= 5:
                body.append(sent)
        if len(body) >= n:
            break
    return out + body[:n]


def _weekday_date(name: str, base: dt.date, future: bool) -> dt.date:
    delta = (WEEKDAYS.index(name) - base.weekday()) % 7
    if future:
        return base + dt.timedelta(days=delta)
    return base - dt.timedelta(days=(7 - delta) % 7)


@dataclass(frozen=True)
class DateMention:
    at: int  # position in the sentence
    first: dt.date
    last: dt.date
    expr: str
    report: bool  # "said on Friday": the day of the report, not of the event


def sentence_dates(sent: str, published: dt.date | None) -> list[DateMention]:
    """Dates a sentence states or implies, resolved against the publication date, in order."""
    found: list[DateMention] = []
    taken: list[tuple[int, int]] = []
    for m in _RANGE.finditer(sent):
        first = parse_date(m.group(1), published)
        end_expr = m.group(2)
        if end_expr.isdigit():
            end_expr = re.sub(r"\d+.*$", end_expr, m.group(1).strip())
        last = parse_date(end_expr, published)
        if first and last and first <= last <= first + dt.timedelta(days=14):
            found.append(DateMention(m.start(), first, last, m.group(0), False))
            taken.append(m.span())
    for m in _DATE.finditer(sent):
        if any(s <= m.start() < e for s, e in taken):
            continue
        got = parse_date(m.group(0), published)
        if got:
            found.append(DateMention(m.start(), got, got, m.group(0), False))
    if published is not None:
        reporting = {m.start(1) for m in _REPORT_WEEKDAY.finditer(sent)}
        for m in _WEEKDAY.finditer(sent):
            # Tense from the clause before the weekday: "is set to meet on Friday".
            before = sent[max(0, m.start() - 80) : m.start()]
            fut = bool(_FUTURE.search(before)) or m.group(0).startswith("next")
            day = _weekday_date(m.group(1), published, fut)
            expr = f"{m.group(0)} (from {published.isoformat()})"
            found.append(DateMention(m.start(), day, day, expr, m.start(1) in reporting))
        for m in _RELATIVE_DAY.finditer(sent):
            shift = {"today": 0, "yesterday": -1, "tomorrow": 1}[m.group(1).lower()]
            day = published + dt.timedelta(days=shift)
            expr = f"{m.group(0)} (from {published.isoformat()})"
            found.append(DateMention(m.start(), day, day, expr, False))
    return sorted(found, key=lambda d: d.at)


def central_date(lead: list[str], published: dt.date | None) -> DateMention | None:
    """The first date of the first lead sentence that dates an event; the day of a report
    ("said on Friday") only when nothing else in the lead is dated."""
    fallback = None
    for sent in lead:
        got = sentence_dates(sent, published)
        events = [d for d in got if not d.report]
        if events:
            return events[0]
        if got and fallback is None:
            fallback = got[0]
    return fallback


def names_in(sentences: Iterable[str]) -> frozenset[str]:
    out = set()
    for sent in sentences:
        for m in _NAME.finditer(sent):
            if m.start() == 0 and " " not in m.group(0):
                continue  # a capitalised first word is no evidence of a name
            name = m.group(0)
            parts = [p for p in name.split() if p not in _NOT_NAMES]
            name = " ".join(parts)
            if name and name not in UBIQUITOUS and not all(p in UBIQUITOUS for p in parts):
                out.add(name)
                if len(parts) > 1:  # "Scott Bessent" also matches a later "Bessent"
                    out.add(parts[-1])
    return frozenset(n for n in out if n not in UBIQUITOUS)


def profile(text: str, published: str | None, title: str | None = "") -> Profile:
    """The central event of an article: round ordinal and dates of its lead, names in it.
    `title`: the headline if already known (None: it has none), "" to infer it."""
    pub = dt.date.fromisoformat(published) if published else None
    lead = lead_sentences(text, title=title)
    evidence: list[str] = []
    rnd = None
    for sent in lead:
        m = _ROUND.search(sent)
        if m:
            rnd = ORDINALS[m.group(1).lower()]
            evidence.append(f"round {m.group(0)!r}")
            break
    central = central_date(lead, pub)
    dates: list[tuple[dt.date, dt.date]] = []
    if central is not None:
        dates = [(central.first, central.last)]
        evidence.append(f"date {central.expr!r} = {_span(central.first, central.last)}")
    names = names_in(lead)
    return Profile(rnd, tuple(sorted(set(dates))), names, tuple(evidence))


def _days(p: Profile) -> list[dt.date]:
    out = []
    for first, last in p.dates:
        day = first
        while day <= last:
            out.append(day)
            day += dt.timedelta(days=1)
    return out


def _span(a: dt.date, b: dt.date) -> str:
    return a.isoformat() if a == b else f"{a.isoformat()}..{b.isoformat()}"


def _distance(a: tuple[dt.date, dt.date], b: tuple[dt.date, dt.date]) -> int:
    if a[1] < b[0]:
        return (b[0] - a[1]).days
    if b[1] < a[0]:
        return (a[0] - b[1]).days
    return 0


@dataclass
class Story:
    story_id: str
    members: list[str] = field(default_factory=list)
    rounds: set[int] = field(default_factory=set)
    dates: set[tuple[dt.date, dt.date]] = field(default_factory=set)
    names: set[str] = field(default_factory=set)

    def add(self, doc_id: str, p: Profile) -> None:
        self.members.append(doc_id)
        if p.round is not None:
            self.rounds.add(p.round)
        self.dates.update(p.dates)
        self.names.update(p.names)


@dataclass(frozen=True)
class Decision:
    story_id: str
    opened: bool
    score: int
    evidence: str


def score_story(p: Profile, story: Story, explain: bool = True) -> tuple[int, list[str]]:
    """The score of `p` against a story and (if `explain`) the evidence, one phrase a signal."""
    score, why = 0, []
    if p.round is not None and story.rounds:
        if p.round in story.rounds:
            score += 3
            if explain:
                why.append(f"same round ({ORDINAL_WORDS[p.round]})")
        else:
            score -= 4
            if explain:
                theirs = "/".join(ORDINAL_WORDS[r] for r in sorted(story.rounds))
                why.append(f"round {ORDINAL_WORDS[p.round]} vs {theirs}")
    if p.dates and story.dates:
        d = min(_distance(a, b) for a in p.dates for b in story.dates)
        score += 3 if d <= 1 else -3 if d >= 3 else 0
        if explain:
            mine = ", ".join(_span(*x) for x in p.dates)
            if d <= 1:
                why.append(f"event date {mine} within {d} day(s) of the story's")
            else:
                why.append(f"event date {mine} {d} days from the story's")
    shared = p.names & story.names
    if len(shared) >= 2:
        score += 1
        if explain:
            why.append("shared names " + ", ".join(sorted(shared)[:5]))
    return score, why


class StoryIndex:
    """Stories in creation order; `assign` places a profiled article into one.

    Only stories that could be joined are scored: those with an event date within `NEAR_DAYS`,
    or, for an undated article, those of its round (found through two small indexes), plus the
    few latest stories so a new story's evidence says why it is new. That keeps an assignment
    independent of the corpus size."""

    NEAR_DAYS = 2
    RECENT = 3

    def __init__(self) -> None:
        self.stories: dict[str, Story] = {}
        self.story_of: dict[str, str] = {}
        self._order: dict[str, int] = {}
        self._ids: list[str] = []
        self._by_round: dict[int, set[str]] = {}
        self._by_day: dict[dt.date, set[str]] = {}

    def add(self, doc_id: str, story_id: str, p: Profile) -> None:
        if story_id not in self.stories:
            self.stories[story_id] = Story(story_id)
            self._order[story_id] = len(self._order)
            self._ids.append(story_id)
        self.stories[story_id].add(doc_id, p)
        self.story_of[doc_id] = story_id
        if p.round is not None:
            self._by_round.setdefault(p.round, set()).add(story_id)
        for day in _days(p):
            self._by_day.setdefault(day, set()).add(story_id)

    def candidates(self, p: Profile) -> set[str]:
        found = set(self._ids[-self.RECENT :])
        if p.round is not None and not p.dates:
            # Without a date, a same-round story is the only way in; with one, a story of the
            # same round but dated far away scores 3 - 3 and cannot be joined anyway.
            found |= self._by_round.get(p.round, set())
        pad = dt.timedelta(days=self.NEAR_DAYS)
        for first, last in p.dates:
            day = first - pad
            while day <= last + pad:
                found |= self._by_day.get(day, set())
                day += dt.timedelta(days=1)
        return found

    def ranked(self, p: Profile) -> list[tuple[int, str, list[str]]]:
        """(score, story_id, evidence) of the candidate stories, best first; ties go to the
        earlier story."""
        scored = sorted(
            ((score_story(p, self.stories[s], False)[0], s) for s in self.candidates(p)),
            key=lambda x: (-x[0], self._order[x[1]]),
        )
        # Words only for the few a decision shows.
        return [
            (sc, sid, score_story(p, self.stories[sid])[1] if k < 3 else [])
            for k, (sc, sid) in enumerate(scored)
        ]

    def assign(self, doc_id: str, p: Profile, near_duplicate_of: str | None = None) -> Decision:
        """Decide the story of `doc_id` (not added: call `add` once the row is written)."""
        if near_duplicate_of is not None and near_duplicate_of in self.story_of:
            sid = self.story_of[near_duplicate_of]
            return Decision(sid, False, 99, f"near-duplicate of {near_duplicate_of}")
        ranked = self.ranked(p)
        if ranked and ranked[0][0] >= JOIN_SCORE:
            sc, sid, why = ranked[0]
            return Decision(sid, False, sc, "; ".join(why))
        if ranked:
            best = f"no story scores {JOIN_SCORE}+: " + " | ".join(
                f"{sid} {sc}" + (f" ({'; '.join(why)})" if why else "")
                for sc, sid, why in ranked[:3]
            )
        else:
            best = "no story yet"
        return Decision(self.new_id(p, doc_id), True, 0, best)

    def new_id(self, p: Profile, doc_id: str) -> str:
        """Readable and stable: the central event's first day, else its round, else the doc."""
        if p.dates:
            base = f"story-{min(p.dates)[0].isoformat()}"
        elif p.round is not None:
            base = f"story-{ORDINAL_WORDS[p.round]}-round"
        else:
            base = f"story-{doc_id}"
        sid, n = base, 2
        while sid in self.stories:
            sid, n = f"{base}-{n}", n + 1
        return sid
