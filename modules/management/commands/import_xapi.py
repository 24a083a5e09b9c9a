"""python manage.py import_xapi PATH --title TITLE

Validates and extracts an xAPI (Tin Can) or cmi5 package before returning
(modules.packages.commands). Prints the new package's id and exits 0 when accepted; prints the
reason and exits 1 when refused.
"""

from modules.packages.commands import PackageImportCommand
from modules.xapi_packages.kind import XAPI_KIND


class Command(PackageImportCommand):
    help = "Validate, store and extract an xAPI or cmi5 package (.zip) as a new package; print its id."
    kind = XAPI_KIND
    path_help = "The xAPI or cmi5 .zip file to import."
    title_help = "The package's title (defaults to the course title in cmi5.xml or tincan.xml)."
