"""One registry of where the platform keeps data about a person: subject access and erasure.

Every app declares, in its own `personal_data.py`, each model that holds data about a
person: how to find one person's rows, what of each row their subject-access export
shows, and what erasure does to the rows:

- `Erasure.DELETE`: the rows go (free text, saved state, sign-in methods);
- `Erasure.ANONYMISE`: the rows stay with what identifies the person removed (the
  account itself, certificate names, notes);
- `Erasure.KEEP`: the rows stay as they are, because once the account is anonymised
  they identify nobody (completions, scores, dates) and historic figures must stay true.

Models that point at a person without being data about them (who published a page,
who uploaded an image) are declared with `exempt(model, reason=...)`. A test walks
every installed model and fails, naming it, when a model with a link to the user model
or an email address is in neither list (tests/cms/core/test_personal_data_registry.py).

This module names no domain app: apps register here (cms.core imports none of them).
Wagtail's and Django's own models are declared at the end of this module.
"""

from __future__ import annotations

import datetime as dt
import decimal
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from django.db import models, transaction
from django.db.models import QuerySet


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
        rows=rows if rows is not None else _rows_by_field(model, str(person_field)),
        export=export,
        erasure=erasure,
        erase=erase,
        reason=reason.strip(),
        erase_last=erase_last,
    )


def _rows_by_field(model: type[models.Model], field_path: str) -> RowsFinder:
    def rows(user: Any) -> QuerySet:
        return model._default_manager.filter(**{field_path: user})

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
    from django.utils.module_loading import autodiscover_modules

    _framework_register()
    _core_register()
    autodiscover_modules("personal_data")
    _discovered = True


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


# --- Wagtail's and Django's own models --------------------------------------------------------


def _framework_register() -> None:
    """Declare the models Wagtail and Django keep about people (allauth's are cms.people's)."""
    from django.contrib.admin.models import LogEntry
    from wagtail.admin.models import EditingSession, FormState
    from wagtail.documents.models import Document
    from wagtail.images.models import Image
    from wagtail.models import (
        APIToken,
        Comment,
        CommentReply,
        Page,
        PageLogEntry,
        PageSubscription,
        Revision,
        TaskState,
        UploadedFile,
        WorkflowState,
    )
    from wagtail.users.models import UserProfile

    register(
        UserProfile,
        section="admin_preferences",
        person_field="user",
        export=lambda p: {
            "preferred_language": p.preferred_language,
            "time_zone": p.current_time_zone,
            "theme": p.theme,
            "has_avatar": bool(p.avatar),
            "submitted_notifications": p.submitted_notifications,
            "approved_notifications": p.approved_notifications,
            "rejected_notifications": p.rejected_notifications,
            "updated_comments_notifications": p.updated_comments_notifications,
        },
        erasure=Erasure.DELETE,
        erase=_admin_preferences_delete,
    )
    register(
        PageSubscription,
        section="page_subscriptions",
        person_field="user",
        export=lambda s: {"page": s.page.title, "comment_notifications": s.comment_notifications},
        erasure=Erasure.DELETE,
    )
    register(
        Comment,
        section="page_comments",
        person_field="user",
        export=lambda c: {"page": c.page.title, "text": c.text, "created_at": c.created_at},
        erasure=Erasure.KEEP,
        reason="Editorial review of council content, kept with the content's history; the author "
        "is the anonymised account.",
    )
    register(
        CommentReply,
        section="page_comment_replies",
        person_field="user",
        export=lambda r: {"page": r.comment.page.title, "text": r.text, "created_at": r.created_at},
        erasure=Erasure.KEEP,
        reason="Replies in editorial review, kept as comments are.",
    )
    register(
        APIToken,
        section="api_tokens",
        person_field="user",
        # Never the token or its hash: only what identifies the token to its owner.
        export=lambda t: {
            "name": t.name,
            "prefix": t.prefix,
            "created": t.created,
            "last_used_at": t.last_used_at,
            "revoked_at": t.revoked_at,
        },
        erasure=Erasure.DELETE,
    )
    register(
        FormState,
        section="admin_unsaved_forms",
        person_field="user",
        export=lambda f: {"object": str(f.content_type), "last_updated_at": f.last_updated_at},
        erasure=Erasure.DELETE,
    )
    register(
        EditingSession,
        section="admin_editing_sessions",
        person_field="user",
        export=lambda s: {"object": str(s.content_type), "last_seen_at": s.last_seen_at},
        erasure=Erasure.DELETE,
    )
    authorship = (
        "Who wrote, published or approved council content is the council's editorial record, "
        "not data about the person; after erasure it points at the anonymised account."
    )
    exempt(Page, reason=f"Page owner and lock holder. {authorship}")
    exempt(Revision, reason=f"Content revisions' author. {authorship}")
    exempt(WorkflowState, reason=f"Who asked for a page's approval. {authorship}")
    exempt(TaskState, reason=f"Who approved or rejected a page. {authorship}")
    exempt(Image, reason=f"Who uploaded an image. {authorship}")
    exempt(Document, reason=f"Who uploaded a document. {authorship}")
    exempt(UploadedFile, reason=f"Who uploaded a file being processed. {authorship}")
    audit = (
        "The admin audit trail (who changed what, when) is kept for accountability, as a council's "
        "data protection officer expects; after erasure its entries point at the anonymised account. "
        "Entries about a person's own account and staff profile are anonymised (cms.people)."
    )
    exempt(PageLogEntry, reason=f"Page history. {audit}")
    exempt(LogEntry, reason=f"Django admin history (the admin is not served; Wagtail's is). {audit}")


def _admin_preferences_delete(rows: QuerySet, user: Any) -> None:
    for profile in rows:
        if profile.avatar:
            profile.avatar.delete(save=False)
    rows.delete()


def _core_register() -> None:
    """cms.core's own models that name a person: the send-once message ledger (and the
    branding settings, whose feedback address is the service's, not a person's)."""
    from cms.core.models import BrandingSettings, MessageSent

    exempt(
        BrandingSettings,
        reason="The feedback address is the service's shared inbox (the L&D team's), set by editors; "
        "it is not about a person.",
    )
    register(
        MessageSent,
        section="reminders",
        person_field="user",
        export=lambda m: {"kind": m.kind, "status": m.status, "sent_at": m.sent_at},
        erasure=Erasure.KEEP,
        reason="Which messages were sent when; kept so none is sent twice, naming nobody once erased.",
    )
