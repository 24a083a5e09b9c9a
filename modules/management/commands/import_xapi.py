"""python manage.py import_xapi PATH --title TITLE: imports an xAPI (Tin Can) or cmi5 package
(modules.packages.commands)."""

from modules.packages.commands import PackageImportCommand
from modules.xapi_packages.kind import XAPI_KIND


class Command(PackageImportCommand):
    kind = XAPI_KIND
