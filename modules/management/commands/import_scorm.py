"""python manage.py import_scorm PATH --title TITLE: imports a SCORM package (modules.packages.commands)."""

from modules.packages.commands import PackageImportCommand
from modules.scorm.kind import SCORM_KIND


class Command(PackageImportCommand):
    kind = SCORM_KIND
