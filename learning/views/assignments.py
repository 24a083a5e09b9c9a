"""My learning, My team, the due-date calendar feed and reminders sent by managers."""

from datetime import timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core import signing
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_POST
from icalendar import Calendar, Event
from wagtail import hooks

from cms.core.email import absolute_url
from cms.people.selectors import is_learning_and_development, is_team_manager, staff_visible_to
from learning.models import Enrolment
from learning.selectors import STATUS_LABELS, enrolments_by_module, my_learning, team_learning
from learning.services import TeamReminderOutcome, team_reminder_send

CALENDAR_SALT = "learning.calendar-feed"


def calendar_token(user) -> str:
    return signing.Signer(salt=CALENDAR_SALT).sign(str(user.pk))


def _record_sections(user) -> list[dict]:
    """Sections other apps add to a person's learning record (e.g. practice-week visits)."""
    sections = []
    for hook in hooks.get_hooks("learning_record_sections"):
        # Each hook returns a function of the person giving that app's sections.
        for section in hook()(user) or []:
            sections.append(
                {
                    "title": section["title"],
                    "html": render_to_string(section["template"], section.get("context", {})),
                }
            )
    return sections


@login_required
@require_GET
def my_learning_view(request):
    today = timezone.localdate()
    context = my_learning(user=request.user, today=today, request=request)
    context.update(
        {
            "today": today,
            "status_labels": STATUS_LABELS,
            "calendar_url": absolute_url(
                reverse("learning:calendar_feed", args=[calendar_token(request.user)])
            ),
            "record_sections": _record_sections(request.user),
        }
    )
    return render(request, "learning/my_learning.html", context)


@require_GET
def calendar_feed(request, token: str):
    """An .ics feed of one person's due dates, for their calendar app (which cannot sign in).

    The link is personal and unguessable (signed with the site's secret key).
    """
    try:
        user_id = int(signing.Signer(salt=CALENDAR_SALT).unsign(token))
    except (signing.BadSignature, ValueError):
        raise Http404("No calendar at this address.") from None
    enrolments = (
        Enrolment.objects.filter(
            user_id=user_id, user__is_active=True, removed_on__isnull=True, assignment__active=True
        )
        .select_related("module", "assignment__programme")
        .order_by("due_date")
    )
    calendar = Calendar()
    calendar.add("prodid", "-//Family Safeguarding Learning//Due dates//EN")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", "Learning due dates")
    # One event per module, however many assignments give it (selectors.enrolments_by_module).
    for enrolment, terms in enrolments_by_module(enrolments):
        event = Event()
        event.add("uid", f"learning-{enrolment.user_id}-{enrolment.module_id}@fsm-learning")
        event.add("summary", f"Due: {enrolment.module.title}")
        event.add("dtstart", terms.due_date)
        event.add("dtend", terms.due_date + timedelta(days=1))
        event.add("dtstamp", timezone.now())
        event.add("url", absolute_url(enrolment.module.url or "/learning/"))
        description = f"Assigned through {', '.join(terms.reasons)}."
        if enrolment.completed_at:
            description = f"Completed. {description}"
        event.add("description", description)
        calendar.add_component(event)
    response = HttpResponse(calendar.to_ical(), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="learning-due-dates.ics"'
    return response


def _may_see_team(user) -> bool:
    return is_learning_and_development(user=user) or is_team_manager(user=user)


@login_required
@require_GET
def my_team_view(request):
    if not _may_see_team(request.user):
        raise PermissionDenied("My team is for line managers, team managers and L&D.")
    today = timezone.localdate()
    module_id = _int_or_none(request.GET.get("module"))
    status = request.GET.get("status") or None
    if status not in STATUS_LABELS:
        status = None
    learning = team_learning(
        profiles=staff_visible_to(user=request.user),
        today=today,
        status=status,
        module_id=module_id,
        team_id=_int_or_none(request.GET.get("team")),
        page_number=request.GET.get("page"),
    )
    team_id = learning.team_id
    if module_id not in {pk for pk, _title in learning.modules}:
        module_id = None  # not one of theirs: nothing matched, and links drop it
    return render(
        request,
        "learning/my_team.html",
        {
            "learning": learning,
            "back": request.get_full_path(),
            "page_obj": learning.page,
            "teams": learning.teams,
            "team_options": [(team.pk, team.name) for team in learning.teams],
            "modules": learning.modules,
            "selected_team": team_id,
            "selected_module": module_id,
            "selected_status": status,
            "status_labels": STATUS_LABELS,
            "status_filters": [
                {"value": value, "label": STATUS_LABELS[value], "count": count}
                for value, count in learning.status_counts.items()  # overdue first
            ],
            "today": today,
        },
    )


def _int_or_none(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _back_to_team(request):
    """Back to the page of My team the reminder was sent from (its filters and page kept)."""
    back = request.POST.get("next", "")
    team_path = reverse("learning:my_team")
    if back.startswith(team_path + "?") and url_has_allowed_host_and_scheme(
        back, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return redirect(back)
    return redirect(team_path)


@login_required
@require_POST
def team_remind_view(request):
    """A manager nudges one person about one module: once a day per item, 50 a day per manager."""
    if not _may_see_team(request.user):
        raise PermissionDenied("Only managers and L&D can send reminders.")
    enrolment_id = _int_or_none(request.POST.get("enrolment"))
    enrolment = (
        Enrolment.objects.select_related("user", "module")
        .filter(
            pk=enrolment_id, removed_on__isnull=True, user__profile__in=staff_visible_to(user=request.user)
        )
        .first()
        if enrolment_id
        else None
    )
    if enrolment is None:
        messages.error(request, "That reminder could not be sent: the person is not in your team.")
        return _back_to_team(request)
    outcome = team_reminder_send(manager=request.user, enrolment=enrolment)
    person, module = enrolment.user, enrolment.module.title
    if outcome == TeamReminderOutcome.ALREADY_COMPLETE:
        messages.info(request, f"{person} has already completed {module}.")
    elif outcome == TeamReminderOutcome.BUDGET_SPENT:
        messages.error(request, "You have sent the most reminders allowed today. Try again tomorrow.")
    elif outcome == TeamReminderOutcome.ALREADY_TODAY:
        messages.info(request, f"{person} has already been reminded about {module} today.")
    else:
        messages.success(request, f"Reminder sent to {person} about {module}.")
    return _back_to_team(request)
