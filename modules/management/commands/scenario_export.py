"""Write an MI scenario as a shareable JSON file to standard output."""

from django.core.management.base import BaseCommand, CommandError

from modules.models import Scenario
from modules.scenarios.exchange import scenario_export_json


class Command(BaseCommand):
    help = "Write the MI scenario with this slug as JSON (format in docs/scenarios.md) to standard output."

    def add_arguments(self, parser):
        parser.add_argument("slug")
        parser.add_argument(
            "--live",
            action="store_true",
            help="Export the published version instead of the latest saved one.",
        )

    def handle(self, *args, slug: str, live: bool, **options):
        scenario = Scenario.objects.filter(slug=slug).first()
        if scenario is None:
            raise CommandError(f"No MI scenario has the slug '{slug}'.")
        try:
            self.stdout.write(scenario_export_json(scenario=scenario, live=live), ending="")
        except ValueError as error:
            raise CommandError(str(error)) from error
