"""People's URLs, named in full. cms/urls.py includes them before the admin's and allauth's,
whose paths these refine (Wagtail's log-out goes through allauth; an invitation link opens sign-up).
"""

from django.urls import include, path

from cms.people.views import accounts, invitations

invitation_patterns = (
    [path("<str:token>/", invitations.invitation_accept, name="accept")],
    "people_invitations",
)

urlpatterns = [
    path("admin/logout/", accounts.admin_logout),
    path("accounts/invitation/", include(invitation_patterns)),
]
