"""The label inventory of TariffTalks: the one source of truth (docs/DESIGN.md §4).

Everything else — the validator, the ClassLabel names of the dataset, the card tables, the Label
Studio config, the scorer's checks — is derived from the constants here. Order matters: it fixes
the ClassLabel integer ids, so append, never reorder.
"""

from __future__ import annotations

from dataclasses import dataclass

# --- 4.1 Boilerplate: one label per non-empty line ------------------------------------------

BOILERPLATE_LABELS: dict[str, str] = {
    "title": "the article's headline",
    "body": "article text",
    "byline": 'author line ("By …")',
    "dateline": 'a publication stamp line ("March 3, 2024 at 09:15 JST")',
    "masthead": 'the outlet\'s name standing alone ("THE HARBOR LEDGER")',
    "caption": "photo caption or photo credit",
    "credit": 'reporting / editing credits ("(Reporting by …)")',
    "related": "headlines of other stories (recirculation lists)",
    "promo": "site or series promotions",
    "artifact": "scraper residue (tags, ids, markup)",
}
LINE_LABELS: tuple[str, ...] = tuple(BOILERPLATE_LABELS)
# Content lines carry the entity and event layers; every other label is boilerplate.
CONTENT_LABELS: frozenset[str] = frozenset({"title", "body"})

# --- 4.2 Entities -----------------------------------------------------------------------------

ENTITY_TYPES: dict[str, str] = {
    "PER": "people",
    "ORG": "organisations: companies, agencies, administrations, broadcasters",
    "GPE": "geo-political entities: countries, cities, states (also as governments)",
    "LOC": "locations that are not GPEs: regions, bodies of water",
    "FAC": "facilities: airports, buildings",
    "NORP": "nationalities, religious or political groups (Japanese, American)",
    "EVENT": "named events (Group of Seven summit, World War II)",
    "DATE": "dates and periods (May 30, next week, the fiscal year ending March)",
    "TIME": "times of day (09:15 JST)",
    "PERCENT": "percentages (25%, 10-percent)",
    "MONEY": "monetary values",
    "QUANTITY": "measurements (45-minute is DATE duration; tonnes, barrels are QUANTITY)",
    "ORDINAL": "ordinals (first, fourth) outside DATE mentions",
    "CARDINAL": "numbers that are not another type (two sources)",
    "COMMODITY": "traded goods and industries: autos, steel, corn, LNG, shipbuilding",
    "TITLE": "positions and roles: Treasury Secretary, prime minister",
}
ENTITY_TYPE_NAMES: tuple[str, ...] = tuple(ENTITY_TYPES)

MENTION_LEVELS: dict[str, str] = {
    "NAM": "a proper name (Ryosei Akazawa, Japan, Reuters)",
    "NOM": "a common noun phrase head (the minister, the two nations)",
    "PRO": "a pronoun (he, its, they)",
}
LEVEL_NAMES: tuple[str, ...] = tuple(MENTION_LEVELS)
# Only these types carry a mention level (ACE convention).
LEVELED_TYPES: frozenset[str] = frozenset({"PER", "ORG", "GPE", "LOC", "FAC"})
# DATE and TIME mentions carry a TIMEX3-style value (or null where it cannot be resolved).
TIMEX_TYPES: frozenset[str] = frozenset({"DATE", "TIME"})

# --- 4.3 Events -------------------------------------------------------------------------------


@dataclass(frozen=True)
class EventType:
    name: str
    description: str
    roles: tuple[str, ...]


EVENT_TYPES: dict[str, EventType] = {
    e.name: e
    for e in (
        EventType(
            "Contact:Negotiate",
            "trade talks, negotiation rounds",
            ("Participant", "Place", "Time", "Topic", "Round"),
        ),
        EventType("Contact:Meet", "other face-to-face meetings", ("Participant", "Place", "Time")),
        EventType("Contact:Phone-Write", "calls, letters", ("Participant", "Time", "Duration")),
        EventType(
            "Contact:Demand",
            "demand, urge, press for, call on",
            ("Demander", "Addressee", "Topic", "Time"),
        ),
        EventType(
            "Movement:Transport",
            "travel, visits, departures",
            ("Traveler", "Origin", "Destination", "Time"),
        ),
        EventType(
            "Trade:Impose-Tariff",
            "impose or raise a tariff",
            ("Imposer", "Target", "Goods", "Rate", "Time"),
        ),
        EventType(
            "Trade:Pause-Tariff", "suspend a tariff", ("Imposer", "Target", "Goods", "Rate", "Time")
        ),
        EventType(
            "Trade:Remove-Tariff",
            "remove, cut, exempt, eliminate a tariff",
            ("Imposer", "Target", "Goods", "Rate", "Time"),
        ),
        EventType(
            "Trade:Offer", "concessions, proposals", ("Offerer", "Recipient", "Item", "Time")
        ),
        EventType(
            "Trade:Import-Export", "imports and exports", ("Importer", "Exporter", "Goods", "Time")
        ),
        EventType("Trade:Invest", "investment", ("Investor", "Destination", "Time")),
        EventType("Trade:Agreement", "deal, truce", ("Party", "Topic", "Time")),
        EventType(
            "Business:Financial-Result",
            "reported profits, losses, forecasts",
            ("Company", "Change", "Period"),
        ),
    )
}
EVENT_TYPE_NAMES: tuple[str, ...] = tuple(EVENT_TYPES)
ROLE_NAMES: tuple[str, ...] = tuple(
    sorted({role for e in EVENT_TYPES.values() for role in e.roles})
)

# Which entity types may fill a role. Roles not listed accept any entity type.
_AGENT_TYPES = frozenset({"PER", "ORG", "GPE", "LOC", "NORP"})
ROLE_ENTITY_TYPES: dict[str, frozenset[str]] = {
    # A named event can anchor a time ("a meeting during the Group of Seven summit").
    "Time": frozenset({"DATE", "TIME", "EVENT"}),
    "Period": frozenset({"DATE", "TIME"}),
    "Duration": frozenset({"DATE", "TIME", "QUANTITY"}),
    "Rate": frozenset({"PERCENT", "MONEY"}),
    "Change": frozenset({"PERCENT", "MONEY", "QUANTITY"}),
    "Round": frozenset({"ORDINAL", "CARDINAL", "EVENT", "DATE"}),
    "Goods": frozenset({"COMMODITY"}),
    "Place": frozenset({"GPE", "LOC", "FAC"}),
    "Origin": frozenset({"GPE", "LOC", "FAC"}),
    "Destination": frozenset({"GPE", "LOC", "FAC"}),
    "Company": frozenset({"ORG"}),
    **dict.fromkeys(
        (
            "Participant",
            "Traveler",
            "Demander",
            "Addressee",
            "Offerer",
            "Recipient",
            "Party",
            "Imposer",
            "Target",
            "Importer",
            "Exporter",
            "Investor",
        ),
        _AGENT_TYPES,
    ),
}

REALIS: dict[str, str] = {
    "actual": "happened or is happening",
    "planned": "scheduled, intended, expected",
    "hypothetical": "conditional, demanded, hoped for, possible",
    "negated": "explicitly did not / will not happen",
    "generic": "a kind of event, not a specific occurrence",
}
REALIS_NAMES: tuple[str, ...] = tuple(REALIS)
# ERE's three-way realis (docs/DESIGN.md §4.3).
ERE_REALIS: dict[str, str] = {
    "actual": "ACTUAL",
    "generic": "GENERIC",
    "planned": "OTHER",
    "hypothetical": "OTHER",
    "negated": "OTHER",
}

# --- derived inventories ----------------------------------------------------------------------


def bio_tags() -> tuple[str, ...]:
    """BIO tag names for the `entities` config's ClassLabel, 'O' first."""
    return ("O",) + tuple(f"{p}-{t}" for t in ENTITY_TYPE_NAMES for p in ("B", "I"))


def roles_for(event_type: str) -> tuple[str, ...]:
    return EVENT_TYPES[event_type].roles


def role_accepts(role: str, entity_type: str) -> bool:
    allowed = ROLE_ENTITY_TYPES.get(role)
    return allowed is None or entity_type in allowed
