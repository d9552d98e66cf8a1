"""Coreference metrics on the official CoNLL-2012 reference-scorer test cases.

Source: github.com/conll/reference-coreference-scorers, test/TestCases.README and
test/CorefMetricTestConfig.pm. Each letter is a mention; {bc} is a cluster. An upper-case letter
is a different mention overlapping its lower-case twin (TC-A-5, TC-A-6), except in TC-A-7/8/9
where it is the same mention repeated (the scorer de-duplicates: we write it as the lower-case
letter again). Expected values are the exact fractions of the README and the Perl config.
"""

from __future__ import annotations

from fractions import Fraction as F

import pytest

from tarifftalks.scoring.coref import b_cubed, ceaf_e, coref_counts, lea, muc


def clusters(spec: str) -> list[list[str]]:
    return [list(c) for c in spec.split()]


def rp(counts: tuple) -> tuple[F, F]:
    r_num, r_den, p_num, p_den = counts
    return (F(r_num) / r_den if r_den else F(0), F(p_num) / p_den if p_den else F(0))


KEY_A = "a bc def"

# id: (key, response, {metric: (recall, precision)})
CASES = {
    "A1": (
        KEY_A,
        "a bc def",
        {
            "muc": (F(1), F(1)),
            "bcub": (F(1), F(1)),
            "ceafe": (F(1), F(1)),
            "lea": (F(1), F(1)),
        },
    ),
    "A2": (
        KEY_A,
        "a de",
        {
            "muc": (F(1, 3), F(1)),
            "bcub": (F(7, 18), F(1)),
            "ceafe": (F(9, 5) / 3, F(9, 5) / 2),
            "lea": (F(1, 3), F(1)),
        },
    ),
    "A3": (
        KEY_A,
        "a bcx defy z",
        {
            "muc": (F(1), F(3, 5)),
            "bcub": (F(1), F(55, 108)),
            "ceafe": ((1 + F(4, 5) + F(6, 7)) / 3, (1 + F(4, 5) + F(6, 7)) / 4),
            "lea": (F(1), (1 + 3 * F(1, 3) + 4 * F(3, 6)) / 9),
        },
    ),
    "A4": (
        KEY_A,
        "a bcx dy z",
        {
            "muc": (F(1, 3), F(1, 3)),
            "bcub": (F(5, 9), F(17, 42)),
            "ceafe": (F(11, 5) / 3, F(11, 5) / 4),
            "lea": (F(1, 2), (1 + 3 * F(1, 3)) / 7),
        },
    ),
    "A5": (
        KEY_A,
        "a bcxB dy z",
        {
            "muc": (F(1, 3), F(1, 4)),
            "bcub": (F(5, 9), F(5, 16)),
            "ceafe": ((1 + F(4, 6) + F(2, 5)) / 3, (1 + F(4, 6) + F(2, 5)) / 4),
            "lea": (F(1, 2), (1 + 4 * F(1, 6)) / 8),
        },
    ),
    "A6": (
        KEY_A,
        "a bcx dy Bz",
        {
            "muc": (F(1, 3), F(1, 4)),
            "bcub": (F(5, 9), F(17, 48)),
            "ceafe": (F(11, 5) / 3, F(11, 5) / 4),
            "lea": (F(1, 2), (1 + F(3, 3)) / 8),
        },
    ),
    "A7": (
        KEY_A,
        "a bcxb dy z",
        {  # duplicate in the same cluster
            "muc": (F(1, 3), F(1, 3)),
            "bcub": (F(5, 9), F(17, 42)),
            "ceafe": (F(11, 5) / 3, F(11, 5) / 4),
            "lea": (F(1, 2), F(2, 7)),
        },
    ),
    "A8": (
        KEY_A,
        "a bcx dy bz",
        {  # duplicate in another cluster
            "muc": (F(1, 3), F(1, 3)),
            "bcub": (F(5, 9), F(17, 42)),
            "ceafe": (F(11, 5) / 3, F(11, 5) / 4),
            "lea": (F(1, 2), F(2, 7)),
        },
    ),
    "A9": (
        KEY_A,
        "a bcx dy bbbbbbbbbbz",
        {  # b repeated ten times
            "muc": (F(1, 3), F(1, 3)),
            "bcub": (F(5, 9), F(17, 42)),
            "ceafe": (F(11, 5) / 3, F(11, 5) / 4),
            "lea": (F(1, 2), F(2, 7)),
        },
    ),
    "A10": (
        KEY_A,
        "a b c d e f",
        {
            "muc": (F(0), F(0)),
            "bcub": (F(3, 6), F(1)),
            "lea": (F(1, 6), F(1, 6)),
        },
    ),
    "A11": (
        KEY_A,
        "abcdef",
        {
            "muc": (F(1), F(3, 5)),
            "bcub": (F(1), (F(1, 6) + 2 * F(2, 6) + 3 * F(3, 6)) / 6),
            "lea": (F(5, 6), 6 * F(4, 15) / 6),
        },
    ),
    "A12": (
        KEY_A,
        "a x y c d e z",
        {
            "muc": (F(0), F(0)),
            "bcub": ((1 + F(1, 2) + F(2, 3)) / 6, F(4, 7)),
            "lea": (F(1, 6), F(1, 7)),
        },
    ),
    "A13": (
        KEY_A,
        "axycdez",
        {
            "muc": (F(1, 3), F(1, 6)),
            "bcub": ((1 + F(1, 2) + 2 * F(2, 3)) / 6, (F(1, 7) + F(1, 7) + 2 * F(2, 7)) / 7),
            "lea": (F(1, 6), 7 * F(1, 21) / 7),
        },
    ),
    "B1": ("ab cde", "bcx de", {"lea": ((2 * 0 + 3 * F(1, 3)) / 5, (3 * 0 + 2) / F(5))}),
    "C1": ("ab cde fg", "bcx de fg", {"lea": ((2 * 0 + 3 * F(1, 3) + 2) / 7, F(3 * 0 + 2 + 2, 7))}),
    "D1": (
        "12345 67 89ABC",
        "12345 6789ABC",
        {
            "muc": (F(9, 9), F(9, 10)),
            "bcub": (F(12, 12), F(16, 21)),
            "lea": (F(5 + 2 + 5, 12), (5 + 7 * F(11, 21)) / 12),
        },
    ),
    "E1": (
        "12345 67 89ABC",
        "1234589ABC 67",
        {
            "muc": (F(9, 9), F(9, 10)),
            "bcub": (F(1), F(7, 12)),
            "lea": (F(5 + 2 + 5, 12), (10 * F(20, 45) + 2) / 12),
        },
    ),
    "F1": ("ABCD", "AB CD", {"muc": (F(2, 3), F(2, 2)), "lea": (4 * F(2, 6) / 4, F(2 + 2, 4))}),
    "G1": ("AB CD", "ABCD", {"muc": (F(2, 2), F(2, 3)), "lea": (F(1), 4 * F(2, 6) / 4)}),
    "H1": ("ABCD", "ABCD", {"muc": (F(1), F(1)), "lea": (F(1), F(1))}),
    "I1": ("ABCD", "AB CD", {"muc": (F(2, 3), F(2, 2)), "lea": (4 * F(2, 6) / 4, F(2 + 2, 4))}),
    "J1": ("ABC", "AC", {"muc": (F(1, 2), F(1, 1)), "lea": (3 * F(1, 3) / 3, F(1))}),
    "K1": (
        "BCDEGHJ",
        "ABC DEF GHI",
        {
            "muc": (F(3, 6), F(3, 6)),
            "lea": (7 * F(1 + 1 + 1, 21) / 7, (F(3, 3) * 3) / 9),
        },
    ),
    "L1": (
        "ABC DEFG",
        "AB CD FGH",
        {
            "muc": (F(2, 5), F(2, 4)),
            "lea": ((3 * F(1, 3) + 4 * F(1, 6)) / 7, (2 + 2 * 0 + F(3, 3)) / 7),
        },
    ),
    "M1": (
        "abcdef",
        "abcdef",
        {
            "muc": (F(1), F(1)),
            "bcub": (F(1), F(1)),
            "ceafe": (F(1), F(1)),
            "lea": (F(1), F(1)),
        },
    ),
    "M2": ("abcdef", "a b c d e f", {"muc": (F(0), F(0)), "lea": (F(0), F(0))}),
    "M3": ("abcdef", "ab cde f", {"lea": (6 * F(4, 15) / 6, F(2 + 3 + 0, 6))}),
    "M4": ("abcdef", "abcxyz", {"lea": (6 * F(3, 15) / 6, 6 * F(3, 15) / 6)}),
    "M5": ("abcdef", "a b c x y z", {"muc": (F(0), F(0)), "lea": (F(0), F(0))}),
    "M6": ("abcdef", "ab cxy z", {"lea": (6 * F(1, 15) / 6, F(2, 6))}),
    "N1": (
        "a b c d e f",
        "a b c d e f",
        {
            "muc": (F(0), F(0)),
            "bcub": (F(1), F(1)),
            "ceafe": (F(1), F(1)),
            "lea": (F(1), F(1)),
        },
    ),
    "N2": ("a b c d e f", "abcdef", {"lea": (F(0), F(0))}),
    "N3": ("a b c d e f", "ab cde f", {"lea": (F(1, 6), F(1, 6))}),
    "N4": ("a b c d e f", "a b c x y z", {"muc": (F(0), F(0)), "lea": (F(3, 6), F(3, 6))}),
    "N5": ("a b c d e f", "abcxyz", {"lea": (F(0), F(0))}),
    "N6": ("a b c d e f", "ab cxy z", {"lea": (F(0), F(0))}),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_reference_scorer_case(case: str) -> None:
    key, response, expected = CASES[case]
    got = coref_counts(clusters(key), clusters(response), exact=True)
    for metric, (recall, precision) in expected.items():
        assert rp(got[metric]) == (recall, precision), f"{case} {metric}"


def test_reference_f1_values() -> None:
    """F1s as the Perl config states them (TC-A-2 .. TC-A-4)."""
    a2 = clusters(KEY_A), clusters("a de")
    assert muc(*a2, exact=True)["f1"] == F(1, 2)
    assert b_cubed(*a2, exact=True)["f1"] == F(14, 25)
    assert ceaf_e(*a2, exact=True)["f1"] == F(18, 25)  # 3.6 / 5
    a3 = clusters(KEY_A), clusters("a bcx defy z")
    assert b_cubed(*a3, exact=True)["f1"] == F(110, 163)
    assert muc(*a3, exact=True)["f1"] == F(3, 4)
    a4 = clusters(KEY_A), clusters("a bcx dy z")
    assert ceaf_e(*a4, exact=True)["f1"] == F(22, 35)  # 4.4 / 7 = 0.62857
    assert float(lea(*a4, exact=True)["f1"]) == pytest.approx(0.36, abs=0.005)


def test_floats_match_exact() -> None:
    key, resp = clusters(KEY_A), clusters("a bcxB dy z")
    exact = coref_counts(key, resp, exact=True)
    fast = coref_counts(key, resp)
    for m in exact:
        assert [float(x) for x in exact[m]] == pytest.approx([float(x) for x in fast[m]])
