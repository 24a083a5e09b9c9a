"""Every rule of H5P's metadata validator, one package each that breaks exactly that rule.

Each case changes one field of the corpus package's h5p.json or library.json; the
package must be refused with the rule's code and a reason naming the file and field.
A last test checks that every field of the rule tables has a case here.
"""

import io
import json

import pytest

from modules.h5p.metadata import (
    H5P_JSON_OPTIONAL,
    H5P_JSON_REQUIRED,
    LIBRARY_JSON_OPTIONAL,
    LIBRARY_JSON_REQUIRED,
    PLAYER_CORE_API,
)
from modules.h5p.validation import package_validate
from modules.packages.archive import PackageRefused
from tests.modules.h5p.corpus import LIB, h5p_json, library_json, package

LIBRARY_FILE = f"{LIB}/library.json"
MISSING = object()
DEP = {"machineName": "H5P.Corpus", "majorVersion": 1, "minorVersion": 0}


def _with(data: dict, field: str, value) -> dict:
    data = dict(data)
    if value is MISSING:
        data.pop(field, None)
    else:
        data[field] = value
    return data


# (file, field, bad value, expected code, text the reason must contain)
H5P_CASES = [
    ("title", MISSING, "h5p-json-title", "title is required"),
    ("title", "x" * 256, "h5p-json-title", "title must be 1 to 255 characters"),
    ("title", "Two\nlines", "h5p-json-title", "title must be 1 to 255 characters on one line"),
    ("title", True, "h5p-json-title", "title must be"),
    ("title", "   ", "h5p-json-title", "title must not be blank"),
    ("title", "Tab\x01le", "h5p-json-title", "title contains a control character"),
    ("language", MISSING, "h5p-json-language", "language is required"),
    ("language", "en_GB", "h5p-json-language", "language must be a language code"),
    ("language", "abcdefghijk", "h5p-json-language", "language must be a language code"),
    ("preloadedDependencies", MISSING, "h5p-json-dependencies", "preloadedDependencies is required"),
    ("preloadedDependencies", [], "h5p-json-dependencies", "preloadedDependencies must list at least one"),
    ("preloadedDependencies", "H5P.Corpus", "h5p-json-dependencies", "preloadedDependencies must be a list"),
    (
        "preloadedDependencies",
        [{"machineName": "H5P.Corpus", "majorVersion": 1}],
        "invalid-version",
        "preloadedDependencies[0].minorVersion is required",
    ),
    (
        "preloadedDependencies",
        [{**DEP, "machineName": "H5P Corpus"}],
        "invalid-dependencies",
        "preloadedDependencies[0].machineName must be",
    ),
    (
        "preloadedDependencies",
        [{**DEP, "majorVersion": 123456}],
        "invalid-version",
        "preloadedDependencies[0].majorVersion must be a whole number",
    ),
    (
        "preloadedDependencies",
        [{**DEP, "majorVersion": 1.0}],
        "invalid-version",
        "preloadedDependencies[0].majorVersion must be a whole number",
    ),
    ("mainLibrary", MISSING, "h5p-json-main-library", "mainLibrary is required"),
    ("mainLibrary", "H5P.Corpus-Two", "h5p-json-main-library", "mainLibrary must be a library name"),
    ("mainLibrary", "9Corpus", "h5p-json-main-library", "mainLibrary must be a library name"),
    ("mainLibrary", "A", "h5p-json-main-library", "mainLibrary must be a library name"),
    ("embedTypes", MISSING, "h5p-json-embed-types", "embedTypes is required"),
    ("embedTypes", ["flash"], "h5p-json-embed-types", "embedTypes must be a list of 'iframe' or 'div'"),
    ("embedTypes", "iframe", "h5p-json-embed-types", "embedTypes must be a list"),
    ("embedTypes", [], "h5p-json-embed-types", "embedTypes must list"),
    ("contentType", "", "h5p-json-content-type", "contentType must be 1 to 255 characters"),
    ("contentType", None, "h5p-json-content-type", "contentType must be"),
    (
        "dynamicDependencies",
        [{"machineName": "H5P.Video"}],
        "invalid-version",
        "dynamicDependencies[0].majorVersion is required",
    ),
    ("author", "x" * 256, "h5p-json-author", "author must be 1 to 255 characters"),
    ("authors", [{"name": "A. Trainer"}], "h5p-json-authors", "authors[0].role is required"),
    (
        "authors",
        [{"name": "A", "role": "Co author"}],
        "h5p-json-authors",
        "authors[0].role must be a single word",
    ),
    ("authors", {"name": "A", "role": "Author"}, "h5p-json-authors", "authors must be a list of objects"),
    ("source", "ftp://example.org/x", "h5p-json-source", "source must be a web address"),
    ("license", "CC-BY", "h5p-json-license", "license must be one of H5P's licence codes"),
    ("licenseVersion", "5.0", "h5p-json-license-version", "licenseVersion must be one of 1.0"),
    ("licenseExtras", "x" * 5001, "h5p-json-license-extras", "licenseExtras must be 1 to 5,000 characters"),
    ("yearsFrom", "20245", "h5p-json-years-from", "yearsFrom must be a year"),
    ("yearsTo", "twenty", "h5p-json-years-to", "yearsTo must be a year"),
    (
        "changes",
        [{"date": "2024-07-08", "author": "L&D", "log": "x"}],
        "h5p-json-changes",
        "changes[0].date must be a date and time",
    ),
    (
        "changes",
        [{"date": "08-07-24 9:30:00", "author": "L&D"}],
        "h5p-json-changes",
        "changes[0].log is required",
    ),
    (
        "changes",
        [{"date": "08-07-24 9:30:00", "author": "", "log": "x"}],
        "h5p-json-changes",
        "changes[0].author must be 1 to 255",
    ),
    ("authorComments", "", "h5p-json-author-comments", "authorComments must be 1 to 5,000 characters"),
    ("w", "wide", "h5p-json-w", "w must be a whole number of 1 to 4 digits"),
    ("h", 12345, "h5p-json-h", "h must be a whole number of 1 to 4 digits"),
    ("metaKeywords", "", "h5p-json-meta-keywords", "metaKeywords must be at least one character"),
    (
        "metaDescription",
        "a\nb",
        "h5p-json-meta-description",
        "metaDescription must be at least one character",
    ),
]

LIBRARY_CASES = [
    ("title", MISSING, "invalid-library-json", "title is required"),
    ("title", "x" * 256, "invalid-library-json", "title must be 1 to 255 characters"),
    ("majorVersion", MISSING, "invalid-version", "majorVersion is required"),
    ("minorVersion", "one", "invalid-version", "minorVersion must be a whole number"),
    ("patchVersion", "1.0.3", "invalid-version", "patchVersion must be a whole number"),
    ("machineName", "H5P Corpus", "invalid-library-json", "machineName must be 1 to 255 letters"),
    ("machineName", "H5P.Çorpus", "invalid-library-json", "machineName must be 1 to 255 letters"),
    ("runnable", MISSING, "invalid-library-json", "runnable is required"),
    ("runnable", True, "invalid-library-json", "runnable must be 0 or 1"),
    ("runnable", 2, "invalid-library-json", "runnable must be 0 or 1"),
    ("author", "", "invalid-library-json", "author must be 1 to 255 characters"),
    ("license", "Apache-2.0", "invalid-library-json", "license must be one of H5P's library licence codes"),
    ("description", "", "invalid-library-json", "description must be at least one character"),
    (
        "metadataSettings",
        {"disable": 1},
        "invalid-library-json",
        "metadataSettings.disableExtraTitleField is required",
    ),
    (
        "metadataSettings",
        {"disable": 2, "disableExtraTitleField": 0},
        "invalid-library-json",
        "metadataSettings.disable must be 0 or 1",
    ),
    ("metadataSettings", [0, 1], "invalid-library-json", "metadataSettings must be an object"),
    (
        "dynamicDependencies",
        [{"machineName": "H5P.Video", "majorVersion": "x", "minorVersion": 1}],
        "invalid-version",
        "dynamicDependencies[0].majorVersion must be",
    ),
    (
        "preloadedDependencies",
        [{"majorVersion": 1, "minorVersion": 0}],
        "invalid-dependencies",
        "preloadedDependencies[0].machineName is required",
    ),
    (
        "editorDependencies",
        [{"machineName": "H5PEditor/Tabs", "majorVersion": 1, "minorVersion": 0}],
        "invalid-dependencies",
        "editorDependencies[0].machineName must be",
    ),
    ("preloadedJs", [{"path": "corpus.jsx"}], "invalid-library-json", "preloadedJs[0].path must be a path"),
    ("preloadedJs", [{"path": "$corpus.js"}], "invalid-library-json", "preloadedJs[0].path must be a path"),
    ("preloadedJs", [{"file": "corpus.js"}], "invalid-library-json", "preloadedJs[0].path is required"),
    ("preloadedCss", [{"path": "corpus.js"}], "invalid-library-json", "preloadedCss[0].path must be a path"),
    (
        "dropLibraryCss",
        [{"name": "H5P.Corpus"}],
        "invalid-library-json",
        "dropLibraryCss[0].machineName is required",
    ),
    ("w", -1, "invalid-library-json", "w must be a whole number"),
    ("h", "tall", "invalid-library-json", "h must be a whole number"),
    (
        "embedTypes",
        ["div", "object"],
        "invalid-library-json",
        "embedTypes must be a list of 'iframe' or 'div'",
    ),
    ("fullscreen", "yes", "invalid-library-json", "fullscreen must be 0 or 1"),
    ("coreApi", {"majorVersion": 1}, "invalid-library-json", "coreApi.minorVersion is required"),
    (
        "coreApi",
        {"majorVersion": 1, "minorVersion": "x"},
        "invalid-library-json",
        "coreApi.minorVersion must be",
    ),
]


def _refusal(data: bytes) -> PackageRefused:
    with pytest.raises(PackageRefused) as refused:
        package_validate(io.BytesIO(data))
    return refused.value


@pytest.mark.parametrize(
    "field,value,code,says", H5P_CASES, ids=[f"{c[0]}-{i}" for i, c in enumerate(H5P_CASES)]
)
def test_an_h5p_json_field_breaking_its_rule_is_refused_naming_file_and_field(field, value, code, says):
    """L&D uploading a package whose h5p.json breaks one of H5P's rules is told which field, and why."""
    refused = _refusal(package({"h5p.json": json.dumps(_with(h5p_json(), field, value)).encode()}))
    assert refused.code == code, refused.reason
    assert refused.reason.startswith("h5p.json: ")
    assert says in refused.reason
    assert refused.reason.endswith(".")


@pytest.mark.parametrize(
    "field,value,code,says", LIBRARY_CASES, ids=[f"{c[0]}-{i}" for i, c in enumerate(LIBRARY_CASES)]
)
def test_a_library_json_field_breaking_its_rule_is_refused_naming_file_and_field(field, value, code, says):
    """A library.json breaking one of H5P's rules is refused, naming the library's file and the field."""
    refused = _refusal(package({LIBRARY_FILE: json.dumps(_with(library_json(), field, value)).encode()}))
    assert refused.code == code, refused.reason
    assert refused.reason.startswith(f"{LIBRARY_FILE}: ")
    assert says in refused.reason


def test_a_library_needing_a_newer_h5p_core_than_the_player_is_refused():
    """A library built for a newer H5P core than our player would break in it, so it is refused."""
    major, minor = PLAYER_CORE_API
    newer = {"majorVersion": major, "minorVersion": minor + 1}
    refused = _refusal(package({LIBRARY_FILE: json.dumps(library_json(coreApi=newer)).encode()}))
    assert refused.code == "core-api-unsupported"
    assert LIBRARY_FILE in refused.reason
    same = {"majorVersion": major, "minorVersion": minor}
    package_validate(io.BytesIO(package({LIBRARY_FILE: json.dumps(library_json(coreApi=same)).encode()})))


def test_an_empty_optional_list_means_none_given_and_is_accepted():
    """Some tools write "authors": [] or "changes": [] for none; that is not an error."""
    data = h5p_json(authors=[], changes=[], dynamicDependencies=[])
    package_validate(io.BytesIO(package({"h5p.json": json.dumps(data).encode()})))


def test_versions_and_sizes_may_be_numbers_or_digit_strings_as_in_real_exports():
    """Real exports write 1 or "1"; H5P accepts both and so do we."""
    h5p = h5p_json(w=800, h="600", preloadedDependencies=[{**DEP, "majorVersion": "1", "minorVersion": 0}])
    library = library_json(majorVersion="1", runnable="1", fullscreen=0)
    manifest = package_validate(
        io.BytesIO(
            package({"h5p.json": json.dumps(h5p).encode(), LIBRARY_FILE: json.dumps(library).encode()})
        )
    )
    assert str(manifest.main_library) == "H5P.Corpus 1.0"


def test_fields_the_rules_do_not_know_are_ignored():
    """H5P ignores fields it has no rule for (such as defaultLanguage); so do we."""
    data = h5p_json(defaultLanguage="en", a11yTitle="A title for screen readers", anything={"x": [1]})
    package_validate(io.BytesIO(package({"h5p.json": json.dumps(data).encode()})))


def test_every_field_of_the_rule_tables_has_a_refusal_case():
    """Adding a rule to a table without a test for it fails here."""
    assert {case[0] for case in H5P_CASES} == set(H5P_JSON_REQUIRED) | set(H5P_JSON_OPTIONAL)
    assert {case[0] for case in LIBRARY_CASES} == set(LIBRARY_JSON_REQUIRED) | set(LIBRARY_JSON_OPTIONAL)
