"""The Content-Security-Policy of files served from an xAPI or cmi5 package: the one for authored
content (modules/packages/csp.py), shared with SCORM packages."""

from modules.packages.csp import AUTHORED_CONTENT_CSP

XAPI_ASSET_CSP = AUTHORED_CONTENT_CSP
