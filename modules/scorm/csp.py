"""The Content-Security-Policy of files served from a SCORM package: the one for authored content
(modules/packages/csp.py), shared with xAPI and cmi5 packages."""

from modules.packages.csp import AUTHORED_CONTENT_CSP

SCORM_ASSET_CSP = AUTHORED_CONTENT_CSP
