import pytest

from modules.models import ModuleIndexPage, ModulePage


@pytest.fixture
def module_index(home_page):
    index = ModuleIndexPage.objects.first()
    if index is None:
        index = ModuleIndexPage(title="Training modules", slug="modules")
        home_page.add_child(instance=index)
    return index


@pytest.fixture
def make_module(module_index):
    def _make(title: str = "Motivational interviewing foundations") -> ModulePage:
        module = ModulePage(title=title, summary=f"About {title}.", estimated_minutes=45)
        module_index.add_child(instance=module)
        return module

    return _make


@pytest.fixture
def ld_admin():
    """An L&D editor signed up for two-step sign-in, as the Wagtail admin asks."""
    from django.contrib.auth.models import Group

    from cms.people.services import groups_ensure
    from tests.cms.people.factories import UserFactory, mfa_enrol

    groups_ensure()
    user = UserFactory()
    user.groups.add(Group.objects.get(name="L&D editors"))
    return mfa_enrol(user)
