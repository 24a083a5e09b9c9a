"""Reads for people and organisation. Callers import from here, not from the submodules.

- roles: who holds which role (is_learning_and_development, is_team_manager, ...);
- organisation: agencies by email domain, who manages whom, who sees whom;
- staff_import: the recent import jobs.
"""

from cms.people.selectors.organisation import (
    agency_for_email,
    email_domain_of,
    managed_team_ids,
    managed_teams,
    managed_users,
    manager_chain_reaches,
    person_by_email,
    signup_domain_allowed,
    staff_visible_to,
    staff_with_role,
    team_members,
)
from cms.people.selectors.roles import (
    is_ld_lead,
    is_learning_and_development,
    is_senior_manager,
    is_team_manager,
    user_in_groups,
)
from cms.people.selectors.staff_import import staff_import_job_stalled, staff_import_jobs_recent

__all__ = [
    "agency_for_email",
    "email_domain_of",
    "is_ld_lead",
    "is_learning_and_development",
    "is_senior_manager",
    "is_team_manager",
    "managed_team_ids",
    "managed_teams",
    "managed_users",
    "manager_chain_reaches",
    "person_by_email",
    "signup_domain_allowed",
    "staff_import_job_stalled",
    "staff_import_jobs_recent",
    "staff_visible_to",
    "staff_with_role",
    "team_members",
    "user_in_groups",
]
