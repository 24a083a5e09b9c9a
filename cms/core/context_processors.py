"""The site's frame in every template: navigation by role and the council's branding.

All lazy: a template that shows none of it (an email, a JSON error) costs no query,
and the person's audiences are worked out once per request.
"""

from django.utils.functional import SimpleLazyObject

from cms.core.selectors import audiences_for, branding_for_request, navigation_for


def navigation(request):
    user = getattr(request, "user", None)

    def audiences():
        if not hasattr(request, "_frame_audiences"):
            request._frame_audiences = audiences_for(user=user)
        return request._frame_audiences

    return {
        "nav_items": SimpleLazyObject(
            lambda: navigation_for(user=user, path=request.path, audiences=audiences())
        ),
        # Wagtail's user bar is only for people who may use the admin.
        "frame_shows_userbar": SimpleLazyObject(lambda: "admin" in audiences()),
        "brand": SimpleLazyObject(lambda: branding_for_request(request=request)),
    }
