"""Demo assignments from assignments.json: the Family Safeguarding rollout with due dates and
varied progress.

Completions for other staff are spread over recent weeks, so the readiness burn-up,
heatmap and team views have a realistic shape; the demo learner starts fresh.
"""

import json
import random
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

from django.utils import timezone

from cms.core.seeding import SeedContext, register
from cms.people.models import Agency, Role, User
from learning.models import Assignment, Enrolment, ModuleCompletion, Programme
from learning.services import enrolments_sync
from modules.models import ModulePage

DATA = Path(__file__).with_name("assignments.json")


@register(order=40)
def seed_assignments(context: SeedContext) -> None:
    data = json.loads(DATA.read_text(encoding="utf-8"))
    about = data["programme"]
    programme, _ = Programme.objects.get_or_create(
        slug=about["slug"],
        defaults={
            "name": about["name"],
            "description": about["description"],
            "go_live_date": date.fromisoformat(about["go_live_date"]),
        },
    )
    council = Agency.objects.filter(kind=Agency.Kind.COUNCIL).first()
    for plan in data["assignments"]:
        module = ModulePage.objects.live().filter(slug=plan["module"]).first()
        if module is None or Assignment.objects.filter(programme=programme, module=module).exists():
            continue
        assignment = Assignment.objects.create(
            programme=programme,
            module=module,
            due_mode=Assignment.DueMode.FIXED,
            due_date=date.fromisoformat(plan["due_date"]),
            recertify_months=plan["recertify_months"],
        )
        # No roles: every council member of staff.
        if plan["roles"] is None and council is not None:
            assignment.agencies.set([council])
        else:
            assignment.roles.set(Role.objects.filter(slug__in=plan["roles"] or []))
    starters_plan = data["starters"]
    intro = ModulePage.objects.live().filter(slug=starters_plan["module"]).first()
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
            due_days=starters_plan["due_days"],
            required=starters_plan["required"],
        )
        starters.roles.set(Role.objects.filter(slug__in=data["practitioner_roles"]))
    today = timezone.localdate()
    enrolments_sync(today=today - timedelta(days=42))
    _seed_history(today=today, history=data["history"], demo_learner=data["demo_learner"])
    enrolments_sync(today=today)
    context.say(f"learning: programme with {programme.assignments.count()} assignments")


def _seed_history(*, today: date, history: dict[str, Any], demo_learner: str) -> None:
    """Past completions for other staff, once (skipped when any exist)."""
    if ModuleCompletion.objects.exists():
        return
    rng = random.Random(history["seed"])  # noqa: S311 - demo data, reproducible on purpose
    shares = history["shares"]
    demo = set(User.objects.filter(email__iexact=demo_learner).values_list("pk", flat=True))
    completions = []
    for enrolment in Enrolment.objects.select_related("module").filter(removed_on__isnull=True):
        share = shares.get(enrolment.module.slug, history["default_share"])
        if enrolment.user_id in demo or rng.random() > share:
            continue
        day = today - timedelta(days=rng.randint(1, history["days_back"]))
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
