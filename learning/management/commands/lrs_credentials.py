"""Create an LRS client credential, or rotate its secret: prints `KEY SECRET` as the last line."""

import json

from django.core.management.base import BaseCommand, CommandError

from learning.services.lrs import SCOPES, CredentialInvalid, lrs_credential_issue

DEFAULT_SCOPES = ["statements/write", "statements/read/mine", "state"]


class Command(BaseCommand):
    help = (
        "Create the xAPI client credential NAME (or rotate its secret if it exists) and print "
        "'KEY SECRET' as the last line. The secret is shown only now."
    )

    def add_arguments(self, parser):
        parser.add_argument("name", help="Who uses it, e.g. 'Storyline courses'.")
        parser.add_argument(
            "--scope",
            action="append",
            dest="scopes",
            metavar="SCOPE",
            help=f"Repeat for each scope: {', '.join(sorted(SCOPES))} (default: {' '.join(DEFAULT_SCOPES)}).",
        )
        parser.add_argument("--authority", help="A fixed authority for its statements, as xAPI agent JSON.")

    def handle(self, *args, name, scopes, authority, **options):
        fixed = None
        if authority:
            try:
                fixed = json.loads(authority)
            except ValueError as error:
                raise CommandError("--authority must be an xAPI agent as JSON.") from error
        try:
            credential, secret = lrs_credential_issue(
                name=name, scopes=scopes or DEFAULT_SCOPES, authority=fixed
            )
        except CredentialInvalid as error:
            raise CommandError(str(error)) from error
        self.stdout.write(
            f"Credential '{credential.name}' ({', '.join(credential.scopes)}): key and secret follow."
        )
        self.stdout.write(f"{credential.key} {secret}")
