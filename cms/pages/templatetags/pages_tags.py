"""Template helpers of the public pages."""

from django import template
from django.utils.safestring import mark_safe

from cms.pages.selectors import ld_json_text, public_fragment

register = template.Library()


@register.filter
def ld_json(value) -> str:
    """Serialise `value` as JSON safe to place inside <script type="application/ld+json">."""
    return mark_safe(ld_json_text(value))  # noqa: S308


@register.filter
def field_error_id(field) -> str:
    """The id the error summary links to: the input itself, or a group's first option."""
    widget = field.field.widget
    if getattr(widget, "input_type", "") in ("radio", "checkbox") and list(getattr(widget, "choices", [])):
        return f"{field.auto_id}_0"
    return field.auto_id


@register.simple_tag
def error_summary_items(form, non_field_errors=()) -> list[dict[str, str]]:
    """The form's problems as components/error_summary.html lists them: messages first, then
    each question's errors linking to the question."""
    items = [{"text": str(message)} for message in non_field_errors]
    for field in form.questions():
        items += [{"href": f"#{field_error_id(field)}", "text": str(error)} for error in field.errors]
    return items


class PublicFragmentNode(template.Node):
    def __init__(self, nodelist: template.NodeList, name: template.base.FilterExpression, vary: list) -> None:
        self.nodelist = nodelist
        self.name = name
        self.vary = vary

    def render(self, context: template.Context) -> str:
        if getattr(context.get("request"), "is_preview", False):  # a draft: never kept nor reused
            return self.nodelist.render(context)
        name = str(self.name.resolve(context))
        vary = tuple(str(value.resolve(context)) for value in self.vary)
        return public_fragment(name=name, vary=vary, build=lambda: mark_safe(self.nodelist.render(context)))  # noqa: S308


@register.tag("public_fragment")
def do_public_fragment(parser: template.base.Parser, token: template.base.Token) -> PublicFragmentNode:
    """`{% public_fragment "name" value... %}...{% endpublic_fragment %}`: render the enclosed part
    once per generation of the public cache (cms.pages.selectors.public_fragment) and reuse it.

    Only for parts that are the same for every anonymous visitor: the values name everything else
    the part depends on (the page, its live revision, the host). Never around a CSP nonce, a CSRF
    token or anything of the person's own.
    """
    bits = token.split_contents()
    if len(bits) < 2:
        raise template.TemplateSyntaxError("public_fragment needs a name")
    nodelist = parser.parse(("endpublic_fragment",))
    parser.delete_first_token()
    return PublicFragmentNode(
        nodelist, parser.compile_filter(bits[1]), [parser.compile_filter(bit) for bit in bits[2:]]
    )
