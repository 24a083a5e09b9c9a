"""Reads for a manager's team: each person by each assigned module, one page at a time."""

import heapq
from dataclasses import dataclass
from datetime import date

from django.core.paginator import Page, Paginator
from django.db.models import BooleanField, ExpressionWrapper, Q, QuerySet

from cms.people.models import StaffProfile, Team
from learning.models import Enrolment, ModuleProgress
from learning.models.progress import lessons_percent
from learning.selectors.assignments import (
    STATUS_ORDER,
    STATUS_RANKS,
    LearningItem,
    active_enrolments,
    enrolment_status,
)
from modules.models import ModulePage


@dataclass(frozen=True)
class TeamLearning:
    """One page of My team: person-by-module rows, overdue first, with counts per status."""

    page: Page
    rows: list[LearningItem]
    status_counts: dict[str, int]
    modules: list[tuple[int, str]]  # every module assigned to these people: (id, title)
    teams: list[Team]  # every team these people are in, by name
    team_id: int | None  # the team filtered by: one of `teams`, or None

    @property
    def total(self) -> int:
        return sum(self.status_counts.values())


class _InOrder:
    """Items as the paginator sees them in sorted order, sorting only as far as a page needs.

    The first pages (where managers look) take the smallest items with a heap rather
    than sorting a few thousand.
    """

    def __init__(self, items: list[tuple]) -> None:
        self._items = items

    def __len__(self) -> int:
        return len(self._items)

    def __getitem__(self, index: slice) -> list[tuple]:
        stop = len(self._items) if index.stop is None else index.stop
        return heapq.nsmallest(stop, self._items)[index.start or 0 : stop]


def team_learning(
    *,
    profiles: QuerySet[StaffProfile],
    today: date,
    status: str | None = None,
    module_id: int | None = None,
    team_id: int | None = None,
    page_number: int | str | None = 1,
    per_page: int = 50,
) -> TeamLearning:
    """Each person by each assigned module for the people in `profiles`: overdue first, then
    in progress, not started and complete; soonest due first within each.

    Statuses are worked out from narrow rows (a few numbers and dates per item, read in
    three queries), then only the page's fifty items are read in full: a team of a hundred
    people with thirty modules each costs a few milliseconds.
    """
    rows_of_people = list(profiles.values_list("user_id", "user__last_name", "user__first_name", "team_id"))
    teams = list(
        Team.objects.filter(pk__in={team for *_person, team in rows_of_people if team}).order_by("name", "pk")
    )
    if team_id not in {team.pk for team in teams}:
        team_id = None  # not one of theirs: not a filter
    people = {
        user_id: (last.lower(), first.lower())
        for user_id, last, first, team in rows_of_people
        if team_id is None or team == team_id
    }
    narrow = active_enrolments().filter(user_id__in=people.keys())
    # One item per person and module, as in _items: the required one, then the soonest due.
    chosen: dict[tuple[int, int], tuple] = {}
    # Whether each is complete, not when: reading 3,000 timestamps costs more than the rest.
    done = ExpressionWrapper(Q(completed_at__isnull=False), output_field=BooleanField())
    for row in (
        narrow.annotate(done=done)
        .values_list("pk", "user_id", "module_id", "assignment__required", "due_date", "done")
        .order_by()
    ):
        key = (row[1], row[2])
        current = chosen.get(key)
        if current is None:
            chosen[key] = row
        elif (row[3], current[4], current[0]) > (current[3], row[4], row[0]):
            chosen[key] = row  # required beats optional, then the sooner due, then the older
    progress = {
        (user_id, module): (done, total)
        for user_id, module, done, total in ModuleProgress.objects.filter(
            user_id__in=people.keys(), module_id__in={module for _user, module in chosen}
        ).values_list("user_id", "module_id", "lessons_completed", "lessons_total")
    }
    titles = dict(
        ModulePage.objects.filter(pk__in={module for _user, module in chosen}).values_list("pk", "title")
    )
    status_counts = dict.fromkeys(STATUS_ORDER, 0)
    if status not in STATUS_ORDER:
        status = None  # no such status: not a filter
    items = []
    for (user_id, module), (pk, _user, _module, _required, due, completed) in chosen.items():
        if module_id and module != module_id:
            continue
        item_status = enrolment_status(
            due_date=due, completed=completed, started=(user_id, module) in progress, today=today
        )
        status_counts[item_status] += 1
        if status in (None, item_status):
            items.append(
                (STATUS_ORDER[item_status], due, *people[user_id], user_id, titles.get(module, ""), pk)
            )
    page = Paginator(_InOrder(items), per_page).get_page(page_number)
    statuses = {item[-1]: STATUS_RANKS[item[0]] for item in page.object_list}
    fields = (
        "pk",
        "user_id",
        "module_id",
        "assignment__programme__name",
        "assignment__required",
        "due_date",
        "completed_at",
        "user__first_name",
        "user__last_name",
        "user__email",
    )
    on_page = {row["pk"]: row for row in Enrolment.objects.filter(pk__in=statuses.keys()).values(*fields)}
    profiles_on_page = {
        p.user_id: p
        for p in StaffProfile.objects.filter(user_id__in={row["user_id"] for row in on_page.values()})
        .select_related("role", "team")
        .only("user_id", "job_title", "role__name", "team__name")
    }
    rows = []
    for item in page.object_list:
        row = on_page.get(item[-1])
        if row is None:  # removed between the two reads
            continue
        key = (row["user_id"], row["module_id"])
        done, total = progress.get(key, (0, 0))
        name = f"{row['user__first_name']} {row['user__last_name']}".strip() or row["user__email"]
        rows.append(
            LearningItem(
                enrolment_id=row["pk"],
                user_id=row["user_id"],
                module_id=row["module_id"],
                module_title=titles.get(row["module_id"], ""),
                module_url=None,
                programme=row["assignment__programme__name"],
                required=row["assignment__required"],
                due_date=row["due_date"],
                status=statuses[row["pk"]],
                percent=100 if row["completed_at"] else lessons_percent(completed=done, total=total),
                completed_at=row["completed_at"],
                person=name,
                profile=profiles_on_page.get(row["user_id"]),
            )
        )
    return TeamLearning(
        page=page,
        rows=rows,
        status_counts=status_counts,
        modules=sorted(titles.items(), key=lambda pair: (pair[1].lower(), pair[0])),
        teams=teams,
        team_id=team_id,
    )
