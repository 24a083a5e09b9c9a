"""Template tags that attach a person's learning to module and lesson pages.

Module templates ``{% load learning_tags %}``; the modules app never imports
learning. State is computed once per request and cached on it, so every block on a
lesson page reads the same few queries. In previews (and for anonymous requests)
the tags return None and templates show the content alone.
"""

import html
from typing import NamedTuple

from django import template
from django.utils import dateformat
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from wagtail.models import Page

from cms.core.page_cache import tree_cached
from learning import selectors

register = template.Library()

STATUS_TAG_COLOURS = {
    selectors.NOT_STARTED: "grey",
    selectors.IN_PROGRESS: "blue",
    selectors.COMPLETED: "green",
}


def _learner_request(context):
    request = context.get("request")
    if request is None or getattr(request, "is_preview", False):
        return None
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return None
    return request


@register.simple_tag(takes_context=True)
def module_outline_for(context, module):
    """The person's outline of a module (lessons, statuses, progress), or None in previews."""
    request = _learner_request(context)
    if request is None or not getattr(module, "pk", None):
        return None
    cache = request.__dict__.setdefault("_learning_outlines", {})
    if module.pk not in cache:
        cache[module.pk] = selectors.module_outline(user=request.user, module=module)
    return cache[module.pk]


@register.simple_tag(takes_context=True)
def lesson_state_for(context, lesson):
    """The person's state in a lesson, or None in previews."""
    request = _learner_request(context)
    if request is None or not getattr(lesson, "pk", None):
        return None
    cached = getattr(request, "_learning_lesson_state", None)
    if cached is None or cached.lesson.pk != lesson.pk:
        cached = selectors.lesson_state(
            user=request.user, lesson=lesson, module=lesson.get_parent().specific_deferred
        )
        request._learning_lesson_state = cached
    return cached


@register.simple_tag(takes_context=True)
def lesson_state_by_id(context, lesson_id):
    """``lesson_state_for`` the lesson with this id, for a live island (which holds plain values
    only): the state read for this request, or the page's own when none was read yet."""
    request = _learner_request(context)
    if request is None or not lesson_id:
        return None
    cached = getattr(request, "_learning_lesson_state", None)
    if cached is not None and cached.lesson.pk == lesson_id:
        return cached
    page = context.get("page")
    return lesson_state_for(context, page) if getattr(page, "pk", None) == lesson_id else None


@register.simple_tag(takes_context=True)
def knowledge_check_state(context, block_id):
    """A knowledge check on the current lesson page: passed or not, the latest attempt,
    which answers to show ticked (a refused submission's, else the latest attempt's),
    and whether to show feedback. None in previews."""
    request = context.get("request")
    state = getattr(request, "_learning_lesson_state", None)
    if state is None:
        return None
    check = state.knowledge_check(block_id)
    submitted = (getattr(request, "_learning_block_values", None) or {}).get(block_id)
    if submitted is not None:
        selected, feedback = list(submitted), False
    elif check.attempt is not None:
        selected, feedback = list(check.attempt.get("selected", [])), True
    else:
        selected, feedback = [], False
    return {
        "completed": check.completed,
        "attempt": check.attempt if submitted is None else None,
        "selected": selected,
        "feedback": feedback,
    }


@register.simple_tag(takes_context=True)
def activity_done(context, block_id):
    """Whether the person has completed the activity (H5P, scenario) with this id on the
    current lesson page; None in previews and for anonymous visitors (no mark shown)."""
    state = getattr(context.get("request"), "_learning_lesson_state", None)
    if state is None or not block_id:
        return None
    return block_id in state.done_ids


@register.simple_tag(takes_context=True)
def reflection_for(context, block_id):
    """The person's own saved reflection for a prompt on the current lesson page."""
    state = getattr(context.get("request"), "_learning_lesson_state", None)
    return state.reflections.get(block_id) if state is not None else None


@register.simple_tag(takes_context=True)
def block_error(context, block_id):
    """A validation message for a block after a refused form post (see learning views)."""
    errors = getattr(context.get("request"), "_learning_block_errors", None) or {}
    return errors.get(block_id, "")


@register.simple_tag(takes_context=True)
def block_errors_all(context):
    """Every block error of a refused form post, as the error summary component's links to each input."""
    errors = getattr(context.get("request"), "_learning_block_errors", None) or {}
    return [{"href": f"#block-{block_id}-input", "text": message} for block_id, message in errors.items()]


@register.simple_tag(takes_context=True)
def block_form_value(context, block_id):
    """What the person submitted to a block when the submission was refused."""
    values = getattr(context.get("request"), "_learning_block_values", None) or {}
    return values.get(block_id)


@register.simple_tag(takes_context=True)
def modules_progress_for(context, modules):
    """The person's progress row in each of the modules (one query), keyed by module id."""
    request = _learner_request(context)
    if request is None:
        return {}
    return selectors.module_progress_by_module(user=request.user, module_ids=[m.pk for m in modules])


@register.filter
def get_progress(progress_by_module: dict, module_id: int):
    return progress_by_module.get(module_id)


@register.filter
def status_colour(status: str) -> str:
    return STATUS_TAG_COLOURS.get(status, "grey")


@register.filter
def option_in(option_id: str, selected) -> bool:
    return bool(selected) and option_id in selected


ASIDE_STATUS_ENDINGS = {
    status: format_html(' <span class="govuk-body-s lesson-aside__status">({})</span></li>', label)
    for status, label in selectors.STATUS_LABELS.items()
}


class LessonAddresses(NamedTuple):
    """A lesson page's own URL, its module's and the module index's (the breadcrumbs), and
    ``base``: what its siblings' URLs start with (None when they must be asked of Wagtail)."""

    page: str | None
    base: str | None
    module: str | None
    index: str | None


def _lesson_addresses(request, page) -> LessonAddresses:
    """The lesson page's addresses (``LessonAddresses``), worked out once per request.

    The page's own URL is Wagtail's (one ``get_url``); its module's and the module index's are the
    same for everyone who sees the page under that URL, so they are kept in the shared cache
    under the page tree's generation (which any page change renews: a moved or renamed page
    shows its new URL at once), the module's path and the page's URL less its slug.
    """
    memo = getattr(request, "_learning_lesson_addresses", None)
    if memo is not None and memo[0] == page.pk:
        return memo[1]
    page_url = page.get_url(request)
    suffix = f"{page.slug}/"
    base = page_url[: -len(suffix)] if page_url and page_url.endswith(suffix) else None

    def parents() -> tuple[str | None, str | None]:
        module = page.get_parent()
        index = module.get_parent() if module is not None else None
        return (
            module.get_url(request) if module is not None else None,
            index.get_url(request) if index is not None else None,
        )

    if base is not None:
        urls = tree_cached(f"learning:lesson-addresses:v1:{page.path[: -Page.steplen]}:{base}", parents)
    else:
        urls = parents()
    addresses = LessonAddresses(page_url, base, *urls)
    if request is not None:
        request._learning_lesson_addresses = (page.pk, addresses)
    return addresses


@register.simple_tag(takes_context=True)
def lesson_addresses(context, page) -> LessonAddresses:
    """The lesson page's URL, its module's and the module index's (see ``_lesson_addresses``):
    the breadcrumbs' links without asking Wagtail for each."""
    return _lesson_addresses(context.get("request"), page)


@register.simple_tag(takes_context=True)
def lesson_entry_href(context, page, entry) -> str | None:
    """The URL of another lesson of the page's module (an outline entry, such as the previous
    lesson): the page's URL with the slug swapped, as Wagtail would build it and as the side
    list does."""
    request = context.get("request")
    base = _lesson_addresses(request, page).base
    if base is not None:
        return f"{base}{entry.outline_lesson.slug}/"
    return entry.lesson.get_url(request)


def _aside_links(outline, base: str | None, request) -> tuple[tuple[int, str, str], ...]:
    """Each lesson's side list item up to its status: (lesson id, as a link, as the current
    lesson), in the outline's order.

    The same for every learner, so kept in the shared cache under the page tree's generation
    (which any page change renews, as it does the outline's lessons) and the module's address,
    as plain tuples (which the process's tier keeps as they are, with nothing to unpickle).
    Siblings' URLs are the current lesson's with its slug swapped (`base`, see
    ``_lesson_addresses``), as Wagtail would build them; without a base, Wagtail builds each.
    """

    def links() -> tuple[tuple[int, str, str], ...]:
        items = []
        for entry in outline.lessons:
            label = format_html("{}. {}", entry.number, entry.outline_lesson.title)
            href = (
                f"{base}{entry.outline_lesson.slug}/" if base is not None else entry.lesson.get_url(request)
            )
            items.append(
                (
                    entry.lesson_id,
                    format_html(
                        '<li class="lesson-aside__item"><a class="govuk-link" href="{}">{}</a>', href, label
                    ),
                    format_html(
                        '<li class="lesson-aside__item">'
                        '<span aria-current="page" class="govuk-!-font-weight-bold">{}</span>',
                        label,
                    ),
                )
            )
        return tuple(items)

    if base is None:
        return links()
    return tree_cached(f"learning:lesson-aside:v2:{outline.module.pk}:{base}", links)


@register.simple_tag(takes_context=True)
def lesson_aside_items(context, outline, page):
    """The module's lessons as the lesson page's side list items, the current one marked.

    Rendered here rather than in a template loop: in a 30-lesson module the loop (with
    a ``pageurl`` per lesson) cost about a quarter of the page's rendering. The items' markup
    up to the status is the same for everyone and cached (``_aside_links``); the learner's
    statuses and the current-lesson mark are joined to it here.
    """
    request = context.get("request")
    links = _aside_links(outline, _lesson_addresses(request, page).base, request)
    entries = outline.lessons
    current_id = page.pk
    items = []
    if len(links) == len(entries):  # kept under the outline's generation, so in its order
        for entry, (lesson_id, link, current) in zip(entries, links, strict=True):
            if lesson_id != entry.lesson_id:
                break
            items.append((current if lesson_id == current_id else link) + ASIDE_STATUS_ENDINGS[entry.status])
    if len(items) != len(entries):  # not in the outline's order: match them by id
        by_id = {lesson_id: (link, current) for lesson_id, link, current in links}
        items = []
        for entry in entries:
            link, current = by_id[entry.lesson_id]
            item = current if entry.lesson_id == current_id else link
            items.append(item + ASIDE_STATUS_ENDINGS[entry.status])
    return mark_safe("\n".join(items))  # noqa: S308 (each piece was built with format_html)


OPTIONAL_MARK = mark_safe('<span class="govuk-body-s"> (optional)</span>')  # fixed markup


def _escaped(value) -> str:
    """What format_html does to each argument (conditional_escape), without its lazy-string
    wrapper: on My team it ran about a thousand times a page."""
    if hasattr(value, "__html__"):
        return str(value.__html__())
    return html.escape(str(value))


@register.simple_tag(takes_context=True)
def team_learning_rows(context, rows, remind_url: str, back: str):
    """My team's table rows: person, module, due date, status, progress and a reminder form.

    Rendered here rather than in a template loop: fifty rows of the loop (with a CSRF
    token and a date filter in each) were a third of the page's time under load
    (docs/learning-records.md). The markup is the same as the loop's was; every value is
    escaped as format_html would, each due date formatted once.
    """
    token = _escaped(context.get("csrf_token", ""))
    form_start = (
        f'<form method="post" action="{_escaped(remind_url)}">'
        f'<input type="hidden" name="csrfmiddlewaretoken" value="{token}">'
    )
    form_next = f'<input type="hidden" name="next" value="{_escaped(back)}">'
    dates: dict = {}

    def role_line(profile) -> str:
        if profile is None:
            return ""
        role = profile.job_title or (str(profile.role) if profile.role else "")
        team = f", {_escaped(profile.team)}" if profile.team else ""
        return f' <span class="govuk-body-s learning-team-table__role">{_escaped(role)}{team}</span>'

    def remind(item, person: str, module: str) -> str:
        if item.status == selectors.COMPLETED:
            return ""
        return (
            f'{form_start}<input type="hidden" name="enrolment" value="{_escaped(item.enrolment_id)}">'
            f"{form_next}"
            '<button type="submit" class="govuk-button govuk-button--secondary govuk-!-margin-bottom-0">'
            f'Send a reminder<span class="govuk-visually-hidden"> to {person} about {module}</span>'
            "</button></form>"
        )

    def row(item) -> str:
        due = dates.get(item.due_date)
        if due is None:
            due = dates[item.due_date] = _escaped(dateformat.format(item.due_date, "j M Y"))
        person, module = _escaped(item.person), _escaped(item.module_title)
        status = _escaped(item.status)
        return (
            f'<tr class="govuk-table__row"><th scope="row" class="govuk-table__header">{person}'
            f"{role_line(item.profile)}</th>"
            f'<td class="govuk-table__cell" data-label="Module">{module}'
            f"{'' if item.required else OPTIONAL_MARK}</td>"
            f'<td class="govuk-table__cell" data-label="Due">{due}</td>'
            '<td class="govuk-table__cell" data-label="Status">'
            f'<strong class="govuk-tag learning-status learning-status--{status}">'
            f"{_escaped(item.status_label)}</strong></td>"
            f'<td class="govuk-table__cell" data-label="Progress">{_escaped(item.percent)}%</td>'
            f'<td class="govuk-table__cell">{remind(item, person, module)}</td></tr>'
        )

    return mark_safe("\n".join(row(item) for item in rows))  # noqa: S308 (every value escaped above)
