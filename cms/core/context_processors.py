"""Navigation by role: what the header shows a signed-in person."""

from django.urls import NoReverseMatch, reverse

from cms.core.middleware import user_can_access_admin

# (label, url name, who sees it). Links to sections not yet built are skipped.
NAV_ITEMS = [
    ("My learning", "learning:my_learning", "staff"),
    ("Practice week", "practiceweek:index", "senior_manager"),
    ("My team", "learning:my_team", "manager"),
]


def _audiences(user) -> set[str]:
    audiences = {"staff"}
    if user.is_superuser:
        return {"staff", "manager", "senior_manager", "admin"}
    if user.groups.filter(name__in=["Team managers", "L&D editors", "L&D leads"]).exists():
        audiences.add("manager")
    if user.groups.filter(name__in=["Senior managers", "L&D editors", "L&D leads"]).exists():
        audiences.add("senior_manager")
    if user_can_access_admin(user):
        audiences.add("admin")
    return audiences


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_items": []}
    audiences = _audiences(user)
    items = []
    for label, url_name, audience in NAV_ITEMS:
        if audience not in audiences:
            continue
        try:
            href = reverse(url_name)
        except NoReverseMatch:
            continue
        items.append({"label": label, "href": href, "active": request.path.startswith(href)})
    if "admin" in audiences:
        items.append({"label": "Admin", "href": "/admin/", "active": False})
    return {"nav_items": items}
