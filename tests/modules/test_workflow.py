"""Moderation: an L&D editor submits a module; an L&D lead approves it before it goes live."""

import pytest
from wagtail.models import Workflow

from modules.services import ld_approval_workflow_assign
from tests.cms.people.factories import UserFactory
from tests.modules.factories import ModulePageFactory, module_index_ensure

pytestmark = pytest.mark.django_db


@pytest.fixture
def workflow(home_page):
    from cms.people.services import groups_ensure

    groups_ensure()
    index = module_index_ensure(home_page)
    return index, ld_approval_workflow_assign(page=index)


def test_assigning_the_workflow_twice_changes_nothing(workflow):
    index, first = workflow
    assert ld_approval_workflow_assign(page=index) == first
    assert Workflow.objects.filter(name="L&D approval").count() == 1
    assert first.tasks.count() == 1


def test_editor_submits_and_only_a_lead_approves_and_publishes(workflow):
    """A draft module submitted by an editor stays unpublished until an L&D lead approves it."""
    index, ld_workflow = workflow
    editor = UserFactory(groups=["L&D editors"])
    lead = UserFactory(groups=["L&D leads"])
    module = ModulePageFactory(parent=index, live=False, title="Foundations of Change")
    module.save_revision(user=editor)

    assert module.get_workflow() == ld_workflow
    workflow_state = ld_workflow.start(module, editor)
    task_state = workflow_state.current_task_state
    task = task_state.task.specific

    assert task.get_actions(module, editor) == [], "an editor cannot approve their own work"
    assert "approve" in [action for action, *_ in task.get_actions(module, lead)]
    module.refresh_from_db()
    assert not module.live

    task.on_action(task_state, lead, "approve")
    module.refresh_from_db()
    assert module.live
    workflow_state.refresh_from_db()
    assert workflow_state.status == "approved"


def test_editor_cannot_publish_directly(workflow):
    """Editors have no publish permission on the module tree."""
    index, _ = workflow
    editor = UserFactory(groups=["L&D editors"])
    lead = UserFactory(groups=["L&D leads"])
    assert index.permissions_for_user(editor).can_edit()
    assert not index.permissions_for_user(editor).can_publish()
    assert index.permissions_for_user(lead).can_publish()
