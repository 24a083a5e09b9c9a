"""Content-Security-Policies for H5P.

Two policies, each applied only where it is needed (never site-wide):

* ``H5P_ASSET_CSP`` on every file served from an extracted package. Scripts and
  styles are loaded by the player as sub-resources, where a response's own CSP does
  not apply; the policy matters when someone opens a package file directly (an SVG,
  XML or PDF from a hostile upload): it is sandboxed, with no scripts at all.

* ``h5p_lesson_csp()`` on pages that play H5P. h5p-standalone builds each player in
  an ``about:blank`` iframe that *inherits the page's policy*, writes H5P's frame
  document into it with one fixed inline bootstrap script, and H5P content types
  build markup with ``style="..."`` attributes. So on those pages only, we add the
  SHA-256 hash of that one bootstrap script to ``script-src`` (not 'unsafe-inline')
  and allow inline style *attributes* (``style-src-attr 'unsafe-inline'``), keeping
  ``<style>`` elements nonce-only. ``'unsafe-eval'`` is added only if
  settings.H5P_CSP_ALLOW_UNSAFE_EVAL is on, for third-party libraries that need it.
"""

import base64
import hashlib

from django.conf import settings
from django.utils.csp import CSP

from modules.h5p.conf import h5p_allow_eval

# Written by H5P core (frame.bundle.js of h5p-standalone 3.8.2, H5P.getHeadTags)
# into every player frame. If an upgrade changes it, the players stop loading and
# tests/modules/test_h5p_serving.py says so.
H5P_FRAME_BOOTSTRAP = (
    "H5PIntegration = window.parent.H5PIntegration; var H5P = H5P || {}; H5P.externalEmbed = false;"
)


def _sha256(source: str) -> str:
    digest = hashlib.sha256(source.encode()).digest()
    return f"'sha256-{base64.b64encode(digest).decode()}'"


H5P_FRAME_BOOTSTRAP_HASH = _sha256(H5P_FRAME_BOOTSTRAP)

H5P_ASSET_CSP = {
    "default-src": [CSP.NONE],
    "img-src": [CSP.SELF, "data:"],
    "media-src": [CSP.SELF],
    "style-src": [CSP.SELF, CSP.UNSAFE_INLINE],
    "font-src": [CSP.SELF, "data:"],
    "frame-ancestors": [CSP.SELF],
    "base-uri": [CSP.NONE],
    "form-action": [CSP.NONE],
    "sandbox": True,
}


def h5p_lesson_csp(base: dict | None = None) -> dict:
    """The site policy with the narrow additions an H5P player needs."""
    policy = {
        key: list(value) if isinstance(value, list | tuple) else value
        for key, value in (base or settings.SECURE_CSP).items()
    }
    script_src = [*policy.get("script-src", [CSP.SELF]), H5P_FRAME_BOOTSTRAP_HASH]
    if h5p_allow_eval():
        script_src.append(CSP.UNSAFE_EVAL)
    policy["script-src"] = script_src
    policy["style-src-attr"] = [CSP.UNSAFE_INLINE]
    policy["font-src"] = [*policy.get("font-src", [CSP.SELF]), "data:"]
    policy["img-src"] = list(dict.fromkeys([*policy.get("img-src", [CSP.SELF]), "data:", "blob:"]))
    policy["media-src"] = list(dict.fromkeys([*policy.get("media-src", [CSP.SELF]), "blob:"]))
    return policy


def h5p_lesson_csp_apply(response):
    """Give a response that renders an H5P player the player's policy (see module docstring)."""
    if getattr(response, "_csp_config", None) is None:
        response._csp_config = h5p_lesson_csp()
    return response
