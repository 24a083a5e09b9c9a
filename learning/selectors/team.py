"""Reads for a manager's team: each person by each assigned module, one page at a time."""

import heapq
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import NamedTuple

from django.core.paginator import Page, Paginator
from django.db.models import BooleanField, ExpressionWrapper, Q, QuerySet

from cms.people.models import Role, StaffProfile, Team
from learning.models import Enrolment, ModuleProgress
from learning.models.progress import lessons_percent
from learning.selectors.assignments import (
    STATUS_ORDER,
    STATUS_RANKS,
    LearningItem,
    ShownProfile,
    active_enrolments,
    enrolment_status,
)
from learning.selectors.team_cache import TEAM_CACHE_MAX_ITEMS, team_cache_shared, team_learning_cached
from modules.selectors import module_titles


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


# A narrow item: (pk, user id, module id, required, due date, complete).
_Narrow = tuple[int, int, int, bool, date, bool]


class _Sortable(NamedTuple):
    """An item in the order My team lists it: compared field by field up to ``pk``, which is
    unique, so what follows it (what the page's rows show) is never compared.

    Items are kept as plain tuples of numbers and text in these fields' order (the due date as
    its ordinal), which the shared cache unpickles several times faster than named tuples of
    dates; only the page's fifty are made into these."""

    rank: int
    due: int  # date.toordinal()
    last: str
    first: str
    user_id: int
    title: str
    pk: int
    module: int
    required: bool
    done: int  # the module's lessons completed, and in all (both 0 if not started)
    total: int


_Item = tuple[int, int, str, str, int, str, int, int, bool, int, int]  # a _Sortable's fields


class _Prepared(NamedTuple):
    """Everything of My team but the page: its items (sorted when ``ordered``), the counts by
    status, the module titles, the teams (id, name) by name, the team filtered by, and the
    people (user id: name, job title, role name, team id). What team_cache keeps."""

    items: list[_Item]
    ordered: bool
    status_counts: dict[str, int]
    titles: dict[int, str]
    teams: list[tuple[int, str]]
    team_id: int | None
    people: Mapping[int, tuple[str, str, str | None, int | None]]


class _InOrder:
    """Items as the paginator sees them in sorted order, sorting only as far as a page needs.

    The first pages (where managers look) take the smallest items with a heap rather
    than sorting a few thousand.
    """

    def __init__(self, items: list[_Item]) -> None:
        self._items = items

    def __len__(self) -> int:
        return len(self._items)

    def __getitem__(self, index: slice) -> list[_Item]:
        stop = len(self._items) if index.stop is None else index.stop
        return heapq.nsmallest(stop, self._items)[index.start or 0 : stop]


def _profile_shown(
    user_id: int,
    people: Mapping[int, tuple[str, str, str | None, int | None]],
    teams: dict[int, Team],
    made: dict[int, ShownProfile],
    roles: dict[str, Role],
) -> ShownProfile | None:
    """The parts of a person's staff profile a row of My team shows (job title, role, team),
    made once per person on the page (a plain record: a staff profile per person cost more)."""
    if user_id not in made and user_id in people:
        _name, title, role, team = people[user_id]
        if role and role not in roles:
            roles[role] = Role(name=role)
        made[user_id] = ShownProfile(
            job_title=title, role=roles[role] if role else None, team=teams.get(team) if team else None
        )
    return made.get(user_id)


def _prepare(
    *,
    profiles: QuerySet[StaffProfile],
    today: date,
    status: str | None,
    module_id: int | None,
    team_id: int | None,
    ordered: bool,
) -> tuple[_Prepared, int | None]:
    """My team's items for these people and filters, with their counts, teams and people (see
    team_learning), sorted in full when ``ordered`` (to be kept for every page), and how many
    (None when the filters name a module or team not theirs: then it is not kept)."""
    # Everything the page shows of each person, in one read: the filter's teams and the
    # rows' role lines come from here rather than two more queries.
    rows_of_people = list(
        profiles.values_list(
            "user_id",
            "user__last_name",
            "user__first_name",
            "team_id",
            "team__name",
            "job_title",
            "role__name",
            "user__email",
        )
    )
    team_names = {team: name for *_person, team, name, _title, _role, _email in rows_of_people if team}
    teams = sorted(team_names.items(), key=lambda pair: (pair[1], pair[0]))
    asked_team = team_id
    if team_id not in team_names:
        team_id = None  # not one of theirs: not a filter
    sort_names = {
        user_id: (last.lower(), first.lower())
        for user_id, last, first, team, *_shown in rows_of_people
        if team_id is None or team == team_id
    }
    # The rows' names and role lines come from this read too, so the page's items need not join people.
    people = {
        user_id: (f"{first} {last}".strip() or email, title, role, team)
        for user_id, last, first, team, _name, title, role, email in rows_of_people
    }
    narrow = active_enrolments().filter(user_id__in=sort_names.keys())
    # One item per person and module, as in _items: the required one, then the soonest due.
    chosen: dict[tuple[int, int], _Narrow] = {}
    # Whether each is complete, not when: reading 3,000 timestamps costs more than the rest.
    is_done = ExpressionWrapper(Q(completed_at__isnull=False), output_field=BooleanField())
    for candidate in (
        narrow.annotate(done=is_done)
        .values_list("pk", "user_id", "module_id", "assignment__required", "due_date", "done")
        .order_by()
    ):
        key = (candidate[1], candidate[2])
        current = chosen.get(key)
        if current is None:
            chosen[key] = candidate
        elif (candidate[3], current[4], current[0]) > (current[3], candidate[4], candidate[0]):
            chosen[key] = candidate  # required beats optional, then the sooner due, then the older
    # Looked up by person and module, so a row for a module not assigned to them is never read:
    # filtering by module as well only lengthened the statement (thirty more parameters).
    progress = {
        (user_id, module): (done, total)
        for user_id, module, done, total in ModuleProgress.objects.filter(
            user_id__in=sort_names.keys()
        ).values_list("user_id", "module_id", "lessons_completed", "lessons_total")
    }
    every_title = module_titles()  # cached under the page tree's generation
    titles = {
        module: every_title[module]
        for module in {module for _user, module in chosen}
        if module in every_title
    }
    status_counts = dict.fromkeys(STATUS_ORDER, 0)
    items: list[_Item] = []
    for (user_id, module), (pk, _user, _module, required, due, completed) in chosen.items():
        if module_id and module != module_id:
            continue
        lessons = progress.get((user_id, module))
        item_status = enrolment_status(
            due_date=due, completed=completed, started=lessons is not None, today=today
        )
        status_counts[item_status] += 1
        if status in (None, item_status):
            last, first = sort_names[user_id]
            done, total = lessons or (0, 0)
            items.append(
                (
                    STATUS_ORDER[item_status],
                    due.toordinal(),
                    last,
                    first,
                    user_id,
                    titles.get(module, ""),
                    pk,
                    module,
                    required,
                    done,
                    total,
                )
            )
    ordered = ordered and len(chosen) <= TEAM_CACHE_MAX_ITEMS  # kept, so sorted once for every page
    if ordered:
        items.sort()
    prepared = _Prepared(items, ordered, status_counts, titles, teams, team_id, people)
    # Kept only for filters naming none or one of these people's modules and teams: an id made
    # up in the address would otherwise be an entry of its own, with no bound on how many.
    known = (module_id is None or module_id in titles) and (asked_team is None or asked_team in team_names)
    return prepared, (len(chosen) if known else None)


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

    Statuses are worked out from narrow rows (a few numbers and dates per item, read in two
    queries, with the module titles from modules.selectors.module_titles, cached under the
    page tree's generation), then only the page's fifty items are read further, by primary
    key and without joining people (their names come from the read of the people): a team of
    a hundred people with thirty modules each costs a few milliseconds. With a shared cache
    the worked-out list is kept, in order, until a record it read changes (team_cache), so a
    page, a sort or a visit after the first reads only the page's items.
    """
    if status not in STATUS_ORDER:
        status = None  # no such status: not a filter
    ordered = team_cache_shared()
    prepared = team_learning_cached(
        profiles=profiles,
        today=today,
        filters=(status, module_id, team_id),
        prepare=lambda: _prepare(
            profiles=profiles,
            today=today,
            status=status,
            module_id=module_id,
            team_id=team_id,
            ordered=ordered,
        ),
    )
    teams = [Team(pk=team, name=name) for team, name in prepared.teams]  # only what the filter shows
    # Django's Paginator needs only len() and slicing (its documented contract); the stubs'
    # protocol also asks for iteration and integer indexing, which it never uses here.
    in_order = prepared.items if prepared.ordered else _InOrder(prepared.items)
    paginator: Paginator[_Item] = Paginator(in_order, per_page)  # type: ignore[arg-type]
    page = paginator.get_page(page_number)
    on_this_page = [_Sortable._make(item) for item in page.object_list]
    statuses = {item.pk: STATUS_RANKS[item.rank] for item in on_this_page}
    # The rest of each item on the page (who, which module, required, due) is in the narrow
    # rows; only the programme and when it was completed are read in full, by primary key.
    on_page = {
        pk: (programme, completed_at)
        for pk, programme, completed_at in Enrolment.objects.filter(pk__in=statuses.keys())
        .order_by()
        .values_list("pk", "assignment__programme__name", "completed_at")
    }
    teams_by_id = {team.pk: team for team in teams}
    profiles_shown: dict[int, ShownProfile] = {}
    roles_shown: dict[str, Role] = {}
    rows = []
    for item in on_this_page:
        pk, user_id, module = item.pk, item.user_id, item.module
        if pk not in on_page:  # removed between the two reads
            continue
        programme, completed_at = on_page[pk]
        rows.append(
            LearningItem(
                enrolment_id=pk,
                user_id=user_id,
                module_id=module,
                module_title=item.title,
                module_url=None,
                programme=programme,
                required=item.required,
                due_date=date.fromordinal(item.due),
                status=statuses[pk],
                percent=100 if completed_at else lessons_percent(completed=item.done, total=item.total),
                completed_at=completed_at,
                person=prepared.people[user_id][0],
                profile=_profile_shown(user_id, prepared.people, teams_by_id, profiles_shown, roles_shown),
            )
        )
    return TeamLearning(
        page=page,
        rows=rows,
        status_counts=prepared.status_counts,
        modules=sorted(prepared.titles.items(), key=lambda pair: (pair[1].lower(), pair[0])),
        teams=teams,
        team_id=prepared.team_id,
    )
