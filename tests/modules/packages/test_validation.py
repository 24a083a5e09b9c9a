"""Every kind's validator (pure: no database) against its corpus of broken and hostile packages:
each is refused for its own reason, before anything is extracted unless only extraction can see it.
What is read from good packages is tested beside each kind (tests/modules/h5p/, scorm/, xapi_packages/)."""

import io

import pytest

from modules.packages.archive import PackageRefused
from tests.modules.packages.kinds import KINDS, every_kind

CASES = [(kind, case) for kind in KINDS for case in kind.hostile_cases()]


def _ids(cases):
    return [f"{kind.name}: {case.name}" for kind, case in cases]


def _validate_and_extract(kind, case) -> None:
    contents = kind.kind.validate(io.BytesIO(case.data), limits=case.limits)
    kind.kind.extract(
        io.BytesIO(case.data), contents, sink=lambda path, stream: stream.read(), limits=case.limits
    )


@every_kind
def test_the_corpus_has_at_least_25_distinct_hostile_cases(kind):
    """The issue asks for a corpus of at least 25 broken and hostile packages of each kind."""
    cases = kind.hostile_cases()
    assert len(cases) >= 25
    assert len({case.name for case in cases}) == len(cases)


@pytest.mark.parametrize(("kind", "case"), CASES, ids=_ids(CASES))
def test_each_hostile_package_is_refused_for_its_specific_reason(kind, case):
    """L&D upload a package that is broken, hostile or of another kind: it is refused with a plain
    reason naming what is wrong, and the code pins which rule caught it."""
    with pytest.raises(PackageRefused) as refused:
        _validate_and_extract(kind, case)
    assert refused.value.code == case.code, refused.value.reason
    assert refused.value.reason.endswith(".")
    assert len(refused.value.reason) < 300
    assert "Traceback" not in refused.value.reason


BEFORE_EXTRACTION = [(kind, case) for kind, case in CASES if not case.at_extraction]


@pytest.mark.parametrize(("kind", "case"), BEFORE_EXTRACTION, ids=_ids(BEFORE_EXTRACTION))
def test_refusals_come_before_anything_is_extracted(kind, case):
    with pytest.raises(PackageRefused):
        kind.kind.validate(io.BytesIO(case.data), limits=case.limits)


AT_EXTRACTION = [(kind, case) for kind, case in CASES if case.at_extraction]


@pytest.mark.parametrize(("kind", "case"), AT_EXTRACTION, ids=_ids(AT_EXTRACTION))
def test_lies_in_headers_pass_the_first_look_and_are_caught_while_extracting(kind, case):
    """Sizes are enforced by counting the bytes that come out, not by trusting headers."""
    contents = kind.kind.validate(io.BytesIO(case.data), limits=case.limits)
    with pytest.raises(PackageRefused) as refused:
        kind.kind.extract(
            io.BytesIO(case.data), contents, sink=lambda path, stream: stream.read(), limits=case.limits
        )
    assert refused.value.code == case.code
