"""The xAPI learning record store's writes: statements, documents, credentials (callers import from here)."""

from learning.selectors.lrs_keys import (
    IFI_KEYS,
    DocumentKey,
    agent_key,
    credential_secret_hash,
    credential_secret_matches,
    document_scope_hash,
    platform_account_home,
    platform_agent,
    utc_iso,
)
from learning.services.lrs.credentials import (
    SCOPES,
    CredentialInvalid,
    credential_check,
    lrs_credential_issue,
    lrs_credential_update,
)
from learning.services.lrs.documents import (
    DocumentPrecondition,
    DocumentRefused,
    document_delete,
    document_etag,
    document_write,
)
from learning.services.lrs.forwarding import (
    BACKOFF_CAP,
    ForwardingCredentialsMissing,
    ForwardReport,
    forwarding_alerts_send,
    forwarding_backoff,
    forwarding_target_auth,
    lrs_forward_send,
    lrs_forward_send_all,
    outbox_enqueue,
    outbox_resend,
)
from learning.services.lrs.indexing import StatementIndex, statement_index, timestamp_utc
from learning.services.lrs.signature import signature_verify
from learning.services.lrs.statements import (
    AttachmentPart,
    StatementConflict409,
    credential_authority,
    lrs_statements_store,
)
from learning.services.lrs.validation import statement_validate, storable_check
from learning.services.lrs.validation_parts import (
    StatementRejected,
    actor_check,
    agent_check,
    iri_check,
    timestamp_parse,
    uuid_check,
)

__all__ = [
    "BACKOFF_CAP",
    "IFI_KEYS",
    "SCOPES",
    "AttachmentPart",
    "CredentialInvalid",
    "DocumentKey",
    "DocumentPrecondition",
    "DocumentRefused",
    "ForwardReport",
    "ForwardingCredentialsMissing",
    "StatementConflict409",
    "StatementIndex",
    "StatementRejected",
    "actor_check",
    "agent_check",
    "agent_key",
    "credential_authority",
    "credential_check",
    "credential_secret_hash",
    "credential_secret_matches",
    "document_delete",
    "document_etag",
    "document_scope_hash",
    "document_write",
    "forwarding_alerts_send",
    "forwarding_backoff",
    "forwarding_target_auth",
    "iri_check",
    "lrs_credential_issue",
    "lrs_credential_update",
    "lrs_forward_send",
    "lrs_forward_send_all",
    "lrs_statements_store",
    "outbox_enqueue",
    "outbox_resend",
    "platform_account_home",
    "platform_agent",
    "signature_verify",
    "statement_index",
    "statement_validate",
    "storable_check",
    "timestamp_parse",
    "timestamp_utc",
    "utc_iso",
    "uuid_check",
]
