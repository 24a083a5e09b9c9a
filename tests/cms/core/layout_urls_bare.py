"""The site with no learning or practice-week sections installed yet."""

from tests.cms.core.layout_urls import site_patterns

urlpatterns = list(site_patterns)
