"""python manage.py import_xapi PATH --title TITLE

Validates and extracts an xAPI (Tin Can) or cmi5 package before returning. Prints the new package's id
and exits 0 when accepted; prints the reason and exits 1 when refused (nothing is kept).
"""

from django.core.management.base import BaseCommand, CommandError

from modules.packages.archive import PackageRefused
from modules.xapi_packages.services import xapi_package_import


class Command(BaseCommand):
    help = "Validate, store and extract an xAPI or cmi5 package (.zip) as a new package; print its id."

    def add_arguments(self, parser):
        parser.add_argument("path", help="The xAPI or cmi5 .zip file to import.")
        parser.add_argument(
            "--title", help="The package's title (defaults to the course title in cmi5.xml or tincan.xml)."
        )

    def handle(self, *args, path: str, title: str | None, **options):
        try:
            with open(path, "rb"):
                pass
        except OSError as error:
            raise CommandError(f"Cannot read {path}: {error.strerror}.") from error
        try:
            version = xapi_package_import(path=path, title=title or "")
        except PackageRefused as refused:
            raise CommandError(f"Refused: {refused.reason}") from refused
        self.stdout.write(str(version.package_id))
