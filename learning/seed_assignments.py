"""Demo assignments: the Family Safeguarding rollout with due dates and varied progress.

Completions for other staff are spread over recent weeks, so the readiness burn-up,
heatmap and team views have a realistic shape; the demo learner starts fresh.
"""

import random
from datetime import date, datetime, timedelta

from django.utils import timezone

from cms.core.seeding import SeedContext, register
from cms.people import roles
from cms.people.models import Agency, Role, User
from learning.models import Assignment, Enrolment, ModuleCompletion, Programme
from learning.services.assignments import enrolments_sync
from modules.models import ModulePage

PRACTITIONER_ROLES = [
    roles.SOCIAL_WORKER,
    roles.FAMILY_SUPPORT_WORKER,
    roles.DOMESTIC_ABUSE_PRACTITIONER,
    roles.SUBSTANCE_MISUSE_PRACTITIONER,
    roles.MENTAL_HEALTH_PRACTITIONER,
    roles.PROBATION_OFFICER,
    roles.TEAM_MANAGER,
]

# module slug, roles (None: every council member of staff), fixed due date, recertify months
PLAN = [
    ("introduction-to-family-safeguarding", None, date(2026, 11, 20), None),
    ("motivational-interviewing-foundations", PRACTITIONER_ROLES, date(2027, 1, 29), 12),
    ("structured-parenting-assessment", [roles.SOCIAL_WORKER, roles.TEAM_MANAGER], date(2027, 2, 26), None),
    (
        "parenting-programmes-by-age",
        [roles.SOCIAL_WORKER, roles.FAMILY_SUPPORT_WORKER],
        date(2027, 3, 26),
        None,
    ),
    (
        "domestic-abuse-perpetrator-programme",
        [roles.DOMESTIC_ABUSE_PRACTITIONER, roles.SOCIAL_WORKER],
        date(2027, 3, 26),
        None,
    ),
    (
        "drug-and-alcohol-recovery",
        [roles.SUBSTANCE_MISUSE_PRACTITIONER, roles.SOCIAL_WORKER],
        date(2027, 4, 30),
        None,
    ),
    (
        "mental-health-interventions",
        [roles.MENTAL_HEALTH_PRACTITIONER, roles.SOCIAL_WORKER],
        date(2027, 4, 30),
        None,
    ),
]
DEMO_LEARNER = "learner@oxfordshire.gov.uk"


@register(order=40)
def seed_assignments(context: SeedContext) -> None:
    programme, _ = Programme.objects.get_or_create(
        slug="family-safeguarding-rollout",
        defaults={
            "name": "Family Safeguarding rollout",
            "description": "Training every practitioner needs before the new teams go live.",
            "go_live_date": date(2027, 6, 7),
        },
    )
    council = Agency.objects.filter(kind=Agency.Kind.COUNCIL).first()
    for slug, role_slugs, due, recertify in PLAN:
        module = ModulePage.objects.live().filter(slug=slug).first()
        if module is None or Assignment.objects.filter(programme=programme, module=module).exists():
            continue
        assignment = Assignment.objects.create(
            programme=programme,
            module=module,
            due_mode=Assignment.DueMode.FIXED,
            due_date=due,
            recertify_months=recertify,
        )
        if role_slugs is None and council is not None:
            assignment.agencies.set([council])
        else:
            assignment.roles.set(Role.objects.filter(slug__in=role_slugs or []))
    intro = ModulePage.objects.live().filter(slug="introduction-to-family-safeguarding").first()
    if (
        intro
        and not Assignment.objects.filter(
            programme=programme, due_mode=Assignment.DueMode.AFTER_START
        ).exists()
    ):
        starters = Assignment.objects.create(
            programme=programme,
            module=intro,
            due_mode=Assignment.DueMode.AFTER_START,
            due_days=30,
            required=False,
        )
        starters.roles.set(Role.objects.filter(slug__in=PRACTITIONER_ROLES))
    today = timezone.localdate()
    enrolments_sync(today=today - timedelta(days=42))
    _seed_history(today=today)
    enrolments_sync(today=today)
    context.say(f"learning: programme with {programme.assignments.count()} assignments")


def _seed_history(*, today: date) -> None:
    """Past completions for other staff, once (skipped when any exist)."""
    if ModuleCompletion.objects.exists():
        return
    rng = random.Random(2026)  # noqa: S311 - demo data, reproducible on purpose
    shares = {"introduction-to-family-safeguarding": 0.7, "motivational-interviewing-foundations": 0.3}
    demo = set(User.objects.filter(email__iexact=DEMO_LEARNER).values_list("pk", flat=True))
    completions = []
    for enrolment in Enrolment.objects.select_related("module").filter(removed_on__isnull=True):
        share = shares.get(enrolment.module.slug, 0.1)
        if enrolment.user_id in demo or rng.random() > share:
            continue
        day = today - timedelta(days=rng.randint(1, 40))
        completions.append(
            ModuleCompletion(
                user_id=enrolment.user_id,
                module_id=enrolment.module_id,
                cycle=1,
                completed_at=timezone.make_aware(
                    datetime.combine(day, datetime.min.time()) + timedelta(hours=10)
                ),
                source=ModuleCompletion.Source.ONLINE,
            )
        )
    ModuleCompletion.objects.bulk_create(completions, ignore_conflicts=True)
