"""A URL map for layout tests: the real site, with stand-ins for the sections other apps build.

The header links to sections by URL name and leaves out any not installed, so
these tests give each section a stand-in view under its real name. The real
learning and practice-week includes are left out so the stand-ins are the ones
reversed, whatever those apps have built so far.
"""

from django.shortcuts import render
from django.urls import include, path

from cms import urls as site_urls


def section(request):
    return render(request, "base.html")


def broken(request):
    raise RuntimeError("a deliberate failure for the 500 page test")


learning_stand_ins = (
    [
        path("learning/", section, name="my_learning"),
        path("learning/team/", section, name="my_team"),
    ],
    "learning",
)
practiceweek_stand_ins = ([path("practice-week/", section, name="index")], "practiceweek")

STAND_IN_NAMESPACES = {"learning", "practiceweek"}
site_patterns = [
    pattern
    for pattern in site_urls.urlpatterns
    if getattr(pattern, "namespace", None) not in STAND_IN_NAMESPACES
]

urlpatterns = [
    path("", include(learning_stand_ins)),
    path("", include(practiceweek_stand_ins)),
    path("admin/readiness/", section, name="learning_readiness"),
    path("boom/", broken),
    *site_patterns,
]
