"""StreamField blocks for lessons."""

from wagtail import blocks


class LessonStreamBlock(blocks.StreamBlock):
    rich_text = blocks.RichTextBlock(
        icon="pilcrow",
        label="Text",
        help_text="Explain an idea in plain English.",
        template="modules/blocks/rich_text.html",
        preview_value="<p>Parents are capable of change.</p>",
    )
