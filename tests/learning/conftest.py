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
