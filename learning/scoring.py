"""The MI skills profile of a scenario run: MITI-style measures, thresholds, and a written summary.

Pure arithmetic (no queries), so it is tested against hand-worked runs. Thresholds:

| measure | fair | good | source |
| --- | --- | --- | --- |
| reflections : questions | 1 : 1 | 2 : 1 | MITI 4.2 |
| complex reflections, % of reflections | 40% | 50% | MITI 4.2 |
| MI-consistent responses, % of responses | 90% | 100% | MITI 3.1.1 (% MI-adherent); 4.2 dropped it |
| change talk share -> technical global | 3 | 4 | MITI 4.2 technical global, estimated |

The technical global (cultivating change talk, softening sustain talk) is scored 1 to 5
by a coder listening to a whole session; a branching scenario cannot do that, so it is
estimated from the parent's talk the worker's responses evoked:
``1 + 4 * change / (change + sustain)``. Every ratio with a zero denominator is
reported as "not applicable" (or, for reflections with no questions, as met) rather
than as a number.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from modules.scenarios.graph import BEHAVIOUR_CODES, QUESTION_CODES, REFLECTION_CODES

GOOD = "good"
FAIR = "fair"
BELOW_FAIR = "below fair"
NOT_APPLICABLE = "not applicable"
RATING_LABELS = {
    GOOD: "Good",
    FAIR: "Fair",
    BELOW_FAIR: "Below fair",
    NOT_APPLICABLE: "Not applicable",
}

RQ_FAIR, RQ_GOOD = 1.0, 2.0
COMPLEX_FAIR, COMPLEX_GOOD = 40.0, 50.0
MIC_FAIR, MIC_GOOD = 90.0, 100.0
TECHNICAL_FAIR, TECHNICAL_GOOD = 3.0, 4.0


def _rate(value: float | None, *, fair: float, good: float) -> str:
    if value is None:
        return NOT_APPLICABLE
    # A tiny tolerance so 2/1 computed as 1.9999... still counts as 2:1.
    if value >= good - 1e-9:
        return GOOD
    if value >= fair - 1e-9:
        return FAIR
    return BELOW_FAIR


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def _percent(part: int, whole: int) -> float | None:
    return None if whole == 0 else 100.0 * part / whole


@dataclass(frozen=True)
class Measure:
    """One line of the profile: its value as text, the thresholds, and the rating."""

    name: str
    value: float | None
    display: str
    fair: str
    good: str
    rating: str
    explanation: str

    @property
    def rating_label(self) -> str:
        return RATING_LABELS[self.rating]


@dataclass(frozen=True)
class Profile:
    code_counts: dict[str, int]
    responses: int
    mi_consistent: int
    questions: int
    reflections: int
    complex_reflections: int
    change_talk: int
    sustain_talk: int

    # --- the raw ratios (None when the denominator is zero) ---

    @property
    def reflection_question_ratio(self) -> float | None:
        """Reflections per question; None when no questions were asked (see rq_display)."""
        return None if self.questions == 0 else self.reflections / self.questions

    @property
    def complex_percent(self) -> float | None:
        return _percent(self.complex_reflections, self.reflections)

    @property
    def mi_consistent_percent(self) -> float | None:
        return _percent(self.mi_consistent, self.responses)

    @property
    def change_talk_percent(self) -> float | None:
        return _percent(self.change_talk, self.change_talk + self.sustain_talk)

    @property
    def technical_estimate(self) -> float | None:
        share = self.change_talk_percent
        return None if share is None else round(1 + 4 * share / 100, 1)

    # --- ratings ---

    @property
    def rq_rating(self) -> str:
        if self.questions == 0:
            return GOOD if self.reflections > 0 else NOT_APPLICABLE
        return _rate(self.reflection_question_ratio, fair=RQ_FAIR, good=RQ_GOOD)

    @property
    def rq_display(self) -> str:
        if self.questions == 0:
            return (
                f"{self.reflections} : 0 (no questions)"
                if self.reflections
                else "no reflections or questions"
            )
        return (
            f"{self.reflection_question_ratio:.1f} : 1 ({_plural(self.reflections, 'reflection')}, "
            f"{_plural(self.questions, 'question')})"
        )

    @property
    def rq_ratio_text(self) -> str:
        """The ratio alone, e.g. "1.5 : 1", "3 : 0" or "n/a"."""
        if self.questions == 0:
            return f"{self.reflections} : 0" if self.reflections else "n/a"
        return f"{self.reflection_question_ratio:.1f} : 1"

    @property
    def rq_words(self) -> str:
        return f"{_plural(self.reflections, 'reflection')} to {_plural(self.questions, 'question')}"

    def measures(self) -> list[Measure]:
        complex_percent = self.complex_percent
        mic_percent = self.mi_consistent_percent
        technical = self.technical_estimate
        return [
            Measure(
                name="Reflections to questions",
                value=self.reflection_question_ratio,
                display=self.rq_display,
                fair="1 : 1",
                good="2 : 1",
                rating=self.rq_rating,
                explanation="Reflecting what the parent says, more than asking, keeps them talking "
                "and exploring.",
            ),
            _rated(
                "Complex reflections",
                complex_percent,
                shown=lambda v: f"{v:.0f}% ({self.complex_reflections} of {self.reflections} reflections)",
                missing="no reflections",
                thresholds=(COMPLEX_FAIR, COMPLEX_GOOD, "%"),
                explanation="Complex reflections add meaning or feeling; they move the conversation on.",
            ),
            _rated(
                "MI-consistent responses",
                mic_percent,
                shown=lambda v: f"{v:.0f}% ({self.mi_consistent} of {self.responses} responses)",
                missing="no responses",
                thresholds=(MIC_FAIR, MIC_GOOD, "%"),
                explanation="Advice without permission, persuasion and confrontation provoke defensiveness.",
            ),
            _rated(
                "Change talk evoked (technical global, estimated)",
                technical,
                shown=lambda v: (
                    f"{v:.1f} of 5 ({self.change_talk} change talk, {self.sustain_talk} sustain talk)"
                ),
                missing=f"no change or sustain talk ({self.change_talk} change, {self.sustain_talk} sustain)",
                thresholds=(TECHNICAL_FAIR, TECHNICAL_GOOD, ""),
                explanation="Estimated as 1 + 4 \u00d7 change talk \u00f7 (change + sustain talk) the parent "
                "voiced in reply.",
            ),
        ]

    def code_rows(self) -> list[tuple[str, str, int]]:
        """(code, label, count) for every MITI code, in the editor's order."""
        return [(code, label, self.code_counts.get(code, 0)) for code, label in BEHAVIOUR_CODES.items()]


def _rated(
    name: str,
    value: float | None,
    *,
    shown: Callable[[float], str],
    missing: str,
    thresholds: tuple[float, float, str],
    explanation: str,
) -> Measure:
    """A measure rated against its fair and good thresholds, shown as `shown(value)`, else as `missing`."""
    fair, good, unit = thresholds
    return Measure(
        name=name,
        value=value,
        display=shown(value) if value is not None else missing,
        fair=f"{fair:g}{unit}",
        good=f"{good:g}{unit}",
        rating=_rate(value, fair=fair, good=good),
        explanation=explanation,
    )


def profile_build(
    *, code_counts: dict[str, int], mi_consistent: int, change_talk: int, sustain_talk: int
) -> Profile:
    """A profile from counts by behaviour code and the parent's talk evoked."""
    counts = {code: int(code_counts.get(code, 0)) for code in BEHAVIOUR_CODES}
    return Profile(
        code_counts=counts,
        responses=sum(counts.values()),
        mi_consistent=mi_consistent,
        questions=sum(counts[code] for code in QUESTION_CODES),
        reflections=sum(counts[code] for code in REFLECTION_CODES),
        complex_reflections=counts["complex_reflection"],
        change_talk=change_talk,
        sustain_talk=sustain_talk,
    )


# The running totals a scenario run keeps (ScenarioAttempt's fields of these names), which a
# profile can be built from alone.
RUNNING_TOTALS = (
    "responses",
    "mi_consistent",
    "questions",
    "reflections",
    "complex_reflections",
    "change_talk",
    "sustain_talk",
)


def profile_from_totals(
    *,
    responses: int,
    mi_consistent: int,
    questions: int,
    reflections: int,
    complex_reflections: int,
    change_talk: int = 0,
    sustain_talk: int = 0,
) -> Profile:
    """A profile from running totals only (no per-code counts), e.g. for team figures."""
    return Profile(
        code_counts={},
        responses=responses,
        mi_consistent=mi_consistent,
        questions=questions,
        reflections=reflections,
        complex_reflections=complex_reflections,
        change_talk=change_talk,
        sustain_talk=sustain_talk,
    )


def profile_minimum_shortfalls(
    *, profile: Profile, min_mi_consistent_percent: int | None, min_reflection_question_ratio: Decimal | None
) -> list[str]:
    """Why a run falls short of the editor's minimum profile (empty when it meets it)."""
    shortfalls = []
    if min_mi_consistent_percent is not None:
        percent = profile.mi_consistent_percent or 0.0
        if percent + 1e-9 < min_mi_consistent_percent:
            shortfalls.append(
                f"{percent:.0f}% of your responses were MI-consistent; this scenario asks for at least "
                f"{min_mi_consistent_percent}%."
            )
    if min_reflection_question_ratio is not None:
        minimum = float(min_reflection_question_ratio)
        ratio = profile.reflection_question_ratio
        if profile.questions == 0:
            met = profile.reflections > 0 or minimum == 0
        else:
            met = ratio is not None and ratio + 1e-9 >= minimum
        if not met:
            shortfalls.append(
                f"You offered {profile.rq_display}; this scenario asks for at least {minimum:.1f} "
                "reflections per question."
            )
    return shortfalls


def profile_summary(
    *,
    profile: Profile,
    inconsistent_codes: list[str],
    readiness: tuple[int, int] | None = None,
    openness: tuple[int, int] | None = None,
) -> list[str]:
    """A short written summary: a few plain sentences a learner can act on."""
    sentences: list[str] = []
    rq = profile.rq_rating
    if rq == GOOD:
        sentences.append(
            f"You reflected at least twice as often as you asked ({profile.rq_words}): MITI's good level."
        )
    elif rq == FAIR:
        sentences.append(
            f"You reflected about as often as you asked ({profile.rq_words}): fair. "
            "Aim for two reflections to every question."
        )
    elif rq == BELOW_FAIR:
        sentences.append(
            f"You asked more than you reflected ({profile.rq_words}). "
            "Try reflecting what you heard before asking the next question."
        )
    else:
        sentences.append("You neither asked questions nor reflected: reflections are MI's main tool.")

    complex_percent = profile.complex_percent
    if complex_percent is not None:
        level = _rate(complex_percent, fair=COMPLEX_FAIR, good=COMPLEX_GOOD)
        if level == BELOW_FAIR:
            sentences.append(
                f"{complex_percent:.0f}% of your reflections were complex; go beyond the parent's words "
                "to the meaning or feeling (aim for half)."
            )
        else:
            sentences.append(f"{complex_percent:.0f}% of your reflections were complex: {level}.")

    if inconsistent_codes:
        labels = sorted({BEHAVIOUR_CODES.get(code, code).lower() for code in inconsistent_codes})
        count = len(inconsistent_codes)
        sentences.append(
            f"{count} response{'s were' if count != 1 else ' was'} MI-inconsistent ({', '.join(labels)}): "
            "these usually raise defensiveness and sustain talk. Ask permission before advising, and "
            "be clear about concerns for the child without arguing."
        )
    elif profile.responses:
        sentences.append("Every response you chose was MI-consistent.")

    if profile.change_talk or profile.sustain_talk:
        sentences.append(
            f"The parent voiced {profile.change_talk} change-talk and {profile.sustain_talk} sustain-talk "
            f"statement{'s' if profile.sustain_talk != 1 else ''} in reply to you."
        )
    if readiness and openness:
        sentences.append(
            f"Their readiness to change went from {readiness[0]} to {readiness[1]} out of 10, "
            f"and their openness from {openness[0]} to {openness[1]}."
        )
    return sentences
