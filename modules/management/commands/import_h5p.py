"""python manage.py import_h5p PATH --title TITLE

Validates and extracts an H5P package before returning. Prints the new package's id
and exits 0 when accepted; prints the reason and exits 1 when refused (nothing is kept).
"""

from django.core.management.base import BaseCommand, CommandError

from modules.h5p.services import h5p_package_import
from modules.packages.archive import PackageRefused


class Command(BaseCommand):
    help = "Validate, store and extract an H5P package (.h5p) as a new package; print its id."

    def add_arguments(self, parser):
        parser.add_argument("path", help="The .h5p file to import.")
        parser.add_argument("--title", help="The package's title (defaults to the title in h5p.json).")

    def handle(self, *args, path: str, title: str | None, **options):
        try:
            with open(path, "rb"):
                pass
        except OSError as error:
            raise CommandError(f"Cannot read {path}: {error.strerror}.") from error
        try:
            version = h5p_package_import(path=path, title=title or "")
        except PackageRefused as refused:
            raise CommandError(f"Refused: {refused.reason}") from refused
        self.stdout.write(str(version.package_id))
