"""Addresses that do not change while a process runs, worked out once rather than per request.

- URLs that take no arguments: the frame, the admin guards and the lesson page's tracking
  attributes asked ``reverse`` for the same fixed addresses a dozen times a request. The
  answer depends only on the URL map and the script prefix, so it is kept per (URL map,
  script prefix, name); a changed ``ROOT_URLCONF`` (tests) makes a new key.
- Static files: the frame's five ``{% static %}`` addresses (``static_fixed``), which depend
  only on the static files settings and their manifest, read once when the process starts.

Django's ``setting_changed`` clears both when the settings they depend on change, as it clears
Django's own caches.
"""

from __future__ import annotations

from django.conf import settings
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.templatetags.static import static
from django.urls import NoReverseMatch, get_script_prefix, get_urlconf, reverse

_reversed: dict[tuple[str, str, str], str | None] = {}
_static: dict[str, str] = {}


def reverse_fixed_or_none(name: str) -> str | None:
    """``reverse(name)`` for a URL without arguments, or None when it is not installed."""
    key = (str(get_urlconf() or settings.ROOT_URLCONF), get_script_prefix(), name)
    try:
        return _reversed[key]
    except KeyError:
        pass
    try:
        found: str | None = reverse(name)
    except NoReverseMatch:
        found = None
    _reversed[key] = found
    return found


def reverse_fixed(name: str) -> str:
    """``reverse(name)`` for a URL without arguments; NoReverseMatch when it is not installed."""
    found = reverse_fixed_or_none(name)
    if found is None:
        raise NoReverseMatch(f"Reverse for '{name}' not found.")
    return found


def static_fixed(path: str) -> str:
    """``static(path)``: the address of a static file, as ``{% static %}`` gives it."""
    try:
        return _static[path]
    except KeyError:
        found = _static[path] = static(path)
        return found


@receiver(setting_changed)
def _forget_addresses(*, setting: str, **kwargs) -> None:
    if setting == "ROOT_URLCONF":
        _reversed.clear()
    if setting in ("STATIC_URL", "STATIC_ROOT", "STORAGES", "STATICFILES_DIRS"):
        _static.clear()
