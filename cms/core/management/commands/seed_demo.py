"""Seed the demo: organisation, staff, pages and every app's demo content. Idempotent."""

import os

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from cms.core.seeding import SeedContext, seeders

DEMO_PASSWORD_ENV = "DEMO_PASSWORD"  # noqa: S105 - the variable name, not a secret
DEFAULT_DEMO_PASSWORD = "demo-learning-2026"  # noqa: S105 - documented demo-only login


class Command(BaseCommand):
    help = "Create or update the demo content. Safe to run again: nothing is duplicated."

    def add_arguments(self, parser):
        parser.add_argument(
            "--allow-production",
            action="store_true",
            help="Seed even when DEBUG is off (never do this on a live site).",
        )

    def handle(self, *args, **options):
        if not settings.DEBUG and not options["allow_production"] and not _is_test_settings():
            raise CommandError("seed_demo creates demo logins; it only runs with DEBUG on.")
        context = SeedContext(
            stdout=self.stdout, password=os.environ.get(DEMO_PASSWORD_ENV, DEFAULT_DEMO_PASSWORD)
        )
        # Each seeder says one line of what it made; which seeder ran is only worth a line at -v 2.
        for _order, name, seeder in seeders():
            with transaction.atomic():
                seeder(context)
            if options["verbosity"] >= 2:
                self.stdout.write(f"seeded: {name}")
        if context.logins:
            self.stdout.write(f"\nDemo logins (password: {context.password})")
            for login in context.logins:
                self.stdout.write(f"  {login.who:<38} {login.email}")


def _is_test_settings() -> bool:
    return os.environ.get("DJANGO_SETTINGS_MODULE", "").endswith(".test")
