"""LRS client credentials: issuing, rotating and checking HTTP basic key/secret pairs."""

from __future__ import annotations

import secrets
from typing import Any

from django.db import transaction
from django.utils import timezone

from learning.models import LrsCredential
from learning.selectors.lrs_keys import credential_secret_hash
from learning.services.lrs.validation import StatementRejected
from learning.services.lrs.validation_parts import actor_check

SCOPES = frozenset(LrsCredential.Scope.values)

__all__ = [
    "SCOPES",
    "CredentialInvalid",
    "credential_check",
    "lrs_credential_issue",
    "lrs_credential_update",
]


class CredentialInvalid(ValueError):
    """The name, scopes or authority given for a credential are not acceptable."""


def credential_check(*, name: str, scopes: list[str], authority: dict[str, Any] | None) -> str:
    """The cleaned name, or CredentialInvalid saying what is wrong with name, scopes or authority."""
    name = name.strip() if isinstance(name, str) else ""
    if not name or len(name) > 100 or any(ord(char) < 32 for char in name):
        raise CredentialInvalid("Give the credential a name of 1 to 100 printable characters.")
    unknown = sorted(set(scopes) - SCOPES)
    if unknown:
        raise CredentialInvalid(f"Unknown scope '{unknown[0]}'; choose from {', '.join(sorted(SCOPES))}.")
    if not scopes:
        raise CredentialInvalid("Give the credential at least one scope.")
    if authority is not None:
        try:
            actor_check(authority, "authority")
        except StatementRejected as error:
            raise CredentialInvalid(f"The authority is not an xAPI agent: {error}") from error
    return name


@transaction.atomic
def lrs_credential_issue(
    *,
    name: str,
    scopes: list[str],
    authority: dict[str, Any] | None = None,
    created_by_id: int | None = None,
) -> tuple[LrsCredential, str]:
    """Make the credential called ``name``, or rotate its secret if it exists; answer it and the secret.

    The secret is returned once and only its hash is kept.
    """
    name = credential_check(name=name, scopes=scopes, authority=authority)
    secret = secrets.token_urlsafe(32)
    credential = LrsCredential.objects.select_for_update().filter(name=name).first()
    if credential is None:
        credential = LrsCredential(name=name, key=secrets.token_hex(16), created_by_id=created_by_id)
    else:
        credential.secret_rotated_at = timezone.now()
    credential.secret_hash = credential_secret_hash(secret)
    credential.scopes = sorted(set(scopes))
    credential.authority = authority
    credential.is_active = True
    credential.save()
    return credential, secret


def lrs_credential_update(
    *, credential: LrsCredential, scopes: list[str], authority: dict[str, Any] | None, is_active: bool
) -> LrsCredential:
    """Change what a credential may do (its key and secret stay)."""
    credential_check(name=credential.name, scopes=scopes, authority=authority)
    credential.scopes = sorted(set(scopes))
    credential.authority = authority
    credential.is_active = is_active
    credential.save(update_fields=["scopes", "authority", "is_active"])
    return credential
