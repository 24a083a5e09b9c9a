import pytest

from modules.models import ModuleIndexPage, ModulePage
from tests.modules.factories import h5p_package_ready


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
def learner():
    """A learner with a name, for the records and exports that show it (a test module may keep its own)."""
    from tests.cms.people.factories import UserFactory

    return UserFactory(first_name="Sam", last_name="Okafor")


@pytest.fixture
def xapi_lesson(home_page):
    """A lesson whose only block (id "xapi-1") launches the demo cmi5 course."""
    from tests.modules.factories import module_with_lessons, xapi_activity_block, xapi_package_ready

    package = xapi_package_ready()
    _module, (lesson,) = module_with_lessons(
        home_page, bodies=[[xapi_activity_block(package=package, id="xapi-1")]]
    )
    return lesson


@pytest.fixture
def ld_admin():
    """An L&D editor signed up for two-step sign-in, as the Wagtail admin asks."""
    from tests.cms.people.factories import ld_editor_create

    return ld_editor_create()


@pytest.fixture
def package(settings, tmp_path):
    """A ready H5P package (the demo's), its files under this test's own media folder."""
    settings.MEDIA_ROOT = tmp_path
    return h5p_package_ready()
