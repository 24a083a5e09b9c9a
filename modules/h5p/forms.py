"""The admin form for H5P packages: upload a .h5p, validated at once for instant feedback."""

from modules.h5p.kind import H5P_KIND
from modules.packages.forms import PackageUploadForm


class H5PPackageForm(PackageUploadForm):
    kind = H5P_KIND
