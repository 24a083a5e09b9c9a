"""The MI skills profile, checked against runs worked out by hand."""

from decimal import Decimal

import pytest

from learning.scoring import (
    BELOW_FAIR,
    FAIR,
    GOOD,
    NOT_APPLICABLE,
    profile_build,
    profile_minimum_shortfalls,
    profile_summary,
)


def _profile(codes: list[str], *, consistent: int | None = None, change: int = 0, sustain: int = 0):
    counts: dict[str, int] = {}
    for code in codes:
        counts[code] = counts.get(code, 0) + 1
    inconsistent = {"advice_without_permission", "persuasion", "confrontation"}
    if consistent is None:
        consistent = sum(1 for code in codes if code not in inconsistent)
    return profile_build(
        code_counts=counts, mi_consistent=consistent, change_talk=change, sustain_talk=sustain
    )


def _ratings(profile):
    return [measure.rating for measure in profile.measures()]


def test_a_mostly_good_run_worked_by_hand():
    """Six responses: 2 complex + 1 simple reflection, 1 open question, 1 confrontation, 1 summary.

    R = 3, Q = 1 -> 3.0 : 1 (good, >= 2:1); complex 2/3 = 67% (good, >= 50%);
    MI-consistent 5/6 = 83% (below fair, < 90%); change talk 3 of 4 = 75% -> 1 + 4 * 0.75 = 4.0 (good).
    """
    profile = _profile(
        [
            "complex_reflection",
            "open_question",
            "simple_reflection",
            "confrontation",
            "complex_reflection",
            "summary",
        ],
        change=3,
        sustain=1,
    )
    assert (profile.responses, profile.reflections, profile.questions, profile.complex_reflections) == (
        6,
        3,
        1,
        2,
    )
    assert profile.reflection_question_ratio == 3.0
    assert round(profile.complex_percent, 1) == 66.7
    assert round(profile.mi_consistent_percent, 1) == 83.3
    assert profile.technical_estimate == 4.0
    assert _ratings(profile) == [GOOD, GOOD, BELOW_FAIR, GOOD]
    assert profile.code_counts["complex_reflection"] == 2
    assert profile.code_counts["persuasion"] == 0


def test_a_question_heavy_run_worked_by_hand():
    """Two open and two closed questions, two simple reflections, two affirmations.

    R = 2, Q = 4 -> 0.5 : 1 (below fair); complex 0/2 = 0% (below fair); all 8 consistent = 100% (good);
    change 1, sustain 3 -> 25% -> 1 + 4 * 0.25 = 2.0 (below fair).
    """
    profile = _profile(
        ["open_question", "closed_question", "open_question", "closed_question"]
        + ["simple_reflection"] * 2
        + ["affirmation"] * 2,
        change=1,
        sustain=3,
    )
    assert profile.reflection_question_ratio == 0.5
    assert profile.complex_percent == 0.0
    assert profile.mi_consistent_percent == 100.0
    assert profile.technical_estimate == 2.0
    assert _ratings(profile) == [BELOW_FAIR, BELOW_FAIR, GOOD, BELOW_FAIR]


def test_thresholds_are_inclusive_at_fair_and_good():
    """Exactly 1:1 is fair, exactly 2:1 good; exactly 40% complex fair, 50% good; 90% MIC fair."""
    one_to_one = _profile(["simple_reflection", "open_question"])
    assert one_to_one.measures()[0].rating == FAIR
    two_to_one = _profile(["simple_reflection", "complex_reflection", "open_question"])
    assert two_to_one.measures()[0].rating == GOOD
    assert two_to_one.measures()[1].rating == GOOD  # 1 of 2 = 50%
    forty = _profile(["complex_reflection"] * 2 + ["simple_reflection"] * 3)
    assert forty.measures()[1].rating == FAIR
    ninety = _profile(["affirmation"] * 9 + ["persuasion"])
    assert ninety.measures()[2].rating == FAIR
    half = _profile(["summary"], change=1, sustain=1)
    assert half.technical_estimate == 3.0 and half.measures()[3].rating == FAIR


def test_zero_denominators_are_not_applicable_not_errors():
    """A run of advice only: no reflections, no questions, no parent talk evoked."""
    profile = _profile(["advice_without_permission", "giving_information"])
    assert profile.reflection_question_ratio is None
    assert profile.complex_percent is None
    assert profile.change_talk_percent is None
    assert _ratings(profile) == [NOT_APPLICABLE, NOT_APPLICABLE, BELOW_FAIR, NOT_APPLICABLE]
    assert profile.rq_display == "no reflections or questions"
    empty = _profile([])
    assert empty.mi_consistent_percent is None and empty.measures()[2].rating == NOT_APPLICABLE


def test_reflections_without_questions_meet_the_good_ratio():
    profile = _profile(["simple_reflection", "complex_reflection"])
    assert profile.reflection_question_ratio is None
    assert profile.rq_rating == GOOD
    assert profile.rq_display == "2 : 0 (no questions)"


def test_an_override_counts_in_the_mi_consistent_share():
    """A closed question the editor marked MI-inconsistent: the share comes from the recorded flags."""
    profile = _profile(["closed_question", "simple_reflection"], consistent=1)
    assert profile.mi_consistent_percent == 50.0


@pytest.mark.parametrize(
    ("codes", "minimum_percent", "minimum_ratio", "shortfalls"),
    [
        (["simple_reflection", "confrontation"], 90, None, 1),
        (["simple_reflection", "affirmation"], 90, None, 0),
        (["simple_reflection", "open_question"], None, Decimal("2.0"), 1),
        (["simple_reflection", "complex_reflection", "open_question"], None, Decimal("2.0"), 0),
        (["simple_reflection"], None, Decimal("2.0"), 0),
        (["affirmation"], None, Decimal("1.0"), 1),
        (["affirmation"], None, None, 0),
    ],
)
def test_the_editors_minimum_profile(codes, minimum_percent, minimum_ratio, shortfalls):
    profile = _profile(codes)
    found = profile_minimum_shortfalls(
        profile=profile,
        min_mi_consistent_percent=minimum_percent,
        min_reflection_question_ratio=minimum_ratio,
    )
    assert len(found) == shortfalls


def test_the_written_summary_names_what_to_work_on():
    profile = _profile(
        ["open_question", "open_question", "simple_reflection", "persuasion"], change=1, sustain=2
    )
    sentences = profile_summary(
        profile=profile, inconsistent_codes=["persuasion"], readiness=(3, 2), openness=(4, 1)
    )
    text = " ".join(sentences)
    assert "You asked more than you reflected (1 reflection to 2 questions)" in text
    assert "1 response was MI-inconsistent (persuasion)" in text
    assert "1 change-talk and 2 sustain-talk statements" in text
    assert "readiness to change went from 3 to 2" in text
