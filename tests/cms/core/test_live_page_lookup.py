"""live_page_noting_restrictions (cms/core/page_restrictions.py): a live page by id in one query
that says whether a view restriction applies, its SQL compiled once a process and run per id."""

import pytest
from django.contrib.auth.models import Group
from django.db import connection
from django.test.utils import CaptureQueriesContext
from wagtail.models import PageViewRestriction

from cms.core import page_restrictions
from cms.core.page_restrictions import live_page_noting_restrictions, page_viewable_by
from modules.models import LessonPage, ModulePage
from tests.cms.people.factories import UserFactory
from tests.modules.factories import module_with_lessons, text_block

pytestmark = pytest.mark.django_db


@pytest.fixture
def module_and_lessons(home_page):
    return module_with_lessons(home_page, bodies=[[text_block()], [text_block("<p>Second.</p>")]])


def _fields(page) -> dict:
    return {field.attname: getattr(page, field.attname) for field in type(page)._meta.concrete_fields}


def test_a_live_lesson_is_read_as_the_orm_reads_it_in_one_query(module_and_lessons):
    _module, (first, second) = module_and_lessons
    for lesson in (first, second):
        with CaptureQueriesContext(connection) as queries:
            found = live_page_noting_restrictions(LessonPage, lesson.pk)
        assert len(queries) == 1
        assert type(found) is LessonPage
        assert _fields(found) == _fields(LessonPage.objects.get(pk=lesson.pk))
        assert found.body.get_prep_value() == LessonPage.objects.get(pk=lesson.pk).body.get_prep_value()
        assert found._view_restrictions_none is True
        assert found._state.adding is False


def test_the_query_is_compiled_once_for_each_page_class_and_database(module_and_lessons):
    module, (first, second) = module_and_lessons
    page_restrictions._compiled_live_by_id.clear()
    live_page_noting_restrictions(LessonPage, first.pk)
    (compiled,) = page_restrictions._compiled_live_by_id.values()
    assert live_page_noting_restrictions(LessonPage, second.pk).pk == second.pk
    assert list(page_restrictions._compiled_live_by_id.values()) == [compiled]
    assert next(iter(page_restrictions._compiled_live_by_id.values())) is compiled
    assert live_page_noting_restrictions(ModulePage, module.pk).pk == module.pk
    assert len(page_restrictions._compiled_live_by_id) == 2


@pytest.mark.parametrize("page_id", [0, -1, 2_000_000_001, -2_000_000_001, 2**31, 2**63, -(2**63)], ids=str)
def test_an_id_no_live_page_has_finds_nothing(module_and_lessons, page_id):
    """Out of the ids' range too (a URL's <int:...> takes any length): nothing, not an error."""
    assert live_page_noting_restrictions(LessonPage, page_id) is None


def test_unpublished_pages_and_pages_of_another_class_are_not_found(module_and_lessons):
    module, (first, second) = module_and_lessons
    second.unpublish()
    assert live_page_noting_restrictions(LessonPage, second.pk) is None
    assert live_page_noting_restrictions(LessonPage, module.pk) is None
    assert live_page_noting_restrictions(ModulePage, first.pk) is None


def test_a_restriction_on_an_ancestor_is_noted_and_then_enforced(module_and_lessons):
    """A lesson under a restricted module is found, not marked unrestricted, and the check asks
    the restrictions: someone outside the group may not see it, someone in it may."""
    module, (lesson, _second) = module_and_lessons
    restriction = PageViewRestriction.objects.create(page=module, restriction_type=PageViewRestriction.GROUPS)
    group = Group.objects.create(name="Pilot teams only")
    restriction.groups.set([group])
    found = live_page_noting_restrictions(LessonPage, lesson.pk)
    assert found.view_restricted is True
    assert not getattr(found, "_view_restrictions_none", False)
    outsider, member = UserFactory(), UserFactory()
    member.groups.add(group)
    assert page_viewable_by(user=outsider, page=found) is False
    assert page_viewable_by(user=member, page=found) is True


def test_a_manager_that_joins_or_defers_is_refused_rather_than_read_wrongly(module_and_lessons, monkeypatch):
    """The raw query builds pages from the columns the ORM selected: a manager that joined other
    rows or put off fields would make those plain attributes, so it is refused outright."""
    _module, (lesson, _second) = module_and_lessons
    page_restrictions._compiled_live_by_id.clear()
    manager_class = type(LessonPage.objects)
    get_queryset = manager_class.get_queryset
    monkeypatch.setattr(
        manager_class, "get_queryset", lambda self: get_queryset(self).select_related("owner")
    )
    with pytest.raises(RuntimeError, match="selects related rows or defers fields"):
        live_page_noting_restrictions(LessonPage, lesson.pk)
    page_restrictions._compiled_live_by_id.clear()


@pytest.mark.parametrize("extra", ["extra", "annotate"])
def test_a_manager_that_selects_columns_of_its_own_is_refused(module_and_lessons, monkeypatch, extra):
    """The page is made from the row's columns in field order, the restriction's after them: a
    manager's extra columns (first) or annotations (beside ours) would shift them, so it is refused."""
    from django.db.models import Value

    _module, (lesson, _second) = module_and_lessons
    page_restrictions._compiled_live_by_id.clear()
    manager_class = type(LessonPage.objects)
    get_queryset = manager_class.get_queryset
    add = {
        "extra": lambda queryset: queryset.extra(select={"shifted": "1"}),
        "annotate": lambda queryset: queryset.annotate(shifted=Value(1)),
    }[extra]
    monkeypatch.setattr(manager_class, "get_queryset", lambda self: add(get_queryset(self)))
    with pytest.raises(RuntimeError, match="selects columns of its own"):
        live_page_noting_restrictions(LessonPage, lesson.pk)
    page_restrictions._compiled_live_by_id.clear()
