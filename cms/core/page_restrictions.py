"""Wagtail's view restrictions (page privacy), answered from the page tree's cache where it can.

Wagtail checks a page's view restrictions, and its ancestors', on every serve; the endpoints
that record or show learning check them too (``page_viewable_by``). The set of restricted
paths is kept under the page tree's generation (cms.core.page_cache), which any restriction's
change renews, so a page under none of them costs no query:

- ``live_page_noting_restrictions``: a live page read by id in one query that also says whether
  a restriction applies to it, marked so the checks below need no other (its SQL compiled once a
  process);
- ``page_unrestricted`` / ``page_viewable_by``: whether this person may see a page;
- ``CachedViewRestrictionsMixin``: Wagtail's serve-time check, without a query for a page under
  no restriction.
"""

from __future__ import annotations

from django.db import connections, router
from django.db.models import CharField, Exists, ExpressionWrapper, F, OuterRef, Q
from django.db.models.functions import Coalesce
from wagtail.models import Page, PageViewRestriction

from cms.core.db.prepared import row_read
from cms.core.db.rows import column_count, row_instance
from cms.core.page_cache import frame_cache_seconds, tree_cached


def _restricted_paths() -> frozenset[str]:
    """Paths of pages under a view restriction, their own or their alias source's (one query)."""
    return frozenset(
        Page.objects.filter(
            Q(id__in=PageViewRestriction.objects.values("page_id"))
            | Q(alias_of__in=PageViewRestriction.objects.values("page_id"))
        ).values_list("path", flat=True)
    )


def _view_restricted() -> Exists:
    """Whether the page of the outer query, an ancestor, or a page one of them aliases is under a
    view restriction (the ``restricted_paths`` rule). Driven by the restrictions, which are few."""
    restrictions = PageViewRestriction.objects.annotate(
        page_path=ExpressionWrapper(OuterRef("path"), output_field=CharField())
    )
    return Exists(restrictions.filter(page_path__startswith=F("page__path"))) | Exists(
        restrictions.filter(page_path__startswith=F("page__aliases__path"))
    )


# A page id no row has (ids are positive): marks where the id goes in the compiled query's parameters.
_NO_SUCH_ID = -2_000_000_001
# Page ids are Wagtail's AutoField: 32 bits.
_LARGEST_ID = 2**31 - 1
# (page class, database, vendor) -> the SQL and parameters of live_page_noting_restrictions's query,
# and the position of the id among them.
_compiled_live_by_id: dict[tuple[type, str, str], tuple[str, tuple, int]] = {}


def _live_by_id_compiled(model: type[Page], db: str) -> tuple[str, tuple, int]:
    key = (model, db, connections[db].vendor)
    compiled = _compiled_live_by_id.get(key)
    if compiled is None:
        pages = model.objects.using(db).live().filter(pk=_NO_SUCH_ID)
        query = pages.annotate(view_restricted=_view_restricted())[:1].query
        deferred = query.deferred_loading != (frozenset(), True)
        if query.select_related or pages._prefetch_related_lookups or deferred:
            # The page is made from the row's first columns, its own fields in order: what these
            # join or put off would be read as its fields.
            raise RuntimeError(f"{model.__name__}'s manager selects related rows or defers fields")
        if query.extra_select or list(query.annotation_select) != ["view_restricted"]:
            # Extra columns come first and other annotations beside ours: either would shift them.
            raise RuntimeError(f"{model.__name__}'s manager selects columns of its own")
        sql, params = query.get_compiler(using=db).as_sql()
        positions = [number for number, value in enumerate(params) if value == _NO_SUCH_ID]
        if len(positions) != 1:
            raise RuntimeError(f"the id is not one parameter of {model.__name__}'s query: {params!r}")
        compiled = _compiled_live_by_id[key] = (sql, tuple(params), positions[0])
    return compiled


def live_page_noting_restrictions[P: Page](model: type[P], page_id: int) -> P | None:
    """The live page of this class with that id, or None, read in one query that also says whether
    a view restriction applies to it or an ancestor: a page under none carries
    ``_view_restrictions_none`` (into the caches too, which a restriction's change renews), so
    ``page_viewable_by`` and Wagtail's serve-time check answer it without another query.

    The query's SQL is compiled once a process for each page class and database, then run with
    each id: Django compiling it (the restriction subqueries) took twice as long as running it,
    and a lesson the cache does not hold (after a publish, or a worker's first sight of it) paid
    that on the request. It runs prepared on PostgreSQL (``cms.core.db.prepared``: PostgreSQL
    planning it took four times as long as running it) and its row becomes the page as ``raw()``
    would make it, without a raw query's per-query work (``cms.core.db.rows``)."""
    page_id = int(page_id)
    if not 0 < page_id <= _LARGEST_ID:
        return None  # as the ORM answers an id out of its field's range: nothing, without a query
    db = router.db_for_read(model)
    sql, params, position = _live_by_id_compiled(model, db)
    values = list(params)
    values[position] = page_id
    row = row_read(sql, values, using=db)
    page = None if row is None else row_instance(model, row, using=db)
    if page is not None:
        # The annotation follows the page's columns, as the database sent it (SQLite: 0 or 1).
        page.view_restricted = bool(row[column_count(model)])
        if not page.view_restricted:
            page._view_restrictions_none = True
    return page


def page_unrestricted(*, path: str) -> bool:
    """True when the cache knows no view restriction applies to the page at `path` (or its
    ancestors); False when one may, or when caching is off (then ask the database)."""
    if not frame_cache_seconds():
        return False
    restricted = tree_cached("core:restricted-paths", _restricted_paths)
    steplen = Page.steplen
    return not any(path[:length] in restricted for length in range(steplen, len(path) + 1, steplen))


def page_viewable_by(*, user, page: Page) -> bool:
    """Whether Wagtail's view restrictions (page privacy) let this person see the page.

    The restrictions of the page and of every ancestor count, an alias's being its
    source's, as when Wagtail serves the page. "Any signed-in person" needs a signed-in,
    active person; "these groups" one of the groups (superusers pass, as in Wagtail); a
    shared password is never enough here: this answers for endpoints that record or show
    learning, and a password proves nothing about who is asking. A page under no
    restriction costs no query when the page tree cache is on.
    """
    if getattr(page, "_view_restrictions_none", False) or page_unrestricted(path=page.path):
        return True
    steplen = Page.steplen
    paths = [page.path[:length] for length in range(steplen, len(page.path) + 1, steplen)]
    # One query: the restrictions on the page, its ancestors, or the pages they alias.
    restricted_ids = Page.objects.filter(path__in=paths).values(target=Coalesce("alias_of_id", "id"))
    restrictions = list(PageViewRestriction.objects.filter(page_id__in=restricted_ids))
    if not restrictions:
        return True
    signed_in = bool(getattr(user, "is_authenticated", False) and getattr(user, "is_active", False))
    group_ids: set[int] | None = None
    for restriction in restrictions:
        if restriction.restriction_type == PageViewRestriction.NONE:
            continue
        if restriction.restriction_type == PageViewRestriction.LOGIN:
            if not signed_in:
                return False
        elif restriction.restriction_type == PageViewRestriction.GROUPS:
            if not signed_in:
                return False
            if user.is_superuser:
                continue
            if group_ids is None:
                group_ids = set(user.groups.values_list("id", flat=True))
            if not group_ids & set(restriction.groups.values_list("id", flat=True)):
                return False
        else:  # a shared password, or a kind Wagtail adds later: refused
            return False
    return True


class CachedViewRestrictionsMixin:
    """A page under no view restriction answers Wagtail's serve-time check without a query."""

    def get_view_restrictions(self):
        if getattr(self, "_view_restrictions_none", False) or page_unrestricted(path=self.path):
            return PageViewRestriction.objects.none()
        return super().get_view_restrictions()
