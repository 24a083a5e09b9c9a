"""The Content-Security-Policy of files served from an xAPI or cmi5 package.

Launched content runs in its own window from our own origin and posts statements to our
LRS at /xapi (same origin). As with SCORM, authoring tools write inline scripts and
styles and build code from strings, so scripts may be inline and use eval; everything
else stays on our own origin (no third-party scripts, connections or frames).
"""

from django.utils.csp import CSP

XAPI_ASSET_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.UNSAFE_INLINE, CSP.UNSAFE_EVAL],
    "style-src": [CSP.SELF, CSP.UNSAFE_INLINE],
    "img-src": [CSP.SELF, "data:", "blob:"],
    "media-src": [CSP.SELF, "data:", "blob:"],
    "font-src": [CSP.SELF, "data:"],
    "connect-src": [CSP.SELF],
    "frame-src": [CSP.SELF],
    "worker-src": [CSP.SELF, "blob:"],
    "frame-ancestors": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "form-action": [CSP.SELF],
}
