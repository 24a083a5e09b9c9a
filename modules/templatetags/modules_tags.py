"""Template helpers for lesson blocks (content only: nothing about learners)."""

from django import template

from modules.blocks import embed_player_url as player_url_for

register = template.Library()


@register.simple_tag
def embed_player_url(url: str) -> str | None:
    """The privacy-friendly player address for a YouTube or Vimeo link (or None)."""
    return player_url_for(url or "")
