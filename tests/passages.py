"""Short passages written for the tests, in the manner of news reports of other occasions of the
2025 U.S.–Japan tariff talks (facts of public reporting, our own words; no copied text).
One paragraph per line, as on scraped pages."""


def _p(*lines: str) -> str:
    return "\n".join(lines) + "\n"


FIRST_ROUND = _p(
    "Trump drops in as Japan, U.S. open tariff negotiations",
    "",
    (
        "WASHINGTON, April 17 (Kyodo) -- Japan's economic revitalization minister Ryosei Akazawa "
        "held the first round of tariff negotiations with the United States on Wednesday, after "
        "President Donald Trump unexpectedly joined the meeting at the White House alongside "
        "Treasury Secretary Scott Bessent."
    ),
    (
        "Akazawa told reporters he had asked Washington to review the tariffs on Japanese cars, "
        "steel and aluminum, and that both sides hoped to meet again before the end of the month."
    ),
    (
        'Trump wrote on social media that he had made "big progress" with the Japanese '
        "delegation, which also met Commerce Secretary Howard Lutnick during its stay in the "
        "capital."
    ),
)

# The same facts as FIRST_ROUND in other words (a rewrite, as 000 rewrites 001).
FIRST_ROUND_REWRITE = _p(
    (
        "Japan's tariff envoy Ryosei Akazawa opened negotiations with the United States on "
        "Wednesday in the first round of talks, where President Donald Trump surprised the "
        "delegation by joining the White House meeting together with Treasury Secretary Scott "
        "Bessent."
    ),
    (
        "Speaking to the press afterwards, Akazawa said he had urged Washington to reconsider its"
        " tariffs on Japanese steel, aluminum and cars, and that the two sides hoped to meet "
        "again before the month was over."
    ),
    (
        'On social media, Trump claimed "big progress" in the meeting with the delegation from '
        "Japan, which also held talks with Commerce Secretary Howard Lutnick while in the "
        "capital."
    ),
)

OSAKA_PREVIEW = _p(
    "THE DAILY LEDGER",
    "July 10, 2025 | 08:15 JST",
    "Bessent to lead U.S. delegation to Osaka Expo",
    (
        "Treasury Secretary Scott Bessent will head the American delegation to the World Expo in "
        "Osaka on July 19, when the United States celebrates its national day at the fair, the "
        "White House said."
    ),
    (
        "Whether Bessent will sit down with Japan's chief negotiator Ryosei Akazawa during the "
        "trip was unclear, with the Aug. 1 deadline for higher tariffs approaching and an upper "
        "house election due."
    ),
)

OSAKA_VISIT = _p(
    "Bessent tours Osaka Expo as tariff deadline nears",
    "",
    "Updated July 19, 2025 21:40 JST",
    "",
    (
        "OSAKA -- U.S. Treasury Secretary Scott Bessent visited the World Expo in Osaka on "
        "Saturday for the American national day, a day after meeting Prime Minister Shigeru "
        "Ishiba in Tokyo, where both sides said they would keep working toward a tariff deal."
    ),
    (
        "Bessent told reporters at the U.S. pavilion that a good agreement mattered more than a "
        "rushed one."
    ),
)

AGREEMENT = _p(
    "Japan, U.S. strike trade deal setting 15% tariff on cars",
    "Published 2025-07-23 09:05",
    (
        "Japan and the United States reached a trade agreement on Tuesday that lowers the planned"
        " levy on Japanese goods, including automobiles, to 15 percent, President Donald Trump "
        "announced after talks at the White House with Japan's chief negotiator Ryosei Akazawa."
    ),
    (
        "Under the deal, Japan is to back U.S. investment projects worth $550 billion, Trump "
        "said, while Prime Minister Shigeru Ishiba told reporters in Tokyo the accord served both"
        " nations."
    ),
)

EXECUTIVE_ORDER = _p(
    "Trump signs order putting Japan trade deal into effect",
    "By a staff writer",
    "September 5, 2025",
    (
        "U.S. President Donald Trump signed an executive order on Thursday implementing the July "
        "22 agreement with Japan, capping tariffs on most Japanese imports, automobiles included,"
        " at 15 percent."
    ),
    (
        "The order also sets out Japan's pledge of $550 billion in U.S. investment, a point "
        "Ryosei Akazawa had pressed Washington to put in writing during a visit this week."
    ),
)

OTHER_OCCASIONS = {
    "first_round": FIRST_ROUND,
    "osaka_preview": OSAKA_PREVIEW,
    "osaka_visit": OSAKA_VISIT,
    "agreement": AGREEMENT,
    "executive_order": EXECUTIVE_ORDER,
}
