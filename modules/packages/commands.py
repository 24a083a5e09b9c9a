"""The base of every `import_<kind>` management command (`manage.py import_<kind> PATH --title TITLE`).

Validates and extracts a package before returning. Prints the new package's id and exits 0
when accepted; prints the reason and exits 1 when refused (nothing is kept), or when the file
cannot be read. A kind's command names only its `kind`, whose words it shows.
"""

from typing import Any, ClassVar

from django.core.management.base import BaseCommand, CommandError

from modules.packages.archive import PackageRefused
from modules.packages.kinds import PackageKind
from modules.packages.services import package_import


class PackageImportCommand(BaseCommand):
    kind: ClassVar[PackageKind[Any, Any]]

    @property
    def help(self) -> str:  # type: ignore[override]
        return self.kind.import_help

    def add_arguments(self, parser):
        parser.add_argument("path", help=self.kind.import_path_help)
        parser.add_argument("--title", help=self.kind.import_title_help)

    def handle(self, *args, path: str, title: str | None, **options):
        try:
            with open(path, "rb"):
                pass
        except OSError as error:
            raise CommandError(f"Cannot read {path}: {error.strerror}.") from error
        try:
            version = package_import(kind=self.kind, path=path, title=title or "")
        except PackageRefused as refused:
            raise CommandError(f"Refused: {refused.reason}") from refused
        self.stdout.write(str(version.package_id))
