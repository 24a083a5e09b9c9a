"""Import or update staff from an HR export (CSV). All or nothing; see docs/organisation.md."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from cms.people import conf
from cms.people.services import staff_import


class Command(BaseCommand):
    help = (
        "Create or update staff from an HR export (CSV, UTF-8) with the columns: email, first name, "
        "last name, job title, role, team, agency, line manager email, start date (and optionally "
        "active). Nothing is written if any row is bad; every bad row is reported with its line number."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="path to the CSV file")
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="check the file and report what would change; write nothing",
        )

    def handle(self, *args, **options):
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"{path}: no such file")
        if path.stat().st_size > conf.STAFF_IMPORT_MAX_BYTES:
            raise CommandError(
                f"{path}: the file is too large ({path.stat().st_size:,} bytes); the limit is "
                f"{conf.STAFF_IMPORT_MAX_BYTES:,} bytes. Split it into smaller files."
            )
        with path.open("rb") as handle:
            data = handle.read(conf.STAFF_IMPORT_MAX_BYTES + 1)
        result = staff_import(data=data, dry_run=options["dry_run"])
        for warning in result.warnings:
            self.stdout.write(f"{path}: warning: {warning}")
        if not result.ok:
            for error in result.errors:
                self.stderr.write(f"{path}: {error}")
            raise CommandError(result.summary())
        verbosity = options["verbosity"]
        for change in result.changes:
            if change.action == "unchanged" and verbosity < 2:
                continue
            detail = f" ({', '.join(change.fields)})" if change.fields else ""
            prefix = "would " if result.dry_run else ""
            self.stdout.write(f"line {change.line}: {prefix}{change.action} {change.email}{detail}")
        self.stdout.write(self.style.SUCCESS(result.summary()))
