"""python manage.py import_h5p PATH --title TITLE

Validates and extracts an H5P package before returning (modules.packages.commands). Prints the
new package's id and exits 0 when accepted; prints the reason and exits 1 when refused.
"""

from modules.h5p.kind import H5P_KIND
from modules.packages.commands import PackageImportCommand


class Command(PackageImportCommand):
    help = "Validate, store and extract an H5P package (.h5p) as a new package; print its id."
    kind = H5P_KIND
    path_help = "The .h5p file to import."
    title_help = "The package's title (defaults to the title in h5p.json)."
