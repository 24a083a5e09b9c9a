"""Writes to training content: the module tree and its moderation workflow."""

from wagtail.models import Page, Workflow, WorkflowPage

from modules.models import ModuleIndexPage

__all__ = [
    "LD_APPROVAL_WORKFLOW",
    "ld_approval_workflow_assign",
    "module_index_ensure",
]

# The workflow cms.people's role setup creates (groups_ensure, after every migrate), by the name
# cms.people.roles gives it: modules does not import cms.people (see ARCHITECTURE.md).
LD_APPROVAL_WORKFLOW = "L&D approval"


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
    workflow = Workflow.objects.get(name=LD_APPROVAL_WORKFLOW)
    WorkflowPage.objects.update_or_create(page=page, defaults={"workflow": workflow})
    return workflow
