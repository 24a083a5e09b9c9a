"""The roles the platform knows, and the permission group each maps to.

Role rows are data (editable names), but these slugs carry meaning in code:
they decide navigation and which views a person may open.
"""

SOCIAL_WORKER = "social-worker"
FAMILY_SUPPORT_WORKER = "family-support-worker"
DOMESTIC_ABUSE_PRACTITIONER = "domestic-abuse-practitioner"
SUBSTANCE_MISUSE_PRACTITIONER = "substance-misuse-practitioner"
MENTAL_HEALTH_PRACTITIONER = "mental-health-practitioner"
PROBATION_OFFICER = "probation-officer"
TEAM_MANAGER = "team-manager"
SENIOR_MANAGER = "senior-manager"
LEARNING_AND_DEVELOPMENT = "learning-and-development"
LEARNING_AND_DEVELOPMENT_LEAD = "learning-and-development-lead"
RECRUITMENT = "recruitment"
# Directors and heads of service: they answer for readiness and read it, and change nothing.
LEADERSHIP = "leadership"

ROLES: dict[str, str] = {
    SOCIAL_WORKER: "Social worker",
    FAMILY_SUPPORT_WORKER: "Family support worker",
    DOMESTIC_ABUSE_PRACTITIONER: "Domestic abuse practitioner",
    SUBSTANCE_MISUSE_PRACTITIONER: "Substance misuse practitioner",
    MENTAL_HEALTH_PRACTITIONER: "Mental health practitioner",
    PROBATION_OFFICER: "Probation officer",
    TEAM_MANAGER: "Team manager",
    SENIOR_MANAGER: "Senior manager",
    LEARNING_AND_DEVELOPMENT: "Learning and development",
    LEARNING_AND_DEVELOPMENT_LEAD: "Learning and development lead",
    RECRUITMENT: "Recruitment",
    LEADERSHIP: "Leadership (director or head of service)",
}

# Permission groups. A person's groups follow their role (cms.people.services).
GROUP_STAFF = "Staff"
GROUP_TEAM_MANAGERS = "Team managers"
GROUP_SENIOR_MANAGERS = "Senior managers"
GROUP_LD_EDITORS = "L&D editors"
GROUP_LD_LEADS = "L&D leads"
GROUP_RECRUITMENT = "Recruitment"
GROUP_LEADERSHIP = "Leadership"

ROLE_GROUPS: dict[str, list[str]] = {
    TEAM_MANAGER: [GROUP_STAFF, GROUP_TEAM_MANAGERS],
    SENIOR_MANAGER: [GROUP_STAFF, GROUP_SENIOR_MANAGERS],
    LEARNING_AND_DEVELOPMENT: [GROUP_STAFF, GROUP_LD_EDITORS],
    # Leads edit like editors and also publish and approve (the "L&D approval" workflow).
    LEARNING_AND_DEVELOPMENT_LEAD: [GROUP_STAFF, GROUP_LD_EDITORS, GROUP_LD_LEADS],
    RECRUITMENT: [GROUP_STAFF, GROUP_RECRUITMENT],
    # Leaders are senior managers too (they may shadow in practice week), and read readiness.
    LEADERSHIP: [GROUP_STAFF, GROUP_SENIOR_MANAGERS, GROUP_LEADERSHIP],
}
DEFAULT_GROUPS = [GROUP_STAFF]

# Every group the role sync manages. Groups not listed here (added by hand in
# the admin) are left alone when a person's role changes.
ROLE_MANAGED_GROUPS = [
    GROUP_STAFF,
    GROUP_TEAM_MANAGERS,
    GROUP_SENIOR_MANAGERS,
    GROUP_LD_EDITORS,
    GROUP_LD_LEADS,
    GROUP_RECRUITMENT,
    GROUP_LEADERSHIP,
]
# Who is L&D (cms.people.selectors.is_learning_and_development), and the groups that open the
# frame's audiences (registered with cms.core.audiences at start-up: cms.core names no roles).
LD_GROUPS = [GROUP_LD_EDITORS, GROUP_LD_LEADS]
MANAGER_GROUPS = [GROUP_TEAM_MANAGERS, *LD_GROUPS]
SENIOR_MANAGER_GROUPS = [GROUP_SENIOR_MANAGERS, *LD_GROUPS]
# Who reads the readiness reports (the `learning.view_readiness` permission comes with both).
READINESS_GROUPS = [*LD_GROUPS, GROUP_LEADERSHIP]
AUDIENCE_GROUPS: dict[str, list[str]] = {
    "manager": MANAGER_GROUPS,
    "senior_manager": SENIOR_MANAGER_GROUPS,
    "ld": LD_GROUPS,
    "readiness": READINESS_GROUPS,
}

# The Recruitment group's model permissions, as "app_label.codename": the admin, and
# keeping vacancies up to date. Reading form submissions comes from "change_page" on
# each form page (recruitment_form_access_ensure); publishing form pages stays with editors.
RECRUITMENT_PERMISSIONS = [
    "wagtailadmin.access_admin",
    "pages.add_vacancy",
    "pages.change_vacancy",
    "pages.delete_vacancy",
    "pages.publish_vacancy",
]

# LRS client credentials (learning's /xapi): they can read every learner's statements, so only
# L&D leads (and superusers) issue, rotate and withdraw them.
LRS_CREDENTIAL_PERMISSIONS = [
    "wagtailadmin.access_admin",
    "learning.view_lrscredential",
    "learning.add_lrscredential",
    "learning.change_lrscredential",
    "learning.delete_lrscredential",
]

# Forwarding statements to other LRSs: where every learner's statements go, with that LRS's
# credentials, so only L&D leads (and superusers) set targets up. Every L&D person reads the
# outbox screen and resends dead letters (learning checks the role for that, not a permission).
LRS_FORWARDING_PERMISSIONS = [
    "wagtailadmin.access_admin",
    "learning.view_lrsforwardingtarget",
    "learning.add_lrsforwardingtarget",
    "learning.change_lrsforwardingtarget",
    "learning.delete_lrsforwardingtarget",
]

# The Leadership group's model permissions: into the admin, to the readiness reports and
# exports, and nothing else there.
LEADERSHIP_PERMISSIONS = [
    "wagtailadmin.access_admin",
    "learning.view_readiness",
]

# Roles whose holders manage a team: their own team counts among the teams they see.
TEAM_MANAGING_ROLES = {TEAM_MANAGER}

# Adult specialists and other practitioners who work in family safeguarding teams.
PRACTITIONER_ROLES = {
    SOCIAL_WORKER,
    FAMILY_SUPPORT_WORKER,
    DOMESTIC_ABUSE_PRACTITIONER,
    SUBSTANCE_MISUSE_PRACTITIONER,
    MENTAL_HEALTH_PRACTITIONER,
    PROBATION_OFFICER,
}

# The moderation workflow for learning content; L&D leads approve. cms.people creates it
# (services.roles.groups_ensure); modules assigns it to the module tree, finding it by name.
LD_APPROVAL_WORKFLOW = "L&D approval"
LD_APPROVAL_TASK = "L&D lead approval"
