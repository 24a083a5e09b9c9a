"""A corpus of well-formed, broken and hostile H5P packages, generated in code.

Each hostile case names the refusal code the validator must give. Some cases need
bytes no honest zip writer produces (a NUL in a name, sizes that lie); those are
made by patching the headers of a normal zip.
"""

from __future__ import annotations

import json
import os
import struct
import zipfile
import zlib

from modules.packages.archive import Limits
from tests.modules.packages.corpus import (
    MIB,
    Case,
    files_changed,
    patch_sizes,
    replace_in_names,
    with_many_entries,
    with_symlink,
    zip_bytes,
)

LIB = "H5P.Corpus-1.0"


def library_json(**changes) -> dict:
    data = {
        "title": "Corpus",
        "machineName": "H5P.Corpus",
        "majorVersion": 1,
        "minorVersion": 0,
        "patchVersion": 3,
        "runnable": 1,
        "preloadedJs": [{"path": "corpus.js"}],
        "preloadedCss": [{"path": "corpus.css"}],
    }
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


def h5p_json(**changes) -> dict:
    data = {
        "title": "A corpus package",
        "language": "en",
        "mainLibrary": "H5P.Corpus",
        "embedTypes": ["iframe"],
        "preloadedDependencies": [{"machineName": "H5P.Corpus", "majorVersion": 1, "minorVersion": 0}],
    }
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


def good_files() -> dict[str, bytes]:
    return {
        "h5p.json": json.dumps(h5p_json()).encode(),
        "content/content.json": b'{"text": "Hello"}',
        "content/images/photo.png": os.urandom(200),
        f"{LIB}/library.json": json.dumps(library_json()).encode(),
        f"{LIB}/corpus.js": b"var H5P = H5P || {}; H5P.Corpus = function () {};",
        f"{LIB}/corpus.css": b".h5p-corpus { color: #0b0c0c; }",
    }


EDITOR_LIB = "H5PEditor.CorpusTabs-1.2"


def rich_files() -> dict[str, bytes]:
    """A package shaped like an export from h5p.org or Lumi: every optional metadata field
    H5P knows, an editor library, semantics and translations, versions as numbers and strings."""
    files = good_files()
    files["h5p.json"] = json.dumps(
        h5p_json(
            language="nb-NO",
            contentType="Corpus",
            author="Learning and Development",
            authors=[
                {"name": "A. Trainer", "role": "Author"},
                {"name": "County Council", "role": "Licensee"},
            ],
            source="https://h5p.org/node/1234",
            license="CC BY-SA",
            licenseVersion="4.0",
            licenseExtras="Adapted for the Family Safeguarding Model.\nSecond line.",
            yearsFrom="2024",
            yearsTo=2026,
            changes=[{"date": "08-07-24 9:30:00", "author": "L&D", "log": "Shortened\nthe intro."}],
            authorComments="Check with the service manager before reuse.",
            w="1050",
            h=600,
            metaKeywords="safeguarding, MI",
            metaDescription="A short check.",
            defaultLanguage="nb",
            extraTitle="Ignored by the rules",
            dynamicDependencies=[],
        )
    ).encode()
    files[f"{LIB}/library.json"] = json.dumps(
        library_json(
            author="Joubel",
            license="MIT",
            description="A corpus library.",
            metadataSettings={"disable": 0, "disableExtraTitleField": 1},
            fullscreen=1,
            embedTypes=["iframe", "div"],
            w=640,
            h="480",
            coreApi={"majorVersion": 1, "minorVersion": 24},
            preloadedJs=[{"path": "./corpus.js"}, {"path": "scripts\\extra.js"}],
            dropLibraryCss=[{"machineName": "H5P.Corpus"}],
            editorDependencies=[
                {"machineName": "H5PEditor.CorpusTabs", "majorVersion": 1, "minorVersion": 2}
            ],
        )
    ).encode()
    files[f"{LIB}/scripts/extra.js"] = b"H5P.Corpus.extra = true;"
    files[f"{LIB}/semantics.json"] = b'[{"name": "text", "type": "text"}]'
    files[f"{LIB}/language/nb.json"] = b'{"semantics": []}'
    files[f"{LIB}/language/fr-ca.json"] = b'{"semantics": []}'
    files[f"{LIB}/language/.en.json"] = b"ignored: hidden"
    files[f"{EDITOR_LIB}/library.json"] = json.dumps(
        {
            "title": "Corpus tabs",
            "machineName": "H5PEditor.CorpusTabs",
            "majorVersion": 1,
            "minorVersion": 2,
            "patchVersion": 0,
            "runnable": 0,
            "preloadedCss": [{"path": "tabs.css"}],
        }
    ).encode()
    files[f"{EDITOR_LIB}/tabs.css"] = b".tabs {}"
    return files


def package(changes: dict[str, bytes | None] | None = None) -> bytes:
    """The good package with files replaced (bytes), added, or removed (None)."""
    return zip_bytes(files_changed(good_files(), changes))


def _symlink() -> bytes:
    return with_symlink(good_files(), "content/images/link.png")


def _encrypted() -> bytes:
    """Sets the "encrypted" flag on one entry (zipfile cannot write encrypted entries)."""
    raw = bytearray(package({"content/secret.json": b"{}"}))
    for signature, name_offset, flag_offset, length_offset in (
        (b"PK\x03\x04", 30, 6, 26),
        (b"PK\x01\x02", 46, 8, 28),
    ):
        start = 0
        while (position := raw.find(signature, start)) != -1:
            start = position + 4
            (length,) = struct.unpack_from("<H", raw, position + length_offset)
            if bytes(raw[position + name_offset : position + name_offset + length]) == b"content/secret.json":
                (flags,) = struct.unpack_from("<H", raw, position + flag_offset)
                struct.pack_into("<H", raw, position + flag_offset, flags | 0x1)
    return bytes(raw)


def _bzip2() -> bytes:
    info = zipfile.ZipInfo("content/data.json", date_time=(2026, 1, 1, 0, 0, 0))
    info.compress_type = zipfile.ZIP_BZIP2
    info.external_attr = 0o100644 << 16
    return zip_bytes([*good_files().items(), (info, b"{}")])


def _understated_size() -> bytes:
    """Claims 1 KB, holds 2 MB of zeros: a decompressor trusting the header is fooled."""
    zeros = bytes(2 * MIB)
    data = package({"content/images/bomb.png": zeros})
    return patch_sizes(data, "content/images/bomb.png", file_size=1024)


def _understated_size_matching_crc() -> bytes:
    """As above, with the CRC forged to match the first 1 KB."""
    zeros = bytes(2 * MIB)
    data = package({"content/images/bomb.png": zeros})
    return patch_sizes(data, "content/images/bomb.png", file_size=1024, crc=zlib.crc32(bytes(1024)))


def _overstated_size() -> bytes:
    """Claims 900 KB but holds 10 bytes: the bytes counted do not match the header."""
    data = package({"content/images/short.png": b"0123456789"})
    return patch_sizes(data, "content/images/short.png", file_size=900 * 1024)


def _duplicate() -> bytes:
    files = list(good_files().items())
    files.append(("content/content.json", b'{"text": "Second"}'))
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        return zip_bytes(files)


def _many_entries() -> bytes:
    return with_many_entries(good_files(), "content/images/")


def _nul_byte() -> bytes:
    data = package({"content/imagesXevil.png": b"x"})
    return replace_in_names(data, b"content/imagesXevil.png", b"content/images\x00evil.png")


def hostile_cases() -> list[Case]:
    good = package()
    small_total = Limits(max_total_bytes=4096)
    return [
        Case("plain text, not a zip", b"this is not a zip file", "not-a-zip"),
        Case("empty file", b"", "not-a-zip"),
        Case("truncated zip", good[: len(good) // 2], "not-a-zip"),
        Case("upload larger than the limit", good, "upload-too-large", Limits(max_upload_bytes=1000)),
        Case("more entries than allowed", _many_entries(), "too-many-entries"),
        Case(
            "zip bomb by ratio (20 MB of zeros)",
            package({"content/images/bomb.png": bytes(20 * MIB)}),
            "compression-ratio",
        ),
        Case(
            "declared size over the per-file cap",
            patch_sizes(package(), "content/images/photo.png", file_size=500 * MIB),
            "file-too-large",
        ),
        Case(
            "total size over the cap",
            package({f"content/images/{n}.png": os.urandom(1500) for n in range(3)}),
            "total-too-large",
            small_total,
        ),
        Case("declared-size lie: understated", _understated_size(), "size-mismatch", at_extraction=True),
        Case(
            "damaged data (checksum mismatch)",
            patch_sizes(package(), "content/images/photo.png", crc=12345),
            "corrupt-entry",
            at_extraction=True,
        ),
        Case(
            "declared-size lie: understated with forged CRC",
            _understated_size_matching_crc(),
            "size-mismatch",
            at_extraction=True,
        ),
        Case("declared-size lie: overstated", _overstated_size(), "size-mismatch", at_extraction=True),
        Case("absolute path", package({"/etc/cron.d/evil.json": b"{}"}), "absolute-path"),
        Case("Windows drive path", package({"C:/evil.json": b"{}"}), "absolute-path"),
        Case("path traversal", package({"content/../../evil.json": b"{}"}), "path-traversal"),
        Case("backslash path", package({"content\\images\\evil.png": b"x"}), "backslash"),
        Case("NUL byte in a name", _nul_byte(), "nul-byte"),
        Case("symbolic link", _symlink(), "symlink"),
        Case("duplicate entry", _duplicate(), "duplicate-entry"),
        Case(
            "duplicate entry differing only in case",
            package({"content/images/Photo.png": b"x"}),
            "duplicate-entry",
        ),
        Case("encrypted entry", _encrypted(), "encrypted"),
        Case("unsupported compression (bzip2)", _bzip2(), "compression-method"),
        Case("path longer than allowed", package({"content/" + "a" * 600 + ".json": b"{}"}), "path-too-long"),
        Case("no h5p.json", package({"h5p.json": None}), "missing-h5p-json"),
        Case("h5p.json not JSON", package({"h5p.json": b"{title: nope"}), "invalid-json"),
        Case("h5p.json not an object", package({"h5p.json": b"[]"}), "invalid-h5p-json"),
        Case(
            "h5p.json without title",
            package({"h5p.json": json.dumps(h5p_json(title=None)).encode()}),
            "h5p-json-title",
        ),
        Case(
            "h5p.json without language",
            package({"h5p.json": json.dumps(h5p_json(language=None)).encode()}),
            "h5p-json-language",
        ),
        Case(
            "h5p.json without mainLibrary",
            package({"h5p.json": json.dumps(h5p_json(mainLibrary=None)).encode()}),
            "h5p-json-main-library",
        ),
        Case(
            "h5p.json with an unknown embed type",
            package({"h5p.json": json.dumps(h5p_json(embedTypes=["flash"])).encode()}),
            "h5p-json-embed-types",
        ),
        Case(
            "h5p.json without preloadedDependencies",
            package({"h5p.json": json.dumps(h5p_json(preloadedDependencies=None)).encode()}),
            "h5p-json-dependencies",
        ),
        Case(
            "dependency version is not a number",
            package(
                {
                    "h5p.json": json.dumps(
                        h5p_json(
                            preloadedDependencies=[
                                {"machineName": "H5P.Corpus", "majorVersion": "one", "minorVersion": 0}
                            ]
                        )
                    ).encode()
                }
            ),
            "invalid-version",
        ),
        Case("no content.json", package({"content/content.json": None}), "missing-content-json"),
        Case("content.json not JSON", package({"content/content.json": b"{,}"}), "invalid-json"),
        Case(
            "content.json not an object", package({"content/content.json": b"[1, 2]"}), "invalid-content-json"
        ),
        Case(
            "content.json over the JSON cap",
            package({"content/content.json": json.dumps({"text": "x" * 5000}).encode()}),
            "json-too-large",
            Limits(max_json_bytes=2048),
        ),
        Case(
            "HTML in content",
            package({"content/page.html": b"<script>alert(1)</script>"}),
            "content-extension",
        ),
        Case("script in content", package({"content/run.js": b"alert(1)"}), "content-extension"),
        Case("file without extension in content", package({"content/README": b"x"}), "content-extension"),
        Case("executable in a library", package({f"{LIB}/tool.exe": b"MZ"}), "library-extension"),
        Case("PHP in a library", package({f"{LIB}/shell.php": b"<?php ?>"}), "library-extension"),
        Case(
            "loose folder that is not a library", package({"scripts/run.js": b"x"}), "invalid-library-folder"
        ),
        Case(
            "library folder without library.json",
            package({"H5P.Extra-2.0/extra.js": b"x"}),
            "missing-library-json",
        ),
        Case(
            "library.json without machineName",
            package({f"{LIB}/library.json": json.dumps(library_json(machineName=None)).encode()}),
            "invalid-library-json",
        ),
        Case(
            "library.json not JSON",
            package({f"{LIB}/library.json": b"<xml/>"}),
            "invalid-json",
        ),
        Case(
            "library folder named for another version",
            package({f"{LIB}/library.json": json.dumps(library_json(minorVersion=1)).encode()}),
            "library-folder-mismatch",
        ),
        Case(
            "preloaded file missing",
            package({f"{LIB}/corpus.js": None}),
            "missing-preloaded-file",
        ),
        Case(
            "dependency not included",
            package(
                {
                    "h5p.json": json.dumps(
                        h5p_json(
                            preloadedDependencies=[
                                {"machineName": "H5P.Corpus", "majorVersion": 1, "minorVersion": 0},
                                {"machineName": "H5P.JoubelUI", "majorVersion": 1, "minorVersion": 3},
                            ]
                        )
                    ).encode()
                }
            ),
            "missing-library",
        ),
        Case(
            "a library's own dependency not included",
            package(
                {
                    f"{LIB}/library.json": json.dumps(
                        library_json(
                            preloadedDependencies=[
                                {"machineName": "H5P.Question", "majorVersion": 1, "minorVersion": 5}
                            ]
                        )
                    ).encode()
                }
            ),
            "missing-library",
        ),
        Case(
            "main library not among the dependencies",
            package({"h5p.json": json.dumps(h5p_json(mainLibrary="H5P.Other")).encode()}),
            "main-library-not-listed",
        ),
        Case(
            "h5p.json licence not one of H5P's codes",
            package({"h5p.json": json.dumps(h5p_json(license="Apache 2.0")).encode()}),
            "h5p-json-license",
        ),
        Case(
            "h5p.json title holding a NUL character",
            package({"h5p.json": json.dumps(h5p_json(title="Safe\u0000guarding")).encode()}),
            "h5p-json-title",
        ),
        Case(
            "h5p.json title holding a lone surrogate",
            package({"h5p.json": json.dumps(h5p_json(title="Bad \ud800 title")).encode()}),
            "h5p-json-title",
        ),
        Case(
            "library.json without runnable",
            package({f"{LIB}/library.json": json.dumps(library_json(runnable=None)).encode()}),
            "invalid-library-json",
        ),
        Case(
            "library.json asks for a newer H5P core",
            package(
                {
                    f"{LIB}/library.json": json.dumps(
                        library_json(coreApi={"majorVersion": 2, "minorVersion": 0})
                    ).encode()
                }
            ),
            "core-api-unsupported",
        ),
        Case(
            "dynamic dependency not included",
            package(
                {
                    "h5p.json": json.dumps(
                        h5p_json(
                            dynamicDependencies=[
                                {"machineName": "H5P.Video", "majorVersion": 1, "minorVersion": 6}
                            ]
                        )
                    ).encode()
                }
            ),
            "missing-library",
        ),
        Case(
            "editor dependency not included",
            package(
                {
                    f"{LIB}/library.json": json.dumps(
                        library_json(
                            editorDependencies=[
                                {"machineName": "H5PEditor.Tabs", "majorVersion": 1, "minorVersion": 0}
                            ]
                        )
                    ).encode()
                }
            ),
            "missing-library",
        ),
        Case("semantics.json not JSON", package({f"{LIB}/semantics.json": b"[{]"}), "invalid-json"),
        Case(
            "language file not named for a language",
            package({f"{LIB}/language/english (uk).json": b"{}"}),
            "invalid-language-file",
        ),
        Case("language file not JSON", package({f"{LIB}/language/fr.json": b"{oui}"}), "invalid-json"),
    ]


def well_formed_cases() -> list[tuple[str, bytes]]:
    from modules.h5p.demo import demo_package_bytes

    return [
        ("the demo package", demo_package_bytes()),
        ("the minimal corpus package", package()),
        (
            "versions written as strings",
            package(
                {
                    "h5p.json": json.dumps(
                        h5p_json(
                            preloadedDependencies=[
                                {"machineName": "H5P.Corpus", "majorVersion": "1", "minorVersion": "0"}
                            ]
                        )
                    ).encode(),
                    f"{LIB}/library.json": json.dumps(
                        library_json(majorVersion="1", minorVersion="0", patchVersion="3")
                    ).encode(),
                }
            ),
        ),
        (
            "macOS and hidden files are ignored",
            package(
                {
                    "__MACOSX/._h5p.json": b"\x00\x05\x16\x07",
                    ".DS_Store": b"\x00\x00",
                    "content/.hidden.html": b"<script></script>",
                    f"{LIB}/_notes.php": b"<?php",
                    "readme.txt": b"Loose top-level files are ignored.",
                }
            ),
        ),
        (
            "JSON with a byte-order mark, both embed types",
            package(
                {"h5p.json": b"\xef\xbb\xbf" + json.dumps(h5p_json(embedTypes=["div", "iframe"])).encode()}
            ),
        ),
        ("stored (uncompressed) entries", zip_bytes(good_files(), compression=zipfile.ZIP_STORED)),
        ("an h5p.org-shaped export using every optional metadata field", zip_bytes(rich_files())),
    ]
