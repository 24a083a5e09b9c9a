"""Create a draft MI scenario from a shared JSON file."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from modules.scenarios.exchange import MAX_IMPORT_BYTES, ScenarioImportError, scenario_import


class Command(BaseCommand):
    help = (
        "Validate a scenario file (format in docs/scenarios.md) and create it as a draft. "
        "A taken slug gets a suffix; live content is never overwritten. "
        "Exits non-zero with the reasons if invalid."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)

    def handle(self, *args, file: Path, **options):
        try:
            if file.stat().st_size > MAX_IMPORT_BYTES:
                raise ScenarioImportError(
                    [f"The file is too large; a scenario file is at most {MAX_IMPORT_BYTES // 1024} KB."]
                )
            with file.open("rb") as handle:
                raw = handle.read(MAX_IMPORT_BYTES + 1)
        except OSError as error:
            raise CommandError(f"Cannot read {file}: {error.strerror or error}.") from error
        except ScenarioImportError as error:
            raise CommandError(self._reasons(error)) from error
        try:
            result = scenario_import(raw=raw)
        except ScenarioImportError as error:
            raise CommandError(self._reasons(error)) from error
        scenario = result.scenario
        if result.slug_changed:
            self.stdout.write(f"The slug was taken; the draft's slug is '{scenario.slug}'.")
        self.stdout.write(
            f"Created draft MI scenario '{scenario.title}' (slug '{scenario.slug}', id {scenario.pk})."
        )

    @staticmethod
    def _reasons(error: ScenarioImportError) -> str:
        return "The file was not imported:\n" + "\n".join(f"- {reason}" for reason in error.reasons)
