"""Addresses of URLs that take no arguments, reversed once per URL map rather than per request.

The frame, the admin guards and the lesson page's tracking attributes asked ``reverse`` for
the same fixed addresses a dozen times a request. The answer depends only on the URL map
and the script prefix, so it is kept per (URL map, script prefix, name) in this process;
a changed ``ROOT_URLCONF`` (tests) makes a new key, and Django's ``setting_changed`` clears
the lot, as it clears Django's own URL caches.
"""

from __future__ import annotations

from django.conf import settings
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.urls import NoReverseMatch, get_script_prefix, get_urlconf, reverse

_reversed: dict[tuple[str, str, str], str | None] = {}


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


@receiver(setting_changed)
def _forget_reversed(*, setting: str, **kwargs) -> None:
    if setting == "ROOT_URLCONF":
        _reversed.clear()
