"""Writes for people and organisation. Callers import from here, not from the submodules.

- roles: the role rows, the permission groups and what they may do, and who is in them;
- organisation: staff profiles, and announcing who moved (`people_changed`);
- invitations: how people outside the allowed email domains come in;
- staff_import (with _rows, _people and _writes): the HR export, checked and applied, and its jobs.
"""

from cms.people.services.invitations import (
    INVITATION_LIFETIME,
    INVITATION_SESSION_KEY,
    InvitationError,
    InvitationExpired,
    InvitationInvalid,
    InvitationUsed,
    SentInvitation,
    invitation_accept,
    invitation_check,
    invitation_pending_for,
    invitation_refusal,
    invitation_send,
    invitation_token_hash,
    invitation_url,
)
from cms.people.services.organisation import (
    email_address_verify,
    people_changed_announce,
    staff_member_create,
    staff_member_update,
    staff_profile_ensure,
)
from cms.people.services.roles import (
    group_permissions_grant,
    groups_ensure,
    ld_approval_workflow_ensure,
    page_permissions_grant,
    recruitment_form_access_ensure,
    role_groups_sync,
    role_groups_sync_many,
    roles_ensure,
)
from cms.people.services.staff_import import staff_import, staff_import_job_create, staff_import_job_run
from cms.people.services.staff_import_rows import (
    COLUMNS,
    REQUIRED_COLUMNS,
    ImportChange,
    ImportProblem,
    ImportResult,
    email_problem,
)

__all__ = [
    "COLUMNS",
    "INVITATION_LIFETIME",
    "INVITATION_SESSION_KEY",
    "REQUIRED_COLUMNS",
    "ImportChange",
    "ImportProblem",
    "ImportResult",
    "InvitationError",
    "InvitationExpired",
    "InvitationInvalid",
    "InvitationUsed",
    "SentInvitation",
    "email_address_verify",
    "email_problem",
    "group_permissions_grant",
    "groups_ensure",
    "invitation_accept",
    "invitation_check",
    "invitation_pending_for",
    "invitation_refusal",
    "invitation_send",
    "invitation_token_hash",
    "invitation_url",
    "ld_approval_workflow_ensure",
    "page_permissions_grant",
    "people_changed_announce",
    "recruitment_form_access_ensure",
    "role_groups_sync",
    "role_groups_sync_many",
    "roles_ensure",
    "staff_import",
    "staff_import_job_create",
    "staff_import_job_run",
    "staff_member_create",
    "staff_member_update",
    "staff_profile_ensure",
]
