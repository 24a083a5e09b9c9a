"""Personal data in training content: none; its links to people are authorship (cms.core.personal_data)."""

from cms.core.personal_data import exempt
from modules.models import H5PPackageVersion, Scenario, ScormPackageVersion, XapiPackageVersion

exempt(
    H5PPackageVersion,
    reason="Who uploaded an H5P package version: the council's editorial record; after erasure "
    "it points at the anonymised account.",
)
exempt(
    Scenario,
    reason="Who holds an editing lock on an MI scenario: editorial state, released by any editor.",
)
exempt(
    ScormPackageVersion,
    reason="Who uploaded a SCORM package version: the council's editorial record; after erasure "
    "it points at the anonymised account.",
)
exempt(
    XapiPackageVersion,
    reason="Who uploaded an xAPI or cmi5 package version: the council's editorial record; after "
    "erasure it points at the anonymised account.",
)
