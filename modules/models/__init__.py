"""Training content models. Each file holds one family of models; all are re-exported here."""

from modules.h5p.models import H5PPackage, H5PPackageVersion, H5PStatus
from modules.models.pages import LessonPage, ModuleIndexPage, ModulePage
from modules.scenarios.models import Scenario
from modules.scorm.models import ScormPackage, ScormPackageVersion, ScormStatus, ScormVersion
from modules.xapi_packages.models import XapiKind, XapiPackage, XapiPackageVersion, XapiStatus

__all__ = [
    "H5PPackage",
    "H5PPackageVersion",
    "H5PStatus",
    "LessonPage",
    "ModuleIndexPage",
    "ModulePage",
    "Scenario",
    "ScormPackage",
    "ScormPackageVersion",
    "ScormStatus",
    "ScormVersion",
    "XapiKind",
    "XapiPackage",
    "XapiPackageVersion",
    "XapiStatus",
]
