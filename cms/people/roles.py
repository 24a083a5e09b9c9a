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
RECRUITMENT = "recruitment"

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
    RECRUITMENT: "Recruitment",
}

# Permission groups. A person's groups follow their role (cms.people.services).
GROUP_STAFF = "Staff"
GROUP_TEAM_MANAGERS = "Team managers"
GROUP_SENIOR_MANAGERS = "Senior managers"
GROUP_LD_EDITORS = "L&D editors"
GROUP_LD_LEADS = "L&D leads"
GROUP_RECRUITMENT = "Recruitment"

ROLE_GROUPS: dict[str, list[str]] = {
    TEAM_MANAGER: [GROUP_STAFF, GROUP_TEAM_MANAGERS],
    SENIOR_MANAGER: [GROUP_STAFF, GROUP_SENIOR_MANAGERS],
    LEARNING_AND_DEVELOPMENT: [GROUP_STAFF, GROUP_LD_EDITORS],
    RECRUITMENT: [GROUP_STAFF, GROUP_RECRUITMENT],
}
DEFAULT_GROUPS = [GROUP_STAFF]
