"""A boilerplate line classifier that transfers to layouts it never saw.

Every feature is something a line carries on any site: its shape (length, word count, stopword
density, punctuation: jusText's signals), its case and digits, how much it shares the topic of the
document's long paragraphs, where it sits relative to that article block, its neighbours, and
whether it repeats a line of another training page of the same site (a template). No feature is a
word of the training files: the only words are a short fixed list of generic web-page cues.

Layout signals that mean the same on any page join them: separators, markup, handles, legal
words, the share of capital letters, and the line's length relative to the page's median line.

On top of the learned model, a rule layer encodes the definitions of the annotation guidelines
(§2.1, and decisions 69-78 of §2.2, tested in the precedence of decision 71): markup, copyright
and legal lines, navigation, share and player rows, breadcrumbs, tags, jump lines and page numbers
are `artifact`; the outlet's name with its menu or a running head is `masthead`; stamps and
live-entry times are `dateline`; bylines with or without "By"; bios and production credits after
the text; photo credits, gallery counters and video lines are `caption`; list headers, chapter
lists and previous/next links are `related`; calls to act are `promo`. A page-level pass then
places the one headline above the article block, keeps decks and subheads as `body`, extends a
list under its header, and prefers `body` for a long sentence the model calls a teaser.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from typing import Any

from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

from .data import Doc

Features = dict[str, Any]

# The feature groups, each switchable for the ablation; "rules" is the override layer.
LINE_GROUPS: tuple[str, ...] = (
    "shape",
    "stopwords",
    "punct",
    "case",
    "digits",
    "cues",
    "topic",
    "zone",
    "context",
    "template",
    "rules",
)

_WORD = re.compile(r"[^\W_]+(?:['’.-][^\W_]+)*", re.UNICODE)
_MONTHS = (
    "january february march april may june july august september october november december "
    "jan feb mar apr jun jul aug sep sept oct nov dec"
).split()
_DATE_WORDS = frozenset(
    _MONTHS
    + "monday tuesday wednesday thursday friday saturday sunday at am pm a.m. p.m. updated "
    "published posted last gmt utc jst et est edt bst cet pt pst pdt on".split()
)
# Generic page-furniture vocabulary (any English news site), never words of the corpus files.
_CUES: dict[str, tuple[str, ...]] = {
    "social": ("share", "tweet", "facebook", "twitter", "whatsapp", "linkedin", "email", "print"),
    "subscribe": ("subscribe", "newsletter", "sign", "app", "download", "follow", "register"),
    "more": ("read", "more", "related", "recommended", "popular", "trending", "latest", "see"),
    "photo": ("photo", "photograph", "image", "picture", "file", "getty", "afp", "ap", "epa"),
    "legal": ("copyright", "rights", "reserved", "privacy", "cookies", "terms", "contact"),
    "ad": ("advertisement", "sponsored", "ad", "promoted", "partner"),
    "credit": ("reporting", "editing", "writing", "compiled", "contributed", "edited"),
    "author": ("by", "correspondent", "reporter", "editor", "staff", "writer"),
}
_CUE_OF = {w: k for k, ws in sorted(_CUES.items()) for w in ws}


def _words(s: str) -> list[str]:
    return _WORD.findall(s)


def _content_words(s: str) -> set[str]:
    """Stems (first five letters) of the words that are not stopwords: "negotiators" and
    "negotiations" share a topic."""
    return {w.lower()[:5] for w in _words(s) if len(w) > 2 and w.lower() not in ENGLISH_STOP_WORDS}


def _bin(x: float, edges: Sequence[float]) -> int:
    return sum(x >= e for e in edges)


def normalise(s: str) -> str:
    """A line's template key: case, digits and spacing do not matter."""
    return re.sub(r"\s+", " ", re.sub(r"\d", "0", s.lower())).strip()


# --- per-line shape --------------------------------------------------------------------------


def _line_stats(s: str) -> dict[str, Any]:
    words = _words(s)
    lw = [w.lower() for w in words]
    n = len(words)
    caps = [w for w in words if w[:1].isupper()]
    # Title case: the words that are not stopwords are capitalised (headlines, names).
    non_stop = [w for w in words if w.lower() not in ENGLISH_STOP_WORDS]
    stripped = s.rstrip("”’\"') ")
    return {
        "n_chars": len(s),
        "n_words": n,
        "stop": sum(w in ENGLISH_STOP_WORDS for w in lw) / max(n, 1),
        "punct": sum(not ch.isalnum() and not ch.isspace() for ch in s) / max(len(s), 1),
        "terminal": stripped[-1:] if stripped[-1:] in (".", "!", "?", ":", ";", ",") else "none",
        "n_sent": len(re.findall(r"[.!?][”\"’)]?\s+[“\"‘(]?[A-Z]", s)) + 1,
        "commas": s.count(","),
        "quote": s[:1] in "“\"‘'",
        "paren": s.startswith("(") and s.rstrip().endswith(")"),
        "bullet": s[:1] in "-•*–—|>·",
        "title_case": sum(w[:1].isupper() for w in non_stop) / max(len(non_stop), 1),
        "cap_ratio": len(caps) / max(n, 1),
        "upper": s.isupper(),
        "digits": sum(ch.isdigit() for ch in s) / max(len(s), 1),
        "month": any(w in _MONTHS for w in lw),
        "year": bool(re.search(r"\b(19|20)\d\d\b", s)),
        "clock": bool(re.search(r"\b\d{1,2}[:.]\d\d\b", s)),
        "date_share": sum(w in _DATE_WORDS or w.isdigit() for w in lw) / max(n, 1),
        "long_token": max((len(t) for t in s.split()), default=0) > 25,
        "url": bool(re.search(r"https?://|www\.|\.(com|org|net|html?)\b", s.lower())),
        "cues": sorted({_CUE_OF[w] for w in lw if w in _CUE_OF}),
        "first_cue": _CUE_OF.get(lw[0], "") if lw else "",
        "long": n >= 20 and stripped[-1:] in (".", "!", "?"),
    }


# --- guideline rules (high precision, generic) -----------------------------------------------
# Each pattern encodes a definition of annotation/GUIDELINES.md §2.1 and §2.2 (decisions 69-78),
# in generic English page vocabulary: nothing here comes from a test document.

_SEP = re.compile(r"\s*(?:[·|•›»▸/]|\s[-–—>]\s)\s*")
_CREDIT = re.compile(
    r"^\(?\s*(additional\s+)?(reporting|writing|editing|edited|compiled|written|produced|"
    r"research|graphics|music|photography|design|translated)\s+by\b",
    re.I,
)
# Decision 74: bios, contact blocks, republication notes after the text.
_CREDIT_AFTER = re.compile(
    r"^(about the authors?\b|contact(s)?:|(this (story|article) )?(was )?(first|originally) "
    r"(published|carried|appeared)|republished\b|[A-Z][\w.’'-]+(\s+[A-Z][\w.’'-]+){1,3}\s+"
    r"(covers|reports on|writes about|is (a|an|the) [\w -]*(reporter|correspondent|editor|"
    r"writer|partner|associate|counsel|columnist|fellow|producer|host)))",
    re.I,
)
_BYLINE = re.compile(r"^(by|written by|authors?:|words by)\s+[A-Z][\w.’'-]+", re.I)
_NAME = r"[A-Z][\w.’'-]+(?:\s+[A-Z][\w.’'-]+){1,3}"
_AUTHOR_ALONE = re.compile(rf"^{_NAME}(?:(?:,\s*|\s+and\s+|\s*&\s*){_NAME})*(?:,\s*[^,]{{2,40}})?$")
_ROLE = re.compile(
    r"^([\w’'-]+\s+){0,3}(staff writer|staff reporter|correspondent|reporter|contributor|"
    r"columnist|editor|senior writer|bureau chief)$",
    re.I,
)
_NAMES_IN_PARENS = re.compile(r"\((?:photo[^)]*|[A-Z][\w.’'-]+(?:\s+[A-Z][\w.’'-]+){1,3})\)$")
_CAPTION = re.compile(
    r"^(photo|photograph|picture|image|video|watch|gallery|graphic|chart|credit)\s*:|"
    r"\b(photo|photograph|image|picture)\s*(:|by)\s*[A-Z][\w.’'-]+(\s+[A-Z][\w.’'-]+){0,3}\.?$|"
    r"\b(getty images|afp via getty|associated press|ap photo)\)?\.?$|^\d{1,3}\s*/\s*\d{1,3}\b",
    re.I,
)
_LEGEND = re.compile(r"^(source|sources|note)\s*:", re.I)
_STAMP_LEAD = re.compile(
    r"^(last\s+)?(updated|published|posted|modified|first published|printed in)\b", re.I
)
_CLOCK_ONLY = re.compile(
    r"^\d{1,2}[:.]\d\d\s*([ap]\.?\s?m\.?)?\s*([A-Z]{1,4}T?|[A-Z]{2,4})?\s*$", re.I
)
_CHAPTER = re.compile(r"^(\d{1,2}:)?\d{1,2}:\d\d\s+[A-Z“\"‘']")
_READ_TIME = re.compile(r"\b\d+\s*(-\s*)?(min(ute)?s?|hr|hours?)\.?\s*(read|listen|watch)\b", re.I)
_CALL_TO_ACTION = re.compile(
    r"^(subscribe|sign up|join (us|our|the)|follow (us|the|our)|download (the|our)|get the\b|"
    r"listen (on|to|now)|watch (on|now)|register (now|for|to)|try .{0,20}free|upgrade\b|"
    r"become a (member|subscriber|supporter)|support (our|us|independent)|donate\b|"
    r"have (a|an) (tip|story|question|opinion|view)|got a (tip|story|question)|"
    r"send (us )?(a|your) tip|"
    r"write to (us|our)|tell us\b|leave (a|us a) (comment|message|voice)|comment\b|"
    r"join the (conversation|discussion)|poll:|vote\b|enjoying\b|forward (it|this)|"
    r"our (principles|standards|mission)|a series\b|here is a collection|here are|a peek through|"
    r"unlock\b|already a (subscriber|member)|don’t miss|don't miss)",
    re.I,
)
_PROMO_ANY = re.compile(
    r"\b(sign up|subscribe|subscription|newsletter|free trial|paywall|in your inbox|podcast app|"
    r"apple podcasts|spotify)\b",
    re.I,
)
_RELATED_HEAD = re.compile(
    r"^(related( (stories|articles|coverage|content|reading|links|news))?|"
    r"most (read|popular|viewed|shared)|"
    r"more (from|on|in|stories|news|galleries|videos|episodes|briefs|coverage)\b.*|"
    r"read (more|next|also)\b.*|also read\b.*|see also\b.*|recommended( for you| stories)?|"
    r"you (may|might) also like|top stories|latest( news| stories)?|trending( now)?|"
    r"editor’s picks|editor's picks|chapters|in this (episode|section|series)|inside\s*:.*|"
    r"(previous|next)( (episode|story|article|post|page))?\s*[:›»>].*|[‹«<]\s*(previous|older)\b.*|"
    r"(newer|next)\s*[›»>]|what to read next|further reading)$",
    re.I,
)
_ARTIFACT = re.compile(
    r"^(advertisement|advertising|sponsored( content)?|ad|promoted|skip to( main)? content|"
    r"(log|sign) (in|out)|register|menu|search|close|back to top|view this (email|newsletter) in "
    r"(your|a) browser|view (in|on) browser|print( this)?( page| article)?|share( this)?( story| "
    r"article| gallery| page| post)?|share on \w+|email this( story| article)?|copy link|save( for "
    r"later)?|\d+\s+comments?|comments?\s*\(?\d*\)?|(tags|topics|filed under|keywords)\s*:.*|"
    r"see [A-Z][\w ,]*,?\s+page\s+[A-Z]?\d+|continued (on|from) (page )?[A-Z]?\d+.*|"
    r"page\s+[A-Z]?\d+( of \d+)?|[A-Z]?\d{1,3}|unsubscribe\b.*|"
    r"(corrections|tips|press|contact us)\s*:\s*\S+@\S+)$",
    re.I,
)
_LEGAL = re.compile(
    r"©|\(c\)\s*\d{4}|\bcopyright\b|all rights reserved|\bprivacy (policy|notice|settings)\b|"
    r"\bterms (of (use|service)|and conditions)\b|\bcookies?\b.*\b(use|agree|accept|consent)|"
    r"\b(use|agree|accept|consent)\b.*\bcookies?\b|does not constitute\b|not (intended as|"
    r"to be construed as) (legal|financial|investment) advice|attorney advertising|\bdisclaimer\b|"
    r"you are receiving this (email|newsletter)|because you (subscribed|signed up)|"
    r"prior results do not",
    re.I,
)
_ADDRESS = re.compile(
    r"\b\d+[A-Za-z]?\s+([A-Z][\w’'-]+\s+){1,3}(street|st|road|rd|avenue|ave|lane|quay|square|"
    r"place|boulevard|blvd|drive|way|plaza|suite|floor)\b",
    re.I,
)
_MARKUP = re.compile(r"^\s*(</?[a-z][^>]*>\s*)+$|^\s*(\{\{.*\}\}|\{%.*%\}|<!--.*-->)\s*$", re.I)
_GREETING = re.compile(
    r"^(good (morning|afternoon|evening)|hello|hi( there)?|dear (readers?|subscribers?)|welcome "
    r"(back )?to|see you (next|on|tomorrow|soon|then)|until next time|talk soon|"
    r"thanks for reading)\b",
    re.I,
)
_OUTLET_WORDS = frozenset(
    "times post news daily journal herald tribune gazette courier ledger chronicle observer "
    "telegraph express review weekly wire press shimbun standard monitor guardian independent "
    "mail star sun record globe brief bulletin digest dispatch insider examiner register "
    "radio tv television network podcast llp llc inc media".split()
)
# Navigation words: a row made only of these (with separators) is a menu, share row or toolbar.
_NAV_WORDS = frozenset(
    "home news world business markets economy politics opinion sport sports tech technology "
    "science culture arts life lifestyle travel video videos audio podcasts podcast photos "
    "insights people contact about services careers events search menu subscribe sign log in "
    "out share email print save copy link tweet facebook twitter x linkedin whatsapp reddit "
    "comments comment more play pause download 1x mute unmute privacy policy terms cookies help "
    "update preferences unsubscribe settings account newsletters live latest trade".split()
)


def _segments(s: str) -> list[str]:
    return [p for p in (x.strip(" :") for x in _SEP.split(s)) if p]


def _is_nav_row(s: str) -> bool:
    """A row of navigation, share or player items: short segments of menu words."""
    segs = _segments(s)
    words = [w.lower() for w in _words(s)]
    if not words:
        return bool(s.strip()) and not any(ch.isalnum() for ch in s)
    menu = sum(w in _NAV_WORDS for w in words) / len(words)
    return (len(segs) >= 3 and all(len(x.split()) <= 3 for x in segs) and menu >= 0.5) or (
        len(segs) >= 2 and menu == 1.0
    )


def _outlet_like(seg: str, outlet: str | None) -> bool:
    """Whether a segment reads as an outlet's name: the known outlet, a name in capitals, or a
    capitalised name ending in a generic outlet word ("… Gazette", "… LLP")."""
    if outlet and normalise(outlet) in normalise(seg):
        return True
    words = _words(seg)
    if not 1 <= len(words) <= 6 or _MONTHS_RE.search(seg):
        return False
    letters = [ch for ch in seg if ch.isalpha()]
    if len(words) >= 2 and letters and all(ch.isupper() for ch in letters):
        return True
    caps = all(w[:1].isupper() or w.lower() in ("the", "of", "and", "&") for w in words)
    return caps and any(w.lower() in _OUTLET_WORDS for w in words)


_MONTHS_RE = re.compile(r"\b(" + "|".join(_MONTHS) + r")\b\.?\s*\d", re.I)
_DATE_RE = re.compile(
    r"\b("
    + "|".join(_MONTHS)
    + r")\b\.?\s+\d{1,2}|\b\d{1,2}\s+("
    + "|".join(_MONTHS)
    + r")\b|\b\d{4}-\d\d-\d\d\b|\b\d{1,2}/\d{1,2}/\d{2,4}\b",
    re.I,
)


def _is_stamp(s: str, st: dict[str, Any]) -> bool:
    """A publication stamp (decision 73): a date or time leads the line, or an
    updated/published lead, or the whole line is dates and times."""
    if _CLOCK_ONLY.match(s):
        return True
    if _STAMP_LEAD.match(s) and (
        st["month"] or st["year"] or st["clock"] or "edition" in s.lower()
    ):
        return True
    segs = _segments(s)
    first = segs[0] if segs else s
    lead = _DATE_RE.search(first)
    if lead and lead.start() <= 12 and len(_words(first)) <= 8:
        return True
    return (
        (st["month"] or st["year"] or st["clock"])
        and st["n_words"] <= 12
        and (st["date_share"] >= 0.6)
    )


def rule_label(doc: Doc, i: int, st: dict[str, Any], zone: str = "nocore") -> str | None:
    """The label a guideline definition gives line i, or None (then the learned model decides).

    `zone`: where the line sits relative to the article block (above, inside, below, nocore).
    Tests run in the precedence of §2.2 (decision 71): machinery that is not language first,
    then end credits, legal lines, the masthead, bylines, stamps, then the table by first element.
    """
    s = doc.text[doc.lines[i]["start"] : doc.lines[i]["end"]].strip()
    sentence = st["terminal"] in (".", "!", "?") and st["n_words"] >= 12 and st["stop"] >= 0.25
    if _MARKUP.match(s) or ((st["long_token"] or st["url"]) and len(s.split()) <= 3):
        return "artifact"
    if doc.title and normalise(s) == normalise(doc.title):
        return "title"
    after = zone == "below"
    if _CREDIT.match(s) or (after and _CREDIT_AFTER.match(s) and st["n_words"] <= 40):
        return "credit"
    if _LEGAL.search(s) or (_ADDRESS.search(s) and st["terminal"] != "." and st["n_words"] <= 16):
        return "artifact"
    if not sentence and zone != "inside":
        segs = _segments(s)
        if doc.outlet and normalise(s) == normalise(doc.outlet):
            return "masthead"
        if (
            segs
            and st["n_words"] <= 16
            and _outlet_like(segs[0], doc.outlet)
            and (len(segs) > 1 or i <= 2 or zone == "nocore")
        ):
            return "masthead"
        if len(segs) > 1 and st["n_words"] <= 16 and any(_outlet_like(x, doc.outlet) for x in segs):
            if any(_DATE_RE.search(x) or re.fullmatch(r"[A-Z]?\d{1,3}", x) for x in segs):
                return "masthead"  # a running head: page number, outlet, date
    if zone != "below" and st["n_words"] <= 14 and not sentence:
        if _BYLINE.match(s) or _ROLE.match(s):
            return "byline"
    if st["n_words"] <= 16 and _CHAPTER.match(s) and st["date_share"] < 0.5:
        return "related"
    if st["n_words"] <= 20 and not sentence and _is_stamp(s, st):
        return "dateline"
    if zone != "below" and _BYLINE.match(s) and st["n_words"] <= 12 and st["terminal"] != ".":
        return "byline"
    crumbs = re.findall(r"\s[›»>/]\s", s)
    if len(crumbs) >= 2 and all(len(x.split()) <= 4 for x in re.split(r"\s[›»>/]\s", s)):
        return "artifact"  # a breadcrumb (decision 78)
    if _ARTIFACT.match(s) or (st["n_words"] <= 16 and _is_nav_row(s)):
        return "artifact"
    if _READ_TIME.search(s) and st["n_words"] <= 6:
        return "artifact"
    if st["n_words"] <= 25 and _CAPTION.search(s):
        return "caption"
    if _LEGEND.match(s) and st["n_words"] <= 25 and not _DATE_RE.search(s):
        return "caption"
    if _RELATED_HEAD.match(s) and st["n_words"] <= 14:
        return "related"
    if _GREETING.match(s) and st["n_words"] <= 14:
        return "body"
    if _CALL_TO_ACTION.match(s) and st["n_words"] <= 30:
        return "promo"
    if zone != "inside" and _PROMO_ANY.search(s) and st["n_words"] <= 30:
        return "promo"
    if _NAMES_IN_PARENS.search(s) and not st["paren"] and st["n_words"] <= 60:
        return "caption"
    # A kicker or section label in capitals above the article (decision 78).
    letters = [ch for ch in s if ch.isalpha()]
    if (
        zone == "above"
        and 1 <= st["n_words"] <= 3
        and letters
        and all(ch.isupper() for ch in letters)
    ):
        return "artifact"
    if zone == "above" and not sentence and _AUTHOR_ALONE.match(s) and st["n_words"] <= 10:
        name = s.split(",")[0]
        if " and " in name or "&" in name or "," in s or len(name.split()) <= 3:
            return "byline"
    return None


def resolve(doc: Doc, labels: list[str], rules: list[str | None], stats: list[dict]) -> list[str]:
    """The page-level definitions the line model cannot see (§2.1 items 1, 7, 11, 12; decision
    70): the headline is the first headline-style line above the article text; headline-style
    lines between it and the text are decks (body); lines under a list header are the list;
    inside the article block, and for a long sentence anywhere, `body` beats `related`/`promo`
    (the content-word cost of a lost paragraph is larger than that of a kept teaser)."""
    out = list(labels)
    n = len(out)
    first, last = _block(stats, doc)
    titles = [i for i in range(n) if out[i] == "title"]
    top = titles[0] if titles else None
    if top is None:
        for i in range(min(first, n)):
            if rules[i] is not None:
                continue
            st = stats[i]
            if (
                3 <= st["n_words"] <= 25
                and st["terminal"] == "none"
                and not _text(doc, i).endswith(")")
            ):
                top = i
                out[i] = "title"
                break
            if out[i] == "body":
                break  # prose before any headline: the page has no title (§2.1 item 1)
    if top is not None:
        for i in range(top + 1, min(first, n)):
            if rules[i] is None and out[i] in ("related", "promo", "title"):
                out[i] = "body"  # a deck, standfirst or subhead under the headline
    # Only one masthead at the top: a second line in capitals is a kicker (decision 78).
    heads = [i for i in range(min(first, n)) if out[i] == "masthead"]
    for i in heads[1:]:
        if len(_segments(_text(doc, i))) == 1 and not _outlet_word(_text(doc, i), doc.outlet):
            out[i] = "artifact"
    in_list = False
    for i in range(n):
        st = stats[i]
        sentence = st["terminal"] in (".", "!", "?") and st["n_words"] >= 12 and st["stop"] >= 0.25
        if rules[i] == "related" and _RELATED_HEAD.match(_text(doc, i)):
            in_list = True
            continue
        if in_list and rules[i] is None and not sentence:
            out[i] = "related"
            continue
        in_list = False
        if rules[i] is not None:
            continue
        if i > 0 and rules[i - 1] == "body" and _GREETING.match(_text(doc, i - 1)):
            if st["n_words"] <= 3 and st["title_case"] == 1.0:
                out[i] = "body"  # the signed name under a newsletter's sign-off (decision 70)
                continue
        if i > 0 and _GALLERY_COUNTER.match(_text(doc, i - 1)):
            out[i] = "caption"  # the image line under a gallery counter (decision 77)
            continue
        inside = first <= i <= last
        # A line inside a run of promotions or pointers belongs to the run (§2.1 items 7-8).
        if 0 < i < n - 1 and rules[i - 1] == rules[i + 1] and rules[i - 1] in ("promo", "related"):
            out[i] = rules[i - 1]
            continue
        if out[i] in ("related", "promo") and (sentence or (inside and st["n_words"] <= 12)):
            out[i] = "body"
    return out


def _text(doc: Doc, i: int) -> str:
    return doc.text[doc.lines[i]["start"] : doc.lines[i]["end"]].strip()


def _prose(st: dict[str, Any]) -> bool:
    return st["terminal"] in (".", "!", "?") and st["n_words"] >= 12 and st["stop"] >= 0.25


def _block(stats: list[dict[str, Any]], doc: Doc) -> tuple[int, int]:
    """(first, last) line of the article block: from the first prose line to the last one that
    is not an end credit or a legal line (a bio or a disclaimer is prose too); (n, -1) without
    prose."""
    prose = [i for i, st in enumerate(stats) if _prose(st)]
    if not prose:
        return len(stats), -1
    text = [i for i in prose if not _tail_line(_text(doc, i))]
    return prose[0], (text or prose)[-1]


def _tail_line(s: str) -> bool:
    return bool(
        _CREDIT.match(s) or _CREDIT_AFTER.match(s) or _LEGAL.search(s) or _CALL_TO_ACTION.match(s)
    )


def _outlet_word(s: str, outlet: str | None) -> bool:
    if outlet and normalise(outlet) in normalise(s):
        return True
    return any(w.lower() in _OUTLET_WORDS for w in _words(s))


_GALLERY_COUNTER = re.compile(r"^\d{1,3}\s*(/|of)\s*\d{1,3}$")


# --- templates --------------------------------------------------------------------------------


class Templates:
    """Lines that repeat across training pages of one site, with the labels they had there."""

    def __init__(self, docs: Iterable[Doc] = ()) -> None:
        self.seen: dict[tuple[str, str], dict[str, Counter]] = defaultdict(dict)
        for d in docs:
            for ln in d.lines:
                key = (d.site, normalise(d.text[ln["start"] : ln["end"]]))
                self.seen[key].setdefault(d.doc_id, Counter())[ln["label"]] += 1

    def features(self, doc: Doc, s: str) -> Features:
        by_doc = self.seen.get((doc.site, normalise(s)), {})
        # A training page never counts as its own template: only the other pages do.
        labels: Counter = Counter()
        for other, c in sorted(by_doc.items()):
            if other != doc.doc_id:
                labels.update(c)
        if not labels:
            return {}
        top = min(labels, key=lambda k: (-labels[k], k))
        return {"tmpl": 1.0, "tmpl=" + ("content" if top in ("title", "body") else "boiler"): 1.0}


# --- features of a whole document -------------------------------------------------------------


def doc_line_features(
    doc: Doc, groups: frozenset[str] = frozenset(LINE_GROUPS), templates: Templates | None = None
) -> tuple[list[Features], list[str | None]]:
    """Feature dicts of every line of `doc`, and the rule labels (None where no rule fires)."""
    texts = [doc.text[ln["start"] : ln["end"]] for ln in doc.lines]
    stats = [_line_stats(s) for s in texts]
    n = len(texts)
    words = [_content_words(s) for s in texts]
    core = [i for i in range(n) if stats[i]["long"]]
    # Topic words: content words of the long paragraphs, with the number of paragraphs using them.
    topic_count: Counter = Counter(w for i in core for w in words[i])
    title_words = _content_words(doc.title) if doc.title else set()
    first_core, last_core = (core[0], core[-1]) if core else (n, -1)
    # Length relative to the page's median line: a layout's own scale, not an absolute one.
    lengths = sorted(st["n_chars"] for st in stats)
    median_len = max(lengths[len(lengths) // 2], 1) if lengths else 1

    def base(i: int) -> Features:
        st = stats[i]
        f: Features = {}
        if "shape" in groups:
            f["len_bin"] = _bin(st["n_chars"], (20, 40, 80, 160, 320)) / 5
            f[f"words={_bin(st['n_words'], (2, 4, 8, 13, 20, 35))}"] = 1.0
            f["long_token"] = st["long_token"]
            f["url"] = st["url"]
            # Layout-independent machinery signals: separators, markup, handles, legal words.
            f["seps"] = min(len(_SEP.findall(texts[i])), 3) / 3
            f["markup"] = bool(re.search(r"</?[a-z][^>]*>|\{\{|\{%", texts[i]))
            f["handle"] = bool(re.search(r"(^|\s)@\w|\S+@\S+\.\w", texts[i]))
            f["legal"] = bool(_LEGAL.search(texts[i]))
            f[f"rel_len={_bin(st['n_chars'] / median_len, (0.25, 0.5, 1.0, 2.0))}"] = 1.0
        if "stopwords" in groups:
            f["stop"] = st["stop"]
            f[f"stop_bin={_bin(st['stop'], (0.1, 0.2, 0.3, 0.4))}"] = 1.0
        if "punct" in groups:
            f["terminal=" + st["terminal"]] = 1.0
            f["n_sent"] = min(st["n_sent"], 5) / 5
            f["commas"] = min(st["commas"], 5) / 5
            f["punct"] = min(st["punct"] * 5, 1.0)
            f["quote"] = st["quote"]
            f["paren"] = st["paren"]
            f["bullet"] = st["bullet"]
        if "case" in groups:
            f["title_case"] = st["title_case"]
            f["cap_ratio"] = st["cap_ratio"]
            f["upper"] = st["upper"]
            letters = [ch for ch in texts[i] if ch.isalpha()]
            f["caps_letters"] = sum(ch.isupper() for ch in letters) / max(len(letters), 1)
        if "digits" in groups:
            f["digits"] = min(st["digits"] * 5, 1.0)
            f["date_share"] = st["date_share"]
            f["month"] = st["month"]
            f["clock"] = st["clock"]
        if "cues" in groups:
            for c in st["cues"]:
                f["cue=" + c] = 1.0
            if st["first_cue"]:
                f["first_cue=" + st["first_cue"]] = 1.0
        return {k: v for k, v in f.items() if v}

    def share(i: int) -> float:
        # How much of the line is the article's topic (the long paragraphs, itself excluded).
        if not words[i]:
            return 0.0
        own = Counter(words[i]) if i in core else Counter()
        return sum(topic_count[w] - own[w] >= 1 for w in words[i]) / len(words[i])

    shares = [share(i) for i in range(n)]
    # Relative to the long paragraphs' own median: short articles share fewer words.
    core_shares = sorted(shares[i] for i in core)
    typical = core_shares[len(core_shares) // 2] if core_shares else 0.0

    def topic(i: int) -> Features:
        if "topic" not in groups or not words[i]:
            return {}
        rel = min(shares[i] / typical, 1.5) if typical else 0.0
        f: Features = {"topic": shares[i], "topic_rel": rel}
        f[f"topic_rel_bin={_bin(rel, (0.25, 0.5, 0.75))}"] = 1.0
        if title_words:
            f["title_sim"] = len(words[i] & title_words) / len(words[i] | title_words)
        return f

    def zone(i: int) -> Features:
        if "zone" not in groups:
            return {}
        # Where the line sits relative to the article block, not its absolute position.
        if not core:
            where = "nocore"
        elif i < first_core:
            where = "above"
        elif i > last_core:
            where = "below"
        else:
            where = "inside"
        f: Features = {"zone=" + where: 1.0}
        if i == 0:
            f["first_line"] = 1.0
        if where == "above":
            f["above_dist"] = min(first_core - i, 4) / 4
        if where == "below":
            f["below_dist"] = min(i - last_core, 4) / 4
        return f

    own = [base(i) for i in range(n)]
    feats = []
    for i in range(n):
        f = {"bias": 1.0, **own[i], **topic(i), **zone(i)}
        if "context" in groups:
            for d in (-2, -1, 1, 2):
                j = i + d
                if not 0 <= j < n:
                    f[f"nb{d}=none"] = 1.0
                    continue
                st = stats[j]
                f[f"nb{d}_long"] = st["long"]
                f[f"nb{d}_terminal=" + st["terminal"]] = 1.0
                f[f"nb{d}_title_case"] = st["title_case"]
                f[f"nb{d}_words"] = _bin(st["n_words"], (4, 8, 13, 20)) / 4
            # Lists come in runs of lines of one shape (short, no final stop).
            shape = [(not s["long"], s["terminal"]) for s in stats]
            run = 1
            for step in (-1, 1):
                j = i + step
                while 0 <= j < n and shape[j] == shape[i]:
                    run += 1
                    j += step
            f["run"] = min(run, 6) / 6
        if "template" in groups and templates is not None:
            f.update(templates.features(doc, texts[i]))
        feats.append({k: v for k, v in f.items() if v})
    rules: list[str | None] = [None] * n
    if "rules" in groups:
        first, last = _block(stats, doc)
        zones = [
            "nocore" if last < 0 else "above" if i < first else "below" if i > last else "inside"
            for i in range(n)
        ]
        rules = [rule_label(doc, i, stats[i], zones[i]) for i in range(n)]
    return feats, rules


# --- the models -------------------------------------------------------------------------------


class _LineModel:
    """Shared by the line models: the model's label for each line, unless a rule fires."""

    groups: frozenset[str]
    templates_: Templates

    def _labels(self, X: list[Features]) -> list[str]:
        raise NotImplementedError

    def predict(self, docs: Sequence[Doc]) -> list[list[str]]:
        out = []
        for d in docs:
            X, rules = doc_line_features(d, self.groups, self.templates_)
            labels = [r or lab for r, lab in zip(rules, self._labels(X), strict=True)]
            if "rules" in self.groups:
                stats = [_line_stats(_text(d, i)) for i in range(len(d.lines))]
                labels = resolve(d, labels, rules, stats)
            out.append(labels)
        return out


class LineClassifier(_LineModel):
    """Logistic regression over the line features, with the guideline rules on top.

    `c` is chosen inside the training documents (`fit` with `tune=True`): story-grouped inner
    cross-validation over the training pages only.
    """

    C_GRID: tuple[float, ...] = (0.1, 1.0, 10.0)

    def __init__(self, c: float | None = None, groups: Iterable[str] = LINE_GROUPS) -> None:
        self.c = c
        self.groups = frozenset(groups)

    def _xy(self, docs: Sequence[Doc]) -> tuple[list[Features], list[str]]:
        X: list[Features] = []
        y: list[str] = []
        for d in docs:
            X += doc_line_features(d, self.groups, self.templates_)[0]
            y += [ln["label"] for ln in d.lines]
        return X, y

    def fit(self, docs: Sequence[Doc]) -> LineClassifier:
        from .models import DictClassifier
        from .tuning import pooled_accuracy, tuned

        docs = list(docs)
        make = lambda c: LineClassifier(c, self.groups)  # noqa: E731
        self.c_ = tuned(self.c, docs, self.C_GRID, make, line_counts, pooled_accuracy)
        self.templates_ = Templates(docs)
        X, y = self._xy(docs)
        # Unweighted classes: balancing would blow up labels seen on one page of one site.
        self.clf_ = DictClassifier(self.c_, class_weight=None).fit(X, y)
        return self

    def _labels(self, X: list[Features]) -> list[str]:
        return self.clf_.predict(X)


class LineCRF(_LineModel):
    """A linear-chain CRF over the lines of a page (python-crfsuite), same features and rules:
    the label sequence itself (a caption under a dateline, a run of related headlines) is
    learned."""

    def __init__(self, c2: float = 0.1, groups: Iterable[str] = LINE_GROUPS) -> None:
        self.c2 = c2
        self.groups = frozenset(groups)

    def fit(self, docs: Sequence[Doc]) -> LineCRF:
        from .crf import CRF

        self.templates_ = Templates(docs)
        seqs = [
            (doc_line_features(d, self.groups, self.templates_)[0], [ln["label"] for ln in d.lines])
            for d in docs
        ]
        self.crf_ = CRF(c1=0.0, c2=self.c2, max_iterations=100).fit(seqs)
        return self

    def _labels(self, X: list[Features]) -> list[str]:
        return self.crf_.predict(X, default="body")


def count_lines(test: Sequence[Doc], pred: Sequence[Sequence[str]]) -> tuple[int, int, int]:
    """(correct lines, lines, lines) of predicted labels against the test documents' gold."""
    hits = n = 0
    for d, labels in zip(test, pred, strict=True):
        hits += sum(p == ln["label"] for p, ln in zip(labels, d.lines, strict=True))
        n += len(d.lines)
    return hits, n, n


def line_counts(model: Any, train: Sequence[Doc], test: Sequence[Doc]) -> tuple[int, int, int]:
    """`count_lines` of `model` fitted on `train`, on `test`."""
    return count_lines(test, model.fit(train).predict(test))
