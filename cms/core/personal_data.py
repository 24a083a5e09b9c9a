"""One registry of where the platform keeps data about a person: subject access and erasure.

Every app declares, as data in its own `personal_data.toml` (read by `declarations_load`),
each model that holds data about a person: whose rows they are (the owner field), which
fields of each row their subject-access export shows, and what erasure does to the rows:

- `Erasure.DELETE`: the rows go (free text, saved state, sign-in methods);
- `Erasure.ANONYMISE`: the rows stay with what identifies the person removed (the
  account itself, certificate names, notes);
- `Erasure.KEEP`: the rows stay as they are, because once the account is anonymised
  they identify nobody (completions, scores, dates) and historic figures must stay true.

Models that point at a person without being data about them (who published a page,
who uploaded an image) are declared in the file's `[exempt]` table with the reason. A test walks
every installed model and fails, naming it, when a model with a link to the user model
or an email address is in neither list (tests/cms/core/test_personal_data_registry.py).

What a field list cannot say (rows matched by email address, how to anonymise) is a
function in the app's `personal_data.py` that the file names. This module names no domain
app (cms.core imports none of them); Wagtail's and Django's own models are declared in
cms/core/personal_data.toml.
"""

from __future__ import annotations

import datetime as dt
import decimal
import tomllib
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from importlib import import_module
from pathlib import Path
from types import ModuleType
from typing import Any

from django.apps import AppConfig, apps
from django.core.exceptions import FieldDoesNotExist
from django.db import models, transaction
from django.db.models import QuerySet
from django.utils.module_loading import module_has_submodule


class Erasure(StrEnum):
    DELETE = "delete"
    ANONYMISE = "anonymise"
    KEEP = "keep"


RowsFinder = Callable[[Any], QuerySet]
Exporter = Callable[[Any], dict[str, Any]]
Eraser = Callable[[QuerySet, Any], None]


@dataclass(frozen=True)
class PersonalData:
    """How one model's rows about a person are found, exported and erased."""

    model: type[models.Model]
    section: str
    rows: RowsFinder
    export: Exporter
    erasure: Erasure
    erase: Eraser | None
    reason: str
    erase_last: bool

    @property
    def label(self) -> str:
        return self.model._meta.label


_REGISTRY: dict[str, PersonalData] = {}
_EXEMPT: dict[str, str] = {}


def register(
    model: type[models.Model],
    *,
    section: str,
    export: Exporter,
    erasure: Erasure,
    person_field: str | None = None,
    related: tuple[str, ...] = (),
    prefetch: tuple[str, ...] = (),
    rows: RowsFinder | None = None,
    erase: Eraser | None = None,
    reason: str = "",
    erase_last: bool = False,
) -> None:
    """Declare a model's rows about a person (see the module docstring).

    `person_field` ("user", "booking__user") finds the rows, or `rows(user)` does for
    anything else (rows matched by email address, say). `erase(rows, user)` carries out
    an ANONYMISE (required) or replaces the plain delete of a DELETE (to remove files
    too). KEEP and ANONYMISE need the `reason` the rows stay, for the documentation.
    `erase_last` is for the account itself: other entries find rows by its email first.
    """
    if (person_field is None) == (rows is None):
        raise ValueError(f"{model._meta.label}: give exactly one of person_field and rows.")
    if erasure == Erasure.ANONYMISE and erase is None:
        raise ValueError(f"{model._meta.label}: say how to anonymise (erase=...).")
    if erasure == Erasure.KEEP and erase is not None:
        raise ValueError(f"{model._meta.label}: kept rows are not changed; use ANONYMISE.")
    if erasure != Erasure.DELETE and not reason.strip():
        raise ValueError(f"{model._meta.label}: say why the rows stay (reason=...).")
    if section in _REGISTRY and _REGISTRY[section].model is not model:
        raise ValueError(f"Section {section!r} is already registered for {_REGISTRY[section].label}.")
    _REGISTRY[section] = PersonalData(
        model=model,
        section=section,
        rows=rows if rows is not None else _rows_by_field(model, str(person_field), related, prefetch),
        export=export,
        erasure=erasure,
        erase=erase,
        reason=reason.strip(),
        erase_last=erase_last,
    )


def _rows_by_field(
    model: type[models.Model], field_path: str, related: tuple[str, ...], prefetch: tuple[str, ...]
) -> RowsFinder:
    def rows(user: Any) -> QuerySet:
        found = model._default_manager.filter(**{field_path: user})
        found = found.select_related(*related) if related else found
        return found.prefetch_related(*prefetch) if prefetch else found

    return rows


def exempt(model: type[models.Model], *, reason: str) -> None:
    """Declare that a model's link to a person is not data about them, and why."""
    if not reason.strip():
        raise ValueError(f"{model._meta.label}: an exemption needs its reason.")
    _EXEMPT[model._meta.label] = reason.strip()


_discovered = False


def _discover() -> None:
    global _discovered
    if _discovered:
        return
    for app_config in apps.get_app_configs():
        declarations_load(app_config=app_config)
    _discovered = True


def declarations_load(*, app_config: AppConfig) -> None:
    """Read an app's `personal_data.toml` (if it has one) into the registry.

    The file is a table per model (`[[model]]`: `model`, `section`, `owner` or `rows`,
    `export`, `erasure`, `reason`, `erase`, `related`, `prefetch`, `erase_last`), a table of shared
    `[reasons]` and one of `[exempt]` models with their reasons. Names in `rows`, `erase`
    and a named `export` are functions of the app's own `personal_data.py` (imported
    first), for what a field list cannot say. An export field is `key=path` (a bare path
    is its own key): attributes joined by dots (`lesson.title`, `slot.get_activity_display()`),
    None wherever a link is empty, then an optional conversion (`|text`, `|bool`, `|utf8`).
    A reason is text, a name in `[reasons]`, or a list of either joined by spaces.
    """
    hooks: ModuleType | None = None
    if module_has_submodule(app_config.module, "personal_data"):
        hooks = import_module(f"{app_config.name}.personal_data")
    path = Path(app_config.path) / "personal_data.toml"
    if not path.exists():
        return
    with path.open("rb") as file:
        declared = tomllib.load(file)
    reasons: dict[str, str] = declared.get("reasons", {})

    def reason_text(reason: str | list[str]) -> str:
        """A reason, a name in `[reasons]`, or a list of either joined into one."""
        parts = [reason] if isinstance(reason, str) else reason
        return " ".join(reasons.get(part, part) for part in parts)

    for label, reason in declared.get("exempt", {}).items():
        exempt(apps.get_model(label), reason=reason_text(reason))
    for entry in declared.get("model", []):
        model = apps.get_model(entry["model"])
        export = entry["export"]
        rows = entry.get("rows")
        erase = entry.get("erase")
        register(
            model,
            section=entry["section"],
            person_field=entry.get("owner"),
            related=tuple(entry.get("related", ()))
            + (related_along(model, export) if isinstance(export, list) else ()),
            prefetch=tuple(entry.get("prefetch", ())),
            rows=getattr(hooks, rows) if rows else None,
            export=fields_exporter(export) if isinstance(export, list) else getattr(hooks, export),
            erasure=Erasure(entry["erasure"]),
            erase=getattr(hooks, erase) if erase else None,
            reason=reason_text(entry.get("reason", "")),
            erase_last=entry.get("erase_last", False),
        )


# How an exported value is turned into plain data, after `|` in a field path.
_CONVERSIONS: dict[str, Callable[[Any], Any]] = {
    "text": lambda value: str(value) if value else None,
    "bool": bool,
    "utf8": lambda value: bytes(value).decode("utf-8", "replace")[:10_000],
}


def _field_value(row: Any, path: str) -> Any:
    """`lesson.title`, `slot.get_activity_display()`, `role|text`: None wherever a link is empty."""
    path, _, conversion = path.partition("|")
    value = row
    for part in path.split("."):
        if value is None:
            return None
        value = getattr(value, part.removesuffix("()"))
        if part.endswith("()"):
            value = value()
    return _CONVERSIONS[conversion](value) if conversion else value


def fields_exporter(fields: list[str]) -> Exporter:
    """An exporter from `key=path` items (a bare path is its own key), in the order given."""
    paths = dict(field.partition("=")[::2] if "=" in field else (field, field) for field in fields)
    for key, path in paths.items():
        if path.partition("|")[2] not in ("", *_CONVERSIONS):
            raise ValueError(f"{key}: no conversion {path.partition('|')[2]!r}.")

    def export(row: Any) -> dict[str, Any]:
        return {key: _field_value(row, path) for key, path in paths.items()}

    return export


def related_along(model: type[models.Model], fields: list[str]) -> tuple[str, ...]:
    """The forward links the exported paths follow, to fetch with the rows (`select_related`)."""
    related: set[str] = set()
    for field in fields:
        path = field.partition("=")[2] or field
        current, chain = model, []
        for part in path.partition("|")[0].split(".")[:-1]:
            try:
                link = current._meta.get_field(part)
            except FieldDoesNotExist:
                break
            if not (link.many_to_one or link.one_to_one) or not link.concrete:
                break
            chain.append(part)
            current = link.related_model
        if chain:
            related.add("__".join(chain))
    return tuple(sorted(related))


def registered() -> list[PersonalData]:
    """Every declared model, in app order (the order of the export's sections)."""
    _discover()
    return list(_REGISTRY.values())


def exemptions() -> dict[str, str]:
    """Model label to the reason its link to a person is not data about them."""
    _discover()
    return dict(_EXEMPT)


def plain(value: Any) -> Any:
    """A value as JSON and CSV carry it: dates as ISO 8601, ids as text."""
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, uuid.UUID | decimal.Decimal):
        return str(value)
    if isinstance(value, dict):
        return {str(key): plain(item) for key, item in value.items()}
    if isinstance(value, list | tuple | set):
        return [plain(item) for item in value]
    return value


def personal_data_export(*, user: Any) -> dict[str, list[dict[str, Any]]]:
    """Everything the platform holds about one person: one section per registered model."""
    return {entry.section: [plain(entry.export(row)) for row in entry.rows(user)] for entry in registered()}


@transaction.atomic
def personal_data_erase(*, user: Any) -> dict[str, int]:
    """Apply every registered model's erasure to one person's rows; returns rows touched per section.

    Rows are found for every model before any is changed, since erasing the account
    changes the email address other rows are found by.
    """
    entries = sorted(registered(), key=lambda entry: entry.erase_last)
    found = [(entry, list(entry.rows(user).values_list("pk", flat=True))) for entry in entries]
    touched: dict[str, int] = {}
    for entry, pks in found:
        touched[entry.section] = len(pks)
        if not pks or entry.erasure == Erasure.KEEP:
            continue
        rows = entry.model._default_manager.filter(pk__in=pks)
        if entry.erase is not None:
            entry.erase(rows, user)
        else:
            rows.delete()
    return touched


# --- Hooks of cms.core's own declarations (personal_data.toml) ------------------------------------


def admin_preferences_delete(rows: QuerySet, user: Any) -> None:
    """Delete Wagtail's admin preferences with the avatar file they name."""
    for profile in rows:
        if profile.avatar:
            profile.avatar.delete(save=False)
    rows.delete()
