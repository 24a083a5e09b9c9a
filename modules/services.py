"""Writes to training content: the module tree and its moderation workflow."""

from django.contrib.auth.models import Group
from wagtail.models import GroupApprovalTask, Page, Workflow, WorkflowPage, WorkflowTask

from modules.models import ModuleIndexPage

__all__ = [
    "GROUP_LD_LEADS",
    "LD_APPROVAL_TASK",
    "LD_APPROVAL_WORKFLOW",
    "ld_approval_workflow_assign",
    "module_index_ensure",
]

# The names cms.people.roles gives these (modules does not import cms.people: see ARCHITECTURE.md).
LD_APPROVAL_WORKFLOW = "L&D approval"
LD_APPROVAL_TASK = "L&D lead approval"
GROUP_LD_LEADS = "L&D leads"


def module_index_ensure(*, parent: Page, title: str, introduction: str) -> ModuleIndexPage:
    """The one live module index, created under the home page if missing."""
    index = ModuleIndexPage.objects.first()
    if index is None:
        index = ModuleIndexPage(title=title, slug="training", introduction=introduction)
        parent.add_child(instance=index)
        index.save_revision().publish()
    return index


def ld_approval_workflow_assign(*, page: Page) -> Workflow:
    """Put a page and its descendants under "L&D approval": editors submit, leads approve."""
    leads, _ = Group.objects.get_or_create(name=GROUP_LD_LEADS)
    workflow, _ = Workflow.objects.get_or_create(name=LD_APPROVAL_WORKFLOW, defaults={"active": True})
    task = GroupApprovalTask.objects.filter(name=LD_APPROVAL_TASK).first()
    if task is None:
        task = GroupApprovalTask.objects.create(name=LD_APPROVAL_TASK)
    task.groups.add(leads)
    if not WorkflowTask.objects.filter(workflow=workflow, task=task).exists():
        WorkflowTask.objects.create(workflow=workflow, task=task, sort_order=0)
    WorkflowPage.objects.update_or_create(page=page, defaults={"workflow": workflow})
    return workflow
