"""A kind of package (H5P, SCORM ...) described once, so every generic piece can serve it.

Each kind's sub-package builds one `PackageKind` in its `kind.py` and registers it; the generic
services, selectors, forms, admin screens, blocks, import command and cache signals of
`modules.packages` read everything kind-specific from it. `modules.packages` never imports a
kind (the kinds import it), so adding a kind touches nothing here.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from django.core.files.storage import Storage

from modules.packages.archive import Limits
from modules.packages.models import PackageBase, PackageVersionBase

# validate(upload, limits=...) -> the kind's contents (its parsed manifest and file list)
Validator = Callable[..., Any]
# extract(upload, contents, sink=..., limits=..., progress=...) -> bytes written
Extractor = Callable[..., int]


def _no_fields(contents: Any) -> dict[str, object]:
    return {}


@dataclass(frozen=True)
class PackageKind[PackageT: PackageBase, VersionT: PackageVersionBase]:
    """Everything the generic package layer needs to know about one kind of package."""

    name: str  # "h5p": storage folders, task and cache keys, template data attributes
    label: str  # "H5P": log lines and messages
    package_model: type[PackageT]
    version_model: type[VersionT]
    limits: Callable[[], Limits]
    storage: Callable[[], Storage]
    validate: Validator
    extract: Extractor
    # What the version records from the contents when it is stored, and again when it is ready.
    version_fields: Callable[[Any], dict[str, object]]
    # The title a package takes from its contents when nobody gave one.
    contents_title: Callable[[Any], str]
    default_title: str  # "H5P package": when neither a person nor the contents give one
    upload_extension: str  # "h5p", "zip": what the admin form accepts
    asset_csp: Mapping[str, Any]  # the Content-Security-Policy of files served from a package
    asset_path_valid: Callable[..., bool]  # asset_path_valid(path=...): may this path be served
    # The admin form's words: the upload field's label and help, the refusal of a wrong file
    # name, and the title's help.
    upload_label: str
    upload_help: str
    upload_wrong_extension: str
    title_help: str
    detail_heading: str  # the versions panel's column of PackageVersionBase.admin_detail
    # The import command's words (`manage.py import_<name>`): its help, and its arguments'.
    import_help: str
    import_path_help: str  # "The .h5p file to import."
    import_title_help: str  # "The package's title (defaults to the title in h5p.json)."
    ready_fields: Callable[[Any], dict[str, object]] = _no_fields  # only when it is ready
    current_fields: Callable[[Any], dict[str, object]] = _no_fields  # on the package, when current


_KINDS: dict[str, PackageKind[Any, Any]] = {}


def package_kind_register[PackageT: PackageBase, VersionT: PackageVersionBase](
    kind: PackageKind[PackageT, VersionT],
) -> PackageKind[PackageT, VersionT]:
    """Make a kind known to the registry (once: a second kind with the same name is a mistake)."""
    existing = _KINDS.get(kind.name)
    if existing is not None and existing is not kind:
        raise ValueError(f"A package kind named {kind.name!r} is already registered.")
    _KINDS[kind.name] = kind
    return kind


def package_kinds() -> list[PackageKind[Any, Any]]:
    """Every registered kind, in the order they were registered."""
    return list(_KINDS.values())


def package_kind_get(name: str) -> PackageKind[Any, Any]:
    return _KINDS[name]


def package_kind_for(model: type[Any]) -> PackageKind[Any, Any]:
    """The kind whose package or version model this is."""
    for kind in _KINDS.values():
        if model in (kind.package_model, kind.version_model):
            return kind
    raise LookupError(f"{model.__name__} is not the model of a registered package kind.")
