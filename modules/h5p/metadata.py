"""The rules for an H5P package's metadata files, `h5p.json` and each `library.json`.

These are the field rules of H5P's own package validator (the h5p-php-library's
`H5PValidator`: which fields are required or optional, each one's type, pattern or
allowed values), written here as tables so each rule is one line and one test.
Where H5P's rule and ours differ, it is on purpose and said so:

- lengths count characters, not UTF-8 bytes (our columns count characters);
- text must pass the shared text rule (`cms.core.text`): no NUL, control characters
  or lone surrogates, which H5P's patterns would let through but our database cannot
  store;
- an optional list that is empty (`"authors": []`) is read as "none given";
- a title must not be blank, and `embedTypes` must name at least one way to embed.

Like H5P, a value checked by a pattern may be a string or a whole number (`1` or `"1"`),
never a boolean, a decimal or null; fields H5P does not know are ignored.
Pure Python: nothing here touches Django or the database.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from cms.core.errors import Refusal
from cms.core.text import text_problem

__all__ = [
    "CONTENT_EXTENSIONS",
    "H5P_JSON_OPTIONAL",
    "H5P_JSON_REQUIRED",
    "LIBRARY_EXTENSIONS",
    "LIBRARY_JSON_OPTIONAL",
    "LIBRARY_JSON_REQUIRED",
    "PLAYER_CORE_API",
    "MetadataInvalid",
    "Options",
    "Pattern",
    "Record",
    "Records",
    "metadata_check",
]

# H5P's documented default whitelists (H5P core, "default content whitelist" and the
# "library whitelist extras" that library folders may add).
CONTENT_EXTENSIONS: frozenset[str] = frozenset(
    {
        "json",
        "png",
        "jpg",
        "jpeg",
        "gif",
        "bmp",
        "tif",
        "tiff",
        "svg",
        "eot",
        "ttf",
        "woff",
        "woff2",
        "otf",
        "webm",
        "mp4",
        "ogg",
        "mp3",
        "m4a",
        "wav",
        "txt",
        "pdf",
        "rtf",
        "doc",
        "docx",
        "xls",
        "xlsx",
        "ppt",
        "pptx",
        "odt",
        "ods",
        "odp",
        "xml",
        "csv",
        "diff",
        "patch",
        "swf",
        "md",
        "textile",
        "vtt",
        "webvtt",
        "gltf",
        "glb",
    }
)
LIBRARY_EXTENSIONS: frozenset[str] = CONTENT_EXTENSIONS | {"js", "css"}

# The newest H5P core API the bundled player (h5p-standalone) is taken to provide: a library
# asking for a newer one (its `coreApi`) is refused, as H5P refuses it on a site whose core is
# older. Raise this when the player is upgraded.
PLAYER_CORE_API = (1, 27)


class MetadataInvalid(Refusal, ValueError):
    """A metadata field breaks a rule; `code` is stable, `reason` names the file and field."""


@dataclass(frozen=True)
class Pattern:
    """A string (or whole number) matching `regex` in full; `needs` says what, for people."""

    regex: re.Pattern[str]
    needs: str


@dataclass(frozen=True)
class Options:
    """A list whose every item is one of `allowed`."""

    allowed: tuple[str, ...]


@dataclass(frozen=True)
class Record:
    """An object with every field of `fields` present and valid."""

    fields: Mapping[str, Rule]


@dataclass(frozen=True)
class Records:
    """A list of objects, each with every field of `fields` present and valid."""

    fields: Mapping[str, Rule]


Rule = Pattern | Options | Record | Records


def _pattern(regex: str, needs: str, flags: int = 0) -> Pattern:
    return Pattern(re.compile(rf"\A(?:{regex})\Z", flags | re.ASCII), needs)


ONE_LINE_255 = _pattern(r".{1,255}", "1 to 255 characters on one line")
ONE_LINE = _pattern(r".+", "at least one character on one line")
TEXT_5000 = _pattern(r".{1,5000}", "1 to 5,000 characters", re.DOTALL)
VERSION = _pattern(r"[0-9]{1,5}", "a whole number of 1 to 5 digits")
SIZE = _pattern(r"[0-9]{1,4}", "a whole number of 1 to 4 digits")
YEAR = _pattern(r"[0-9]{1,4}", "a year of 1 to 4 digits")
ZERO_OR_ONE = _pattern(r"0|1", "0 or 1")
MACHINE_NAME = _pattern(r"[\w\-.]{1,255}", "1 to 255 letters, digits, '_', '-' or '.'", re.IGNORECASE)
# Nested quantifiers as H5P writes them, ((sep)?chars)+, backtrack badly in Python's re;
# this is the same language: an optional separator, then parts joined by one separator.
_PATH = r"[\\/]?[a-z_\-\s0-9.]+(?:[\\/][a-z_\-\s0-9.]+)*"
JS_PATH = _pattern(_PATH + r"\.js", "a path of letters, digits, '_', '-', '.' and spaces ending .js", re.I)
CSS_PATH = _pattern(_PATH + r"\.css", "a path of letters, digits, '_', '-', '.' and spaces ending .css", re.I)
EMBED_TYPES = Options(("iframe", "div"))
DEPENDENCY = {"machineName": MACHINE_NAME, "majorVersion": VERSION, "minorVersion": VERSION}
CONTENT_LICENCES = (
    "CC BY",
    "CC BY-SA",
    "CC BY-ND",
    "CC BY-NC",
    "CC BY-NC-SA",
    "CC BY-NC-ND",
    "CC0 1.0",
    "GNU GPL",
    "PD",
    "ODC PDDL",
    "CC PDM",
    "U",
    "C",
)
LIBRARY_LICENCES = (
    "cc-by",
    "cc-by-sa",
    "cc-by-nd",
    "cc-by-nc",
    "cc-by-nc-sa",
    "cc-by-nc-nd",
    "pd",
    "cr",
    "MIT",
    "GPL1",
    "GPL2",
    "GPL3",
    "MPL",
    "MPL2",
)


def _one_of(values: tuple[str, ...], needs: str) -> Pattern:
    return _pattern("|".join(re.escape(value) for value in values), needs)


H5P_JSON_REQUIRED: dict[str, Rule] = {
    "title": ONE_LINE_255,
    "language": _pattern(r"[-a-zA-Z]{1,10}", "a language code of 1 to 10 letters or '-' (such as en or und)"),
    "preloadedDependencies": Records(DEPENDENCY),
    "mainLibrary": _pattern(
        r"[$a-z_][0-9a-z_.$]{1,254}",
        "a library name of 2 to 255 letters, digits, '_', '.' or '$' (such as H5P.MultiChoice)",
        re.IGNORECASE,
    ),
    "embedTypes": EMBED_TYPES,
}
H5P_JSON_OPTIONAL: dict[str, Rule] = {
    "contentType": ONE_LINE_255,
    "dynamicDependencies": Records(DEPENDENCY),
    "author": ONE_LINE_255,
    "authors": Records({"name": ONE_LINE_255, "role": _pattern(r"\w+", "a single word (such as Author)")}),
    "source": _pattern(r"https?://.+", "a web address starting http:// or https://"),
    "license": _one_of(CONTENT_LICENCES, "one of H5P's licence codes (such as CC BY, PD or U)"),
    "licenseVersion": _one_of(("1.0", "2.0", "2.5", "3.0", "4.0"), "one of 1.0, 2.0, 2.5, 3.0 or 4.0"),
    "licenseExtras": TEXT_5000,
    "yearsFrom": YEAR,
    "yearsTo": YEAR,
    "changes": Records(
        {
            "date": _pattern(
                r"[0-9]{2}-[0-9]{2}-[0-9]{2} [0-9]{1,2}:[0-9]{2}:[0-9]{2}",
                "a date and time written like 24-07-08 9:30:00",
            ),
            "author": ONE_LINE_255,
            "log": TEXT_5000,
        }
    ),
    "authorComments": TEXT_5000,
    "w": SIZE,
    "h": SIZE,
    "metaKeywords": ONE_LINE,
    "metaDescription": ONE_LINE,
}
LIBRARY_JSON_REQUIRED: dict[str, Rule] = {
    "title": ONE_LINE_255,
    "majorVersion": VERSION,
    "minorVersion": VERSION,
    "patchVersion": VERSION,
    "machineName": MACHINE_NAME,
    "runnable": ZERO_OR_ONE,
}
LIBRARY_JSON_OPTIONAL: dict[str, Rule] = {
    "author": ONE_LINE_255,
    "license": _one_of(LIBRARY_LICENCES, "one of H5P's library licence codes (such as MIT or cc-by)"),
    "description": ONE_LINE,
    "metadataSettings": Record({"disable": ZERO_OR_ONE, "disableExtraTitleField": ZERO_OR_ONE}),
    "dynamicDependencies": Records(DEPENDENCY),
    "preloadedDependencies": Records(DEPENDENCY),
    "editorDependencies": Records(DEPENDENCY),
    "preloadedJs": Records({"path": JS_PATH}),
    "preloadedCss": Records({"path": CSS_PATH}),
    "dropLibraryCss": Records({"machineName": MACHINE_NAME}),
    "w": SIZE,
    "h": SIZE,
    "embedTypes": EMBED_TYPES,
    "fullscreen": ZERO_OR_ONE,
    "coreApi": Record({"majorVersion": VERSION, "minorVersion": VERSION}),
}
VERSION_FIELDS = frozenset({"majorVersion", "minorVersion", "patchVersion"})


def _code(file_code: str, top: str, path: str) -> str:
    leaf = path.rsplit(".", 1)[-1].split("[", 1)[0]
    if leaf in VERSION_FIELDS and top != "coreApi":
        return "invalid-version"
    if top.endswith("Dependencies") and path != top:
        return "invalid-dependencies"
    if file_code == "h5p-json":
        return "h5p-json-dependencies" if top == "preloadedDependencies" else "h5p-json-" + _kebab(top)
    return "invalid-library-json"


def _kebab(name: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "-", name).lower()


class _Checker:
    def __init__(self, where: str, file_code: str):
        self.where = where
        self.file_code = file_code

    def fail(self, top: str, path: str, needs: str) -> MetadataInvalid:
        return MetadataInvalid(_code(self.file_code, top, path), f"{self.where}: {path} must be {needs}.")

    def check(self, value: Any, rule: Rule, top: str, path: str) -> None:
        if isinstance(rule, Pattern):
            if isinstance(value, bool) or not isinstance(value, str | int):
                raise self.fail(top, path, rule.needs)
            text = str(value)
            if problem := text_problem(text, label=f"{self.where}: {path}"):
                raise MetadataInvalid(_code(self.file_code, top, path), problem)
            if not rule.regex.match(text):
                raise self.fail(top, path, rule.needs)
        elif isinstance(rule, Options):
            if not isinstance(value, list) or not all(
                isinstance(item, str) and item in rule.allowed for item in value
            ):
                raise self.fail(top, path, "a list of " + " or ".join(f"'{item}'" for item in rule.allowed))
        elif isinstance(rule, Record):
            if not isinstance(value, dict):
                raise self.fail(top, path, "an object with " + ", ".join(rule.fields))
            self.fields(value, rule.fields, top, f"{path}.")
        else:
            if not isinstance(value, list) or not all(isinstance(item, dict) for item in value):
                raise self.fail(top, path, "a list of objects with " + ", ".join(rule.fields))
            for index, item in enumerate(value):
                self.fields(item, rule.fields, top, f"{path}[{index}].")

    def fields(self, data: dict[str, Any], rules: Mapping[str, Rule], top: str, prefix: str) -> None:
        for name, rule in rules.items():
            path = prefix + name
            if name not in data or data[name] is None:
                raise MetadataInvalid(_code(self.file_code, top, path), f"{self.where}: {path} is required.")
            self.check(data[name], rule, top, path)


def metadata_check(
    data: Any,
    *,
    where: str,
    required: Mapping[str, Rule],
    optional: Mapping[str, Rule],
) -> dict[str, Any]:
    """Check `data` (the decoded JSON of `where`) against the tables; return it, or raise MetadataInvalid."""
    is_h5p_json = where == "h5p.json"
    file_code = "h5p-json" if is_h5p_json else "library-json"
    if not isinstance(data, dict):
        raise MetadataInvalid(
            "invalid-h5p-json" if is_h5p_json else "invalid-library-json", f"{where} must be a JSON object."
        )
    checker = _Checker(where, file_code)
    for name, rule in required.items():
        if name not in data or data[name] is None:
            code = _code(file_code, name, name)
            raise MetadataInvalid(code, f"{where}: {name} is required.")
        checker.check(data[name], rule, name, name)
        if isinstance(rule, Records) and not data[name]:
            raise MetadataInvalid(_code(file_code, name, name), f"{where}: {name} must list at least one.")
    for name, rule in optional.items():
        if name not in data:
            continue
        value = data[name]
        if isinstance(rule, Records) and value == []:
            continue
        checker.check(value, rule, name, name)
    core_api = data.get("coreApi")
    if isinstance(core_api, dict) and "coreApi" in optional:
        needed = (int(core_api["majorVersion"]), int(core_api["minorVersion"]))
        if needed > PLAYER_CORE_API:
            raise MetadataInvalid(
                "core-api-unsupported",
                f"{where} needs H5P core {needed[0]}.{needed[1]}; the player here provides "
                f"{PLAYER_CORE_API[0]}.{PLAYER_CORE_API[1]}.",
            )
    return data
