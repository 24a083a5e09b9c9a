"""The xAPI learning record store's writes: statements, documents, credentials (callers import from here;
the keys and agents they are read by are learning.selectors')."""

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
    outbox_sender_offer,
    outbox_target_ids,
)
from learning.services.lrs.indexing import StatementIndex, statement_index, timestamp_utc
from learning.services.lrs.outbox_retention import (
    PRUNE_BATCH,
    lrs_outbox_prune,
    outbox_dead_delete,
    outbox_keep_days,
)
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
    "PRUNE_BATCH",
    "SCOPES",
    "AttachmentPart",
    "CredentialInvalid",
    "DocumentPrecondition",
    "DocumentRefused",
    "ForwardReport",
    "ForwardingCredentialsMissing",
    "StatementConflict409",
    "StatementIndex",
    "StatementRejected",
    "actor_check",
    "agent_check",
    "credential_authority",
    "credential_check",
    "document_delete",
    "document_etag",
    "document_write",
    "forwarding_alerts_send",
    "forwarding_backoff",
    "forwarding_target_auth",
    "iri_check",
    "lrs_credential_issue",
    "lrs_credential_update",
    "lrs_forward_send",
    "lrs_forward_send_all",
    "lrs_outbox_prune",
    "lrs_statements_store",
    "outbox_dead_delete",
    "outbox_enqueue",
    "outbox_keep_days",
    "outbox_resend",
    "outbox_sender_offer",
    "outbox_target_ids",
    "signature_verify",
    "statement_index",
    "statement_validate",
    "storable_check",
    "timestamp_parse",
    "timestamp_utc",
    "uuid_check",
]
