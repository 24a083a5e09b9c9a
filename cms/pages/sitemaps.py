"""sitemap.xml: live, unrestricted pages of the public page types only.

Wagtail's sitemap already leaves out pages with view restrictions; staff-only page
types (modules and lessons send anonymous visitors to sign in) are left out too,
by listing only PUBLIC_PAGE_MODELS.
"""

from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from wagtail.contrib.sitemaps import Sitemap

from cms.pages.selectors import public_page_model_labels


class PublicPagesSitemap(Sitemap):
    def items(self):
        models = [apps.get_model(label) for label in sorted(public_page_model_labels())]
        content_types = ContentType.objects.get_for_models(*models).values()
        return (
            self.get_wagtail_site()
            .root_page.get_descendants(inclusive=True)
            .live()
            .public()
            .filter(content_type__in=list(content_types))
            .order_by("path")
            .defer_streamfields()
            .specific()
        )
