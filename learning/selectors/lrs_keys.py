"""The keys the LRS finds things by: an agent's IFI key, the platform's own accounts, a document's
scope, a credential's secret hash, and times as xAPI writes them.

Agents and groups in xAPI: their identifying key, and how a platform person is recognised.

An agent is identified by exactly one inverse functional identifier (IFI): ``mbox``,
``mbox_sha1sum``, ``openid`` or ``account``. ``agent_key`` turns one into a short stable
string the store indexes and compares (``mbox:mailto:a@b``, ``account:HOME|NAME`` ...).
"""

from __future__ import annotations

import hashlib
import hmac
import json
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from django.conf import settings

from learning.models import LrsCredential

IFI_KEYS = ("mbox", "mbox_sha1sum", "openid", "account")
PLATFORM_ACCOUNT_HOME_SETTING = "SITE_BASE_URL"
MAX_KEY = 500

__all__ = [
    "IFI_KEYS",
    "DocumentKey",
    "agent_key",
    "credential_secret_hash",
    "credential_secret_matches",
    "document_scope_hash",
    "platform_account_home",
    "platform_agent",
    "utc_iso",
]


def agent_key(agent: dict[str, Any]) -> str:
    """The indexed key of an agent's (or identified group's) IFI; "" for an anonymous group.

    A key longer than the column is kept as a SHA-256, so equal agents still meet.
    """
    if "mbox" in agent:
        key = f"mbox:{str(agent['mbox']).lower()}"
    elif "mbox_sha1sum" in agent:
        key = f"sha1:{str(agent['mbox_sha1sum']).lower()}"
    elif "openid" in agent:
        key = f"openid:{agent['openid']}"
    elif isinstance(agent.get("account"), dict):
        key = f"account:{agent['account'].get('homePage')}|{agent['account'].get('name')}"
    else:
        return ""
    if len(key) > MAX_KEY:
        return "hash:" + hashlib.sha256(key.encode("utf-8", "surrogatepass")).hexdigest()
    return key


def platform_account_home() -> str:
    """The homePage of the accounts the platform issues to its people."""
    return str(getattr(settings, PLATFORM_ACCOUNT_HOME_SETTING, "")).rstrip("/") or "http://localhost"


def platform_agent(*, user_id: int) -> dict[str, Any]:
    """The xAPI agent for a platform person (an account, so no email is published)."""
    return {"objectType": "Agent", "account": {"homePage": platform_account_home(), "name": str(user_id)}}


@dataclass(frozen=True)
class DocumentKey:
    """What names a state, activity profile or agent profile document."""

    kind: str
    activity_id: str = ""
    agent_key: str = ""
    registration: str = ""
    document_id: str = ""


def document_scope_hash(key: DocumentKey) -> str:
    raw = json.dumps([key.kind, key.activity_id, key.agent_key, key.registration, key.document_id])
    return hashlib.sha256(raw.encode()).hexdigest()


def credential_secret_hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def credential_secret_matches(*, credential: LrsCredential, secret: str) -> bool:
    return hmac.compare_digest(credential.secret_hash, credential_secret_hash(secret))


def utc_iso(moment: datetime) -> str:
    """A datetime as ISO 8601 in UTC with microseconds and a Z."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
