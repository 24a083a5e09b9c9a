"""The H5P package validator (pure: no database) against good packages and H5P's own rules. The hostile
corpus (tests/modules/h5p/corpus.py) runs in the shared tests/modules/packages/test_validation.py."""

import io

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from modules.h5p.metadata import CONTENT_EXTENSIONS, LIBRARY_EXTENSIONS
from modules.h5p.validation import package_extract, package_validate
from modules.packages.archive import PackageRefused
from tests.modules.h5p.corpus import package, well_formed_cases


def validate_and_extract(data: bytes, limits=None) -> dict[str, bytes]:
    kwargs = {"limits": limits} if limits else {}
    manifest = package_validate(io.BytesIO(data), **kwargs)
    written: dict[str, bytes] = {}

    def sink(path, stream):
        written[path] = stream.read()

    package_extract(io.BytesIO(data), manifest, sink=sink, **kwargs)
    return written


@pytest.mark.parametrize("name,data", well_formed_cases(), ids=[name for name, _ in well_formed_cases()])
def test_well_formed_packages_are_accepted_and_extracted(name, data):
    """Real exports vary: string versions, BOMs, macOS litter; all of these must be accepted."""
    written = validate_and_extract(data)
    assert "h5p.json" in written
    assert "content/content.json" in written
    assert not [path for path in written if any(part[0] in "._" for part in path.split("/"))]


def test_ignored_entries_are_not_extracted_even_when_dangerous():
    """H5P ignores dot and underscore names; we never unpack them (nor loose top-level files)."""
    data = package({"content/.evil.html": b"<script></script>", "__MACOSX/x.exe": b"MZ", "notes.txt": b"x"})
    written = validate_and_extract(data)
    assert "content/.evil.html" not in written
    assert "__MACOSX/x.exe" not in written
    assert "notes.txt" not in written


def test_the_manifest_names_title_language_and_main_library():
    manifest = package_validate(io.BytesIO(package()))
    assert manifest.title == "A corpus package"
    assert manifest.language == "en"
    assert str(manifest.main_library) == "H5P.Corpus 1.0"
    assert manifest.main_library.folder == "H5P.Corpus-1.0"
    assert manifest.libraries["H5P.Corpus-1.0"].preloaded_js == ("corpus.js",)


def test_extraction_reports_progress_to_the_last_entry():
    data = package()
    manifest = package_validate(io.BytesIO(data))
    seen = []
    package_extract(
        io.BytesIO(data), manifest, sink=lambda p, s: s.read(), progress=lambda d, t: seen.append((d, t))
    )
    assert seen[-1] == (len(manifest.entries), len(manifest.entries))


def test_content_whitelist_follows_h5p_defaults_and_libraries_add_scripts_and_styles():
    """H5P's defaults: no scripts in content; libraries may also carry .js and .css."""
    assert {"json", "png", "mp4", "vtt", "svg"} <= CONTENT_EXTENSIONS
    assert not {"js", "css", "html", "php", "exe"} & CONTENT_EXTENSIONS
    assert {"js", "css"} == LIBRARY_EXTENSIONS - CONTENT_EXTENSIONS


@settings(max_examples=200, deadline=None)
@given(position=st.integers(min_value=0), replacement=st.binary(min_size=1, max_size=8))
def test_corrupting_any_bytes_of_a_package_gives_a_refusal_or_a_clean_extraction(position, replacement):
    """Flipped bytes anywhere in a good package: the validator refuses or extracts, never crashes."""
    data = bytearray(package())
    position %= len(data)
    data[position : position + len(replacement)] = replacement
    try:
        validate_and_extract(bytes(data))
    except PackageRefused as refused:
        assert refused.reason
