# ruff: noqa: E501 - XML fragments read better on one line
"""cmi5.xml and tincan.xml: what is read from them, and every refusal with its own reason."""

import io

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from modules.packages.archive import PackageRefused
from modules.xapi_packages.structure import launch_path_check
from modules.xapi_packages.validation import package_extract, package_validate
from tests.modules.packages.corpus import zip_bytes
from tests.modules.xapi_packages.corpus import HTML, au, cmi5_package, cmi5_xml


def refusal(data: bytes) -> PackageRefused:
    with pytest.raises(PackageRefused) as caught:
        package_validate(io.BytesIO(data))
    return caught.value


def test_a_cmi5_course_is_read_with_its_aus_in_order_and_blocks_flattened():
    """Blocks nest AUs; the AUs come out in play order, each knowing the blocks around it."""
    body = (
        au(moveOn="Completed", launchMethod="OwnWindow")
        + '<block id="https://x.example/b1"><title><langstring lang="en">Block</langstring></title>'
        + au(
            id="https://x.example/au2",
            url="quiz/q.html?lang=en",
            moveOn="Passed",
            masteryScore="0.75",
            activityType="http://x.example/t",
        )
        + "</block>"
    )
    contents = package_validate(io.BytesIO(cmi5_package(body, files={"quiz/q.html": HTML})))
    structure = contents.structure
    assert (structure.kind, structure.course_id, structure.title) == ("cmi5", "https://x.example/c", "Course")
    first, second = structure.aus
    assert (first.move_on, first.launch_method, first.blocks) == ("Completed", "OwnWindow", ())
    assert (second.url, second.mastery_score, second.blocks) == (
        "quiz/q.html?lang=en",
        0.75,
        ("https://x.example/b1",),
    )
    assert second.activity_type == "http://x.example/t"
    assert [block.id for block in structure.blocks] == ["https://x.example/b1"]


def test_defaults_are_anywindow_and_notapplicable_and_whitespace_is_trimmed():
    body = '<au id="  https://x.example/au1 "><title><langstring lang="en">  Part  one </langstring></title><url> index.html </url><launchParameters> {"a":1} </launchParameters><entitlementKey> k </entitlementKey></au>'
    (unit,) = package_validate(io.BytesIO(cmi5_package(body))).structure.aus
    assert (unit.id, unit.title, unit.url) == ("https://x.example/au1", "Part one", "index.html")
    assert (unit.launch_method, unit.move_on) == ("AnyWindow", "NotApplicable")
    assert (unit.launch_parameters, unit.entitlement_key) == ('{"a":1}', "k")


def test_the_demo_package_is_valid():
    from modules.xapi_packages.demo import cmi5_demo_package_bytes

    structure = package_validate(io.BytesIO(cmi5_demo_package_bytes())).structure
    assert [unit.move_on for unit in structure.aus] == ["Completed", "Passed"]


@pytest.mark.parametrize(
    ("body", "code", "words"),
    [
        (au(url="https://cdn.example/course/index.html"), "structure-absolute-url", "outside the package"),
        (au(url="//cdn.example/index.html"), "structure-absolute-url", "outside the package"),
        (au(url="../index.html"), "structure-url-escapes", "'..'"),
        (au(url="a/../../index.html"), "structure-url-escapes", "'..'"),
        (au(url="/index.html"), "structure-bad-url", "not a path"),
        (au(url="missing.html"), "structure-missing-file", "not in the package"),
        (au(url=""), "structure-missing-url", "no url"),
        (au(moveOn="Finished"), "structure-bad-moveon", "Finished"),
        (au(launchMethod="Popup"), "structure-bad-launchmethod", "Popup"),
        (au(masteryScore="1.5"), "structure-bad-mastery", "between 0 and 1"),
        (au(masteryScore="abc"), "structure-bad-mastery", "not a number"),
        (au(masteryScore="NaN"), "structure-bad-mastery", "between 0 and 1"),
        (au(id="not an iri"), "structure-bad-id", "not an IRI"),
        (au(id=""), "structure-missing-id", "no id"),
        (au(title=""), "structure-missing-title", "no title"),
        (au() + au(), "structure-duplicate-id", "more than once"),
        ("", "structure-no-aus", "no AU"),
        (
            '<block id="https://x.example/b"><title><langstring lang="en"></langstring></title></block>',
            "structure-missing-title",
            "no title",
        ),
    ],
)
def test_each_broken_au_or_block_is_refused_for_its_reason(body, code, words):
    refused = refusal(cmi5_package(body))
    assert refused.code == code, refused.reason
    assert words in refused.reason


def test_a_course_without_id_or_title_is_refused():
    assert refusal(cmi5_package(au(), course="<course/>")).code == "structure-missing-id"
    assert (
        refusal(cmi5_package(au(), course='<course id="https://x.example/c"/>')).code
        == "structure-missing-title"
    )
    assert refusal(cmi5_package(au(), course="")).code == "structure-missing-course"


@pytest.mark.parametrize(
    ("files", "code"),
    [
        ({"cmi5.xml": b"<courseStructure", "index.html": HTML}, "structure-malformed"),
        ({"cmi5.xml": b'<!DOCTYPE x [<!ENTITY a "b">]><courseStructure/>'}, "structure-unsafe-xml"),
        ({"cmi5.xml": b"<manifest/>"}, "structure-wrong-root"),
        ({"course/cmi5.xml": b"<courseStructure/>"}, "structure-misplaced"),
        ({"CMI5.XML": b"<courseStructure/>"}, "structure-misplaced"),
        ({"imsmanifest.xml": b"<manifest/>"}, "scorm-package"),
        ({"h5p.json": b"{}"}, "h5p-package"),
        ({"index.html": HTML}, "missing-structure"),
        ({"tincan.xml": b"<tincan><activities/></tincan>"}, "structure-no-activities"),
    ],
)
def test_packages_that_are_not_xapi_or_cmi5_say_what_they_are(files, code):
    assert refusal(zip_bytes(files)).code == code


TINCAN = b"""<?xml version="1.0" encoding="utf-8"?>
<tincan xmlns="http://projecttincan.com/tincan.xsd"><activities>
<activity id="https://x.example/tc/q1" type="http://adlnet.gov/expapi/activities/cmi.interaction"><name>Q1</name></activity>
<activity id="https://x.example/tc" type="http://adlnet.gov/expapi/activities/course"><name>Tin Can course</name><launch lang="en-us">story.html</launch></activity>
</activities></tincan>"""


def test_a_tincan_package_gives_its_course_activity_and_launch_file():
    contents = package_validate(io.BytesIO(zip_bytes({"tincan.xml": TINCAN, "story.html": HTML})))
    structure = contents.structure
    assert (structure.kind, structure.course_id, structure.title) == (
        "tincan",
        "https://x.example/tc",
        "Tin Can course",
    )
    assert structure.aus[0].url == "story.html"
    assert structure.activities == ("https://x.example/tc/q1", "https://x.example/tc")


def test_a_tincan_package_launching_a_missing_file_is_refused():
    assert refusal(zip_bytes({"tincan.xml": TINCAN})).code == "structure-missing-file"


def test_cmi5_wins_when_a_package_has_both():
    data = zip_bytes(
        {"tincan.xml": TINCAN, "story.html": HTML, "cmi5.xml": cmi5_xml(au()), "index.html": HTML}
    )
    assert package_validate(io.BytesIO(data)).structure.kind == "cmi5"


def test_a_valid_package_extracts_every_file():
    written = {}
    data = cmi5_package(au())
    contents = package_validate(io.BytesIO(data))
    package_extract(
        io.BytesIO(data), contents, sink=lambda path, stream: written.setdefault(path, stream.read())
    )
    assert set(written) == {"cmi5.xml", "index.html"}


SEGMENT = st.text(alphabet="abc./%\\:?#", min_size=0, max_size=12)


@settings(max_examples=300, deadline=None)
@given(url=st.lists(SEGMENT, min_size=1, max_size=4).map("/".join))
def test_no_launch_url_is_accepted_that_leaves_the_package(url):
    """Whatever the url, an accepted one names a file of the package and never climbs out of it."""
    names = {"index.html", "a/b.html"}
    try:
        checked = launch_path_check(url, names, label="AU")
    except PackageRefused as refused:
        assert refused.reason
        return
    assert checked.split("?", 1)[0] in names
