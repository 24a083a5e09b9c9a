"""Agents and groups in xAPI: their identifying key, and how a platform person is recognised.

An agent is identified by exactly one inverse functional identifier (IFI): ``mbox``,
``mbox_sha1sum``, ``openid`` or ``account``. ``agent_key`` turns one into a short stable
string the store indexes and compares (``mbox:mailto:a@b``, ``account:HOME|NAME`` ...).
"""

from __future__ import annotations

import hashlib
from typing import Any

from django.conf import settings

IFI_KEYS = ("mbox", "mbox_sha1sum", "openid", "account")
PLATFORM_ACCOUNT_HOME_SETTING = "SITE_BASE_URL"

__all__ = [
    "IFI_KEYS",
    "agent_key",
    "platform_account_home",
    "platform_agent",
]


def agent_key(agent: dict[str, Any]) -> str:
    """The indexed key of an agent's (or identified group's) IFI; "" for an anonymous group."""
    if "mbox" in agent:
        return f"mbox:{str(agent['mbox']).lower()}"
    if "mbox_sha1sum" in agent:
        return f"sha1:{str(agent['mbox_sha1sum']).lower()}"
    if "openid" in agent:
        return f"openid:{agent['openid']}"
    account = agent.get("account")
    if isinstance(account, dict):
        key = f"account:{account.get('homePage')}|{account.get('name')}"
        if len(key) > 500:
            return "account#" + hashlib.sha256(key.encode()).hexdigest()
        return key
    return ""


def platform_account_home() -> str:
    """The homePage of the accounts the platform issues to its people."""
    return str(getattr(settings, PLATFORM_ACCOUNT_HOME_SETTING, "")).rstrip("/") or "http://localhost"


def platform_agent(*, user_id: int) -> dict[str, Any]:
    """The xAPI agent for a platform person (an account, so no email is published)."""
    return {"objectType": "Agent", "account": {"homePage": platform_account_home(), "name": str(user_id)}}
