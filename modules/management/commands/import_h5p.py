"""python manage.py import_h5p PATH --title TITLE: imports an H5P package (modules.packages.commands)."""

from modules.h5p.kind import H5P_KIND
from modules.packages.commands import PackageImportCommand


class Command(PackageImportCommand):
    kind = H5P_KIND
