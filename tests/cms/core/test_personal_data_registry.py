"""The personal-data registry knows every model that can hold a person, so none is forgotten."""

from types import SimpleNamespace

import pytest
from django.apps import apps
from django.conf import settings
from django.db import models

from cms.core.personal_data import Erasure, exemptions, fields_exporter, registered, related_along


def _links_to_a_person(model: type[models.Model]) -> list[str]:
    """The model's own fields that point at a user or can hold an email address."""
    user_model = apps.get_model(settings.AUTH_USER_MODEL)
    fields = [*model._meta.local_fields, *model._meta.local_many_to_many]
    to_a_user = [f.name for f in fields if f.is_relation and f.related_model is user_model]
    emails = [
        f.name
        for f in fields
        if isinstance(f, models.EmailField)
        or (isinstance(f, models.CharField | models.TextField) and "email" in f.name.lower())
    ]
    return to_a_user + emails


def test_every_model_that_names_a_person_is_registered_or_exempt_with_a_reason():
    """A developer adds a model with a user or an email field: this fails until they declare it."""
    declared = {entry.label for entry in registered()} | set(exemptions())
    missing = [
        f"{model._meta.label} ({', '.join(links)})"
        for model in apps.get_models()
        if (links := _links_to_a_person(model)) and model._meta.label not in declared
    ]
    assert not missing, (
        "Declare these in the app's personal_data.py (cms.core.personal_data.register or exempt): "
        + "; ".join(missing)
    )


def test_the_walk_finds_the_models_it_is_meant_to_find():
    """The check above is only as good as its walk: it sees links to people in our apps and others'."""
    found = {model._meta.label for model in apps.get_models() if _links_to_a_person(model)}
    assert {
        "learning.Enrolment",
        "people.Invitation",
        "account.EmailAddress",
        "wagtailcore.Revision",
    } <= found
    assert "learning.Programme" not in found


def test_no_model_is_both_registered_and_exempt_and_every_declaration_says_why():
    """An exemption and a registration for one model would contradict each other."""
    entries = registered()
    exempt = exemptions()
    assert not {entry.label for entry in entries} & set(exempt)
    assert all(reason.strip() for reason in exempt.values())
    assert all(entry.reason for entry in entries if entry.erasure != Erasure.DELETE)
    assert len({entry.section for entry in entries}) == len(entries)


def test_a_declared_field_list_exports_paths_in_order_with_none_for_an_empty_link():
    """A certificate-style row: a bare field, a renamed one, a link followed, and a link that is empty."""
    export = fields_exporter(["code", "name=learner_name", "lesson=lesson.title", "by=changed_by.email"])
    row = SimpleNamespace(
        code="AB12", learner_name="Ada", lesson=SimpleNamespace(title="Consent"), changed_by=None
    )

    assert export(row) == {"code": "AB12", "name": "Ada", "lesson": "Consent", "by": None}
    assert list(export(row)) == ["code", "name", "lesson", "by"]


def test_a_declared_field_converts_and_calls_methods():
    """`|text`, `|bool`, `|utf8` and a method call, as Wagtail's and practice week's declarations use them."""
    export = fields_exporter(
        ["team=team|text", "none=none|text", "avatar=avatar|bool", "content=content|utf8", "kind=kind()"]
    )
    row = SimpleNamespace(team=7, none=None, avatar="", content=b"caf\xc3\xa9 \xff", kind=lambda: "visit")

    assert export(row) == {
        "team": "7",
        "none": None,
        "avatar": False,
        "content": "café \ufffd",
        "kind": "visit",
    }


def test_a_declaration_with_an_unknown_conversion_is_refused_by_name():
    """A typo in a declaration file fails loudly when the registry loads, naming the field."""
    with pytest.raises(ValueError, match="when: no conversion 'date'"):
        fields_exporter(["when=created_at|date"])


def test_the_rows_fetch_the_links_the_export_follows():
    """An enrolment's export follows module and assignment.programme: both come with the rows."""
    from learning.models import Enrolment

    related = related_along(
        Enrolment, ["module=module.title", "programme=assignment.programme.name", "due_date"]
    )

    assert related == ("assignment__programme", "module")
