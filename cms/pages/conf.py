"""Settings of the public pages, each overridable in Django settings by the same name.

Read at call time (not import time) so tests and deployments can override them.
"""

from django.conf import settings

DEFAULTS: dict[str, object] = {
    # Page types anonymous visitors may read: the public cache stores them and the
    # sitemap lists them. Staff-only page types (modules, lessons) are deliberately absent.
    "PUBLIC_PAGE_MODELS": (
        "pages.homepage",
        "pages.standardpage",
        "pages.recruitmentpage",
        "pages.expressionofinterestpage",
    ),
    # Public page types never served from the cache: a form carries a CSRF token
    # belonging to one visitor.
    "PUBLIC_CACHE_EXCLUDED_MODELS": ("pages.expressionofinterestpage",),
    # Longest life of a cached page; entries also end at the next London midnight,
    # when vacancies close and past events drop off.
    "PUBLIC_CACHE_SECONDS": 60 * 60,
    "PUBLIC_CACHE_ALIAS": "default",
    # Each process keeps this many entries in memory, and re-reads the shared
    # generation (what purges change) at most this often.
    "PUBLIC_CACHE_LOCAL_ENTRIES": 200,
    "PUBLIC_CACHE_LOCAL_SECONDS": 1.0,
    # After a publish, this many public pages of each site (shallowest first) are rendered into
    # the emptied cache by a Celery task (cms.pages.warming); 0 turns warming off.
    "PUBLIC_CACHE_WARM_PAGES": 20,
    # Expressions of interest: at most this many form posts from one IP address per window.
    "RECRUITMENT_FORM_RATE_LIMIT": 10,
    "RECRUITMENT_FORM_RATE_WINDOW_SECONDS": 60 * 60,
    # Number of reverse proxies in front of the app that append the client address to
    # X-Forwarded-For (0: no proxy, REMOTE_ADDR is the client).
    "RECRUITMENT_TRUSTED_PROXY_COUNT": 0,
    "RECRUITMENT_NOTIFY_EMAIL": "recruitment@oxfordshire.gov.uk",
}


def setting(name: str):
    return getattr(settings, name, DEFAULTS[name])
