from django.conf import settings
from django.urls import include, path
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.contrib.sitemaps.views import sitemap
from wagtail.documents import urls as wagtaildocs_urls

from cms.core import views as core_views
from cms.core.documents import document_serve
from cms.pages.sitemaps import PublicPagesSitemap

urlpatterns = [
    path("healthz", core_views.healthz, name="healthz"),
    path("favicon.ico", core_views.favicon, name="favicon"),
    # Every password form these includes bring (Wagtail's, Django's) is redirected to
    # allauth or closed by cms.core.middleware.SignInDoorMiddleware (cms/core/sign_in.py).
    # People's paths refine the admin's and allauth's (admin/logout/, accounts/invitation/...).
    path("", include("cms.people.urls")),
    path("admin/", include(wagtailadmin_urls)),
    # Documents with byte ranges (lesson videos seek); Wagtail's checks kept (cms/core/documents.py).
    path("documents/<int:document_id>/<str:document_filename>", document_serve, name="document_serve"),
    path("documents/", include(wagtaildocs_urls)),
    path("accounts/", include("allauth.urls")),
    # The xAPI learning record store (learning/lrs/): basic-auth clients and the players' session.
    path("xapi/", include("learning.lrs.urls")),
    path("sitemap.xml", sitemap, {"sitemaps": {"pages": PublicPagesSitemap}}, name="sitemap"),
    # Each app names its own paths in full (e.g. "learning/...", "certificates/...").
    path("", include("cms.pages.urls")),
    path("", include("modules.urls")),
    path("", include("learning.urls")),
    path("", include("practiceweek.urls")),
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

urlpatterns += [path("", include(wagtail_urls))]
