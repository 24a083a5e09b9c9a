"""The Content-Security-Policy of files from packages that authoring tools export (SCORM, xAPI, cmi5).

Such content runs from our own origin (SCORM in a frame on the lesson page, finding its runtime
through ``window.parent``; xAPI and cmi5 in their own window, posting to our LRS at /xapi).
Authoring tools (Storyline, Rise, Captivate, iSpring) write inline scripts and styles and some
build code from strings, so scripts may be inline and use eval; everything else stays on our own
origin (no third-party scripts, connections or frames), and only our own pages may frame it.
Lesson pages keep the strict site policy: it already allows same-origin frames
(``frame-src 'self'``), which is all a player needs.
"""

from django.utils.csp import CSP

AUTHORED_CONTENT_CSP = {
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
