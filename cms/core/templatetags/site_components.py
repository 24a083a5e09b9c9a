"""Template tags for the site's frame and its shared GOV.UK components.

`{% load site_components %}`, then for example::

    {% progress_bar value=3 max=8 label="Motivational interviewing" %}
    {% status_tag "overdue" %}
    {% error_summary form %}
    {% pagination page_obj %}
    {% breadcrumbs page=page %}  or  {% breadcrumbs items=crumbs %}
    {% back_link "/learning/" %}
    {% summary_card title="Booking" rows=rows actions=actions %}

Each renders `templates/components/<name>.html`; docs/front-end.md describes them.
"""

from __future__ import annotations

import itertools

from django import template
from django.apps import apps
from django.conf import settings
from django.template.loader import get_template
from django.urls import get_script_prefix, get_urlconf
from django.utils.safestring import mark_safe

from cms.core.addresses import static_fixed
from cms.core.branding import FONT_STACKS, font_stack, safe_brand_colour
from cms.core.selectors import Branding, NavItem

register = template.Library()


@register.simple_tag(name="static_fixed")
def static_fixed_tag(path: str) -> str:
    """``{% static %}`` for the frame's own files, worked out once per process (cms.core.addresses)."""
    return static_fixed(path)


_ids = itertools.count(1)
FONT_STACK_VALUES = {stack for _label, stack in FONT_STACKS.values()}

# Known statuses: text and GOV.UK tag colour. The words carry the meaning; colour only adds to it.
STATUSES: dict[str, tuple[str, str]] = {
    "not_started": ("Not started", "grey"),
    "in_progress": ("In progress", "light-blue"),
    "complete": ("Complete", "green"),
    "completed": ("Complete", "green"),
    "overdue": ("Overdue", "red"),
    "due_soon": ("Due soon", "yellow"),
    "optional": ("Optional", "grey"),
    "required": ("Required", "purple"),
    "confirmed": ("Confirmed", "green"),
    "waitlisted": ("On the waiting list", "yellow"),
    "offered": ("Place offered", "blue"),
    "cancelled": ("Cancelled", "grey"),
    "attended": ("Attended", "teal"),
    "processing": ("Processing", "blue"),
    "ready": ("Ready", "green"),
    "refused": ("Refused", "red"),
    "draft": ("Draft", "grey"),
    "live": ("Live", "green"),
}
TAG_COLOURS = {"grey", "green", "teal", "blue", "light-blue", "purple", "pink", "red", "orange", "yellow"}


# --- branding ------------------------------------------------------------------------


@register.simple_tag
def brand_colour(brand) -> str:
    """The brand colour, checked again here so only a valid `#rrggbb` reaches the page."""
    return safe_brand_colour(getattr(brand, "brand_colour", None))


@register.simple_tag
def brand_css(brand) -> str:
    """CSS custom properties carrying the branding (for a nonce'd `<style>` in base.html).

    Built only from a checked hex colour and one of the fixed font stacks, never from
    free text. `brand` is a `cms.core.selectors.Branding` or a `BrandingSettings`.
    """
    colour = safe_brand_colour(getattr(brand, "brand_colour", None))
    fonts = getattr(brand, "font_stack", None)
    if fonts not in FONT_STACK_VALUES:
        fonts = font_stack(getattr(brand, "font", None))
    return mark_safe(f":root{{--govuk-brand-colour:{colour};--site-font-family:{fonts};}}")  # noqa: S308


@register.simple_tag(takes_context=True)
def live_page_of_type(context, model_label: str):
    """The first live, public page of a page model (`"pages.RecruitmentPage"`), or None.

    Lets a template link to a page another app provides, if it exists, without importing it.
    """
    try:
        model = apps.get_model(model_label)
    except (LookupError, ValueError):
        return None
    return model.objects.live().public().first()


# --- components ----------------------------------------------------------------------


@register.inclusion_tag("components/progress_bar.html")
def progress_bar(*, value, max=100, label: str, id: str = ""):
    """A labelled `<progress>` with the percentage written out in text."""
    maximum = max if max and max > 0 else 100
    value = min(maximum, value or 0) if value and value > 0 else 0
    percent = round(100 * value / maximum)
    return {
        "value": value,
        "max": maximum,
        "percent": percent,
        "label": label,
        "id": id or f"progress-{next(_ids)}",
    }


@register.inclusion_tag("components/status_tag.html")
def status_tag(status: str, text: str = "", colour: str = ""):
    """A GOV.UK tag for a known status (see STATUSES), or any text with a tag colour."""
    known_text, known_colour = STATUSES.get(str(status), (str(status).replace("_", " ").capitalize(), "grey"))
    colour = colour if colour in TAG_COLOURS else known_colour
    return {"text": text or known_text, "colour": colour}


@register.inclusion_tag("components/table_head.html")
def table_head(*headings):
    """A table's header row, one column heading per argument: {% table_head "Name" "Status" %}."""
    return {"headings": headings}


@register.inclusion_tag("components/govuk_table_head.html")
def govuk_table_head(*headings, hidden: str = ""):
    """A GOV.UK table's header row, one column per argument; `hidden` adds a last column named only
    for screen readers (an actions column): {% govuk_table_head "Module" "Due" hidden="Action" %}."""
    return {"headings": headings, "hidden": hidden}


@register.inclusion_tag("components/filter_select.html")
def filter_select(name: str, label: str, empty_label: str, options, selected):
    """A GOV.UK select for a filter form: `options` are (value, label) pairs or a mapping of them, and
    the option equal to `selected` is chosen. The select's id is `filter-<name>`."""
    pairs = options.items() if hasattr(options, "items") else options
    return {
        "name": name,
        "label": label,
        "empty_label": empty_label,
        "options": [(value, text, value == selected) for value, text in pairs],
    }


@register.inclusion_tag("components/error_summary.html")
def error_summary(form, title: str = "There is a problem"):
    """GOV.UK error summary for a bound Django form: each error links to its field."""
    errors = []
    if form is not None and form.is_bound and form.errors:
        for message in form.non_field_errors():
            errors.append({"text": message, "href": ""})
        for field in form:
            for message in field.errors:
                target = field.id_for_label or field.auto_id
                errors.append({"text": message, "href": f"#{target}" if target else ""})
    return {"errors": errors, "title": title}


@register.inclusion_tag("components/pagination.html", takes_context=True)
def pagination(context, page_obj, label: str = "Pages"):
    """GOV.UK pagination for a Django `Page`, keeping the other query parameters."""
    request = context.get("request")
    query = request.GET.copy() if request is not None else None
    if query is not None:
        query.pop("page", None)

    def href(number: int) -> str:
        if query is None:
            return f"?page={number}"
        params = query.copy()
        params["page"] = str(number)
        return "?" + params.urlencode()

    items = []
    if page_obj is not None and page_obj.paginator.num_pages > 1:
        for number in page_obj.paginator.get_elided_page_range(page_obj.number, on_each_side=1, on_ends=1):
            if number == page_obj.paginator.ELLIPSIS:
                items.append({"ellipsis": True})
            else:
                items.append({"number": number, "href": href(number), "current": number == page_obj.number})
    return {
        "page_obj": page_obj,
        "items": items,
        "label": label,
        "previous_href": href(page_obj.previous_page_number()) if items and page_obj.has_previous() else "",
        "next_href": href(page_obj.next_page_number()) if items and page_obj.has_next() else "",
    }


@register.inclusion_tag("components/breadcrumbs.html")
def breadcrumbs(*pairs, items=None, page=None, and_page=False):
    """Breadcrumbs from text and link pairs, `items` (a list of `{"text", "href"}`) or a Wagtail
    page's ancestors (`and_page=True` adds the page itself, for pages below it that are not pages).

        {% breadcrumbs "MI practice" list_url scenario.title "" %}   (an empty link: plain text)
        {% breadcrumbs page=page %}

    The current page is not a crumb (GOV.UK's pattern): the heading names it.
    """
    if pairs:
        items = [{"text": text, "href": href} for text, href in zip(pairs[::2], pairs[1::2], strict=False)]
    elif items is None and page is not None:
        ancestors = page.get_ancestors(inclusive=bool(and_page)).filter(depth__gt=1)
        ancestors = ancestors.live().specific(defer=True)
        items = [
            {"text": "Home" if ancestor.depth == 2 else ancestor.title, "href": ancestor.url}
            for ancestor in ancestors
        ]
    return {"items": items or []}


@register.inclusion_tag("components/back_link.html")
def back_link(href: str, text: str = "Back"):
    return {"href": href, "text": text}


@register.inclusion_tag("components/summary_card.html")
def summary_card(*, title: str, rows, actions=None, heading_level: int = 2):
    """A GOV.UK summary card: `rows` of `(key, value)`, `actions` of `(text, href)`."""
    return {
        "title": title,
        "rows": rows,
        "actions": actions or [],
        "heading_level": heading_level if heading_level in {2, 3, 4} else 2,
    }


@register.filter
def in_groups_of_four(value) -> str:
    """A long code (an authenticator setup key) in groups of four, as people read and type it."""
    text = str(value or "")
    return " ".join(text[index : index + 4] for index in range(0, len(text), 4))


# --- the header ------------------------------------------------------------------------

HEADER_TEMPLATE = "components/header.html"
# The header's markup by everything it shows: a key holds every value the template reads (and the
# URL configuration its sign-in and sign-out links come from), so a change to the branding, the
# person's sections or whether they are signed in is a new key (never a stale entry), and nothing
# else of a request or a person is in the markup. Process-local (no Redis), bounded.
_HEADER_MARKUP: dict[tuple[object, ...], str] = {}
HEADER_MARKUP_LIMIT = 256


def _header_key(context) -> tuple[object, ...] | None:
    """Every value components/header.html shows, or None when one is not plain data to key by."""
    brand = context.get("brand")
    nav_items = context.get("nav_items")
    # In development (DEBUG) the header is rendered each time, so an edit to its template shows.
    if brand is None or nav_items is None or not context.autoescape or settings.DEBUG:
        return None
    if brand.__class__ is not Branding or any(item.__class__ is not NavItem for item in nav_items):
        return None
    user = context.get("user")
    return (
        brand.logo_url,
        brand.logo_width,
        brand.logo_height,
        brand.organisation_name,
        tuple((item.label, item.href, item.active, item.in_header) for item in nav_items),
        bool(getattr(user, "is_authenticated", False)),
        get_script_prefix(),
        get_urlconf() or settings.ROOT_URLCONF,
    )


@register.simple_tag(takes_context=True)
def site_header(context) -> str:
    """The site's header (components/header.html), rendered once a process for each set of values it
    shows (its branding, the person's sections and whether they are signed in)."""
    key = _header_key(context)
    markup = _HEADER_MARKUP.get(key) if key is not None else None
    if markup is None:
        markup = get_template(HEADER_TEMPLATE).template.render(context)
        if key is not None:
            if len(_HEADER_MARKUP) >= HEADER_MARKUP_LIMIT:
                _HEADER_MARKUP.clear()
            _HEADER_MARKUP[key] = markup
    return mark_safe(markup)  # noqa: S308 (the template escapes what it renders)
