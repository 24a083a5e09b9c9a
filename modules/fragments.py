"""A lesson body rendered once per page revision, with the learner's parts filled in per request.

Most of a lesson's markup is the same for every learner: text, images, videos, resources, and
the frame of an activity (its heading, player container, package addresses). That markup is
rendered once and kept in the shared cache under the page tree's generation (which any page
save, publish, move or package change renews, cms.core.page_cache), the lesson's id and live
revision and the language. What belongs to one learner or one request is never in it: every
block is rendered with a context that holds no request, person, CSRF token or CSP nonce, so
nothing of theirs can enter the cached markup; the per-request pieces a block shows are *live
islands*: ``{% live_island "template" name=value %}`` in its template, recorded as a hole when
the block is rendered for the cache and filled by rendering that small template per request.
Most blocks have one or two (a done mark, a script's nonce, a form's CSRF token); a knowledge
check's result, ticks, feedback, errors and form, and a reflection's form with the learner's
text, are islands too, between the question, answers and prompt kept for everyone.

Previews and drafts are never cached (a preview renders the same way, without keeping it).
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass, field

from django.template import Context
from django.template.loader import get_template
from django.utils import translation
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

from cms.core.page_cache import tree_cached

# Where a recording render keeps the islands of the block being rendered (see live_island).
ISLANDS_CONTEXT_KEY = "lesson_fragment_islands"

# Values an island may carry into the cache: plain data, never an object that could hold a learner.
ISLAND_VALUE_TYPES = (str, int, bool, type(None))

Island = tuple[str, tuple[tuple[str, object], ...]]  # (template name, sorted (name, value) pairs)
Segment = str | Island  # markup, or an island


@dataclass
class IslandRecorder:
    """Collects the islands of one recording render; each is marked by a token no author can type."""

    token: str = field(default_factory=lambda: secrets.token_hex(12))
    islands: list[Island] = field(default_factory=list)

    def mark(self, template_name: str, values: dict[str, object]) -> SafeString:
        for name, value in values.items():
            if not isinstance(value, ISLAND_VALUE_TYPES):
                raise TypeError(f"live island {template_name}: {name} must be plain data, not {type(value)}")
        self.islands.append((template_name, tuple(sorted(values.items()))))
        return mark_safe(f"<!--island-{self.token}-{len(self.islands) - 1}-->")  # noqa: S308 (a hex token)

    def split(self, html: str) -> list[Segment]:
        """The rendered markup cut at each island's mark: markup and islands, in order."""
        segments: list[Segment] = []
        pattern = re.compile(rf"<!--island-{self.token}-(\d+)-->")
        for number, piece in enumerate(pattern.split(html)):
            if number % 2:
                segments.append(self.islands[int(piece)])
            elif piece:
                segments.append(piece)
        return segments


def _block_segments(block, *, page) -> list[Segment]:
    opening = format_html(
        '<div class="lesson-block lesson-block--{}" id="block-{}">', block.block_type, block.id
    )
    recorder = IslandRecorder()
    # No request, person, CSRF token or nonce here: only content can reach the cached markup.
    context = {
        "id": block.id,
        "block_id": block.id,
        "lesson": page,
        "page": page,
        ISLANDS_CONTEXT_KEY: recorder,
    }
    return [opening, *recorder.split(str(block.render_as_block(context=context))), "</div>"]


def lesson_body_segments(*, page) -> list[Segment]:
    """The lesson body as markup shared by every learner, and its islands.

    Adjacent markup is joined, so a body of plain content is one string.
    """
    segments: list[Segment] = []
    for block in page.body:
        for segment in _block_segments(block, page=page):
            if isinstance(segment, str) and segments and isinstance(segments[-1], str):
                segments[-1] += segment
            else:
                segments.append(segment)
    return segments


def lesson_body_cached_segments(*, page, preview: bool) -> list[Segment]:
    """``lesson_body_segments``, kept in the shared cache for a live page (never for a preview)."""
    if preview or not page.pk or not page.live:
        return lesson_body_segments(page=page)
    return tree_cached(
        f"modules:lesson-body:v2:{page.pk}:{page.live_revision_id}:{translation.get_language()}",
        lambda: lesson_body_segments(page=page),
    )


def lesson_body_render(*, page, context: Context, preview: bool) -> SafeString:
    """The lesson body for this request: the shared markup with the islands rendered in the page's
    own `context` (request, CSRF token, nonce), each with its kept values pushed on top of it, as
    an ``{% include ... with ... %}`` renders (no copy of the page's context for each island)."""
    parts = []
    for segment in lesson_body_cached_segments(page=page, preview=preview):
        if isinstance(segment, str):
            parts.append(segment)
        else:
            template_name, values = segment
            with context.push(dict(values)):
                parts.append(get_template(template_name).template.render(context))
    return mark_safe("".join(parts))  # noqa: S308 (blocks and templates escape what they render)
