# ruff: noqa: E501 - manifest fragments read better on one line
"""SCORM package validation: good packages and SCORM's own rules. The hostile corpus
(tests/modules/scorm/corpus.py) runs in the shared tests/modules/packages/test_validation.py."""

import io

import pytest

from modules.scorm.validation import package_validate
from tests.modules.scorm.corpus import package_12, package_2004, well_formed_cases


@pytest.mark.parametrize(
    ("name", "data", "version"), well_formed_cases(), ids=[c[0] for c in well_formed_cases()]
)
def test_well_formed_packages_are_accepted_with_their_version(name, data, version):
    contents = package_validate(io.BytesIO(data))
    assert contents.manifest.version == version
    assert contents.manifest.scos
    assert not any(
        entry.path.startswith(("__MACOSX", ".")) or "/." in entry.path for entry in contents.entries
    )


def test_scorm_12_item_data_is_read():
    item = package_validate(io.BytesIO(package_12())).manifest.items[0]
    assert (item.identifier, item.title, item.launch, item.sco) == ("ITEM1", "Lesson one", "index.html", True)
    assert item.mastery_score == 80
    assert item.max_time == "00:30:00"
    assert item.data_from_lms == "level=1"


def test_scorm_2004_multi_sco_items_carry_their_sequencing_data():
    manifest = package_validate(io.BytesIO(package_2004())).manifest
    assert [item.identifier for item in manifest.scos] == ["ITEM1", "ITEM2"]
    first = manifest.items[0]
    assert first.launch == "part1/index.html"
    assert first.scaled_passing_score == 0.7
    assert first.completion_threshold == 0.8
    assert first.max_time == "PT1H"
    assert manifest.organisation == "Working with families"


def test_a_default_naming_no_organisation_plays_the_first_and_says_so():
    from tests.modules.scorm.corpus import manifest_12

    data = package_12({"imsmanifest.xml": manifest_12(default="MISSING")})
    manifest = package_validate(io.BytesIO(data)).manifest
    assert manifest.items[0].identifier == "ITEM1"
    assert any("is not in the manifest; the first" in note for note in manifest.notes)


def test_a_package_with_no_organisation_plays_its_sco_resources_in_order():
    from tests.modules.scorm.corpus import manifest_12

    data = package_12({"imsmanifest.xml": manifest_12(organisations="")})
    manifest = package_validate(io.BytesIO(data)).manifest
    assert [item.launch for item in manifest.items] == ["index.html"]
    assert any("no organisation" in note for note in manifest.notes)


def test_item_parameters_and_xml_base_make_the_launch_address():
    from tests.modules.scorm.corpus import manifest_12

    xml = manifest_12(
        organisations='<organization identifier="ORG"><title>T</title>'
        '<item identifier="I" identifierref="R" parameters="?page=2"><title>x</title></item></organization>',
        resources='<resource identifier="R" type="webcontent" adlcp:scormtype="sco" xml:base="course/" href="start.html?lang=en"/>',
    )
    data = package_12({"imsmanifest.xml": xml, "course/start.html": b"<html></html>"})
    item = package_validate(io.BytesIO(data)).manifest.items[0]
    assert item.launch == "course/start.html?lang=en&page=2"
    assert item.launch_file == "course/start.html"
