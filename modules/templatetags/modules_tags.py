"""Template helpers for lesson pages and blocks (content only: nothing about learners)."""

from django import template
from django.template.loader import get_template

from modules.blocks import embed_player_url as player_url_for
from modules.fragments import ISLANDS_CONTEXT_KEY, lesson_body_render

register = template.Library()


@register.simple_tag
def embed_player_url(url: str) -> str | None:
    """The privacy-friendly player address for a YouTube or Vimeo link (or None)."""
    return player_url_for(url or "")


@register.filter
def choice_family(kind: str) -> str:
    """The GOV.UK component a knowledge check's answers use: checkboxes for "multiple", else radios."""
    return "govuk-checkboxes" if kind == "multiple" else "govuk-radios"


@register.simple_tag(takes_context=True)
def lesson_body(context, page):
    """The lesson's blocks, each in its wrapper: the markup shared by every learner from the cache,
    the learner's parts rendered now (modules.fragments)."""
    request = context.get("request")
    preview = request is None or bool(getattr(request, "is_preview", False))
    return lesson_body_render(page=page, context=context, preview=preview)


@register.simple_tag(takes_context=True)
def live_island(context, template_name: str, **values):
    """A per-request piece of a block (a done mark, a nonce, a CSRF token): rendered now, or, while
    the block is rendered for the cache, left as a hole filled on every request."""
    recorder = context.get(ISLANDS_CONTEXT_KEY)
    if recorder is not None:
        return recorder.mark(template_name, values)
    return get_template(template_name).render({**context.flatten(), **values})
