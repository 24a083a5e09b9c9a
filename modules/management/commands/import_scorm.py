"""python manage.py import_scorm PATH --title TITLE

Validates and extracts a SCORM package before returning (modules.packages.commands). Prints the
new package's id and exits 0 when accepted; prints the reason and exits 1 when refused.
"""

from modules.packages.commands import PackageImportCommand
from modules.scorm.kind import SCORM_KIND


class Command(PackageImportCommand):
    help = "Validate, store and extract a SCORM package (.zip) as a new package; print its id."
    kind = SCORM_KIND
    path_help = "The SCORM .zip file to import."
    title_help = "The package's title (defaults to the title in imsmanifest.xml)."
