"""The site's frame in every template: navigation by role and the council's branding.

Both are lazy: a template that shows neither (an email, a JSON error) costs no query.
"""

from django.utils.functional import SimpleLazyObject

from cms.core.selectors import branding_for_request, navigation_for


def navigation(request):
    user = getattr(request, "user", None)

    def sections():
        return navigation_for(user=user, path=request.path)

    return {
        "nav_items": SimpleLazyObject(sections),
        "brand": SimpleLazyObject(lambda: branding_for_request(request=request)),
    }
