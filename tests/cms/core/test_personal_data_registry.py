"""The personal-data registry knows every model that can hold a person, so none is forgotten."""

from django.apps import apps
from django.conf import settings
from django.db import models

from cms.core.personal_data import Erasure, exemptions, registered


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
