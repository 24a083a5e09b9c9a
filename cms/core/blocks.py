"""StreamField blocks any page may use: text sections, figures, quotes, questions, calls to action.

Each block names its icon, template, label, help text and a preview value, so editors
see what it is for and Wagtail's block preview shows a credible example.
"""

from django.core.exceptions import ValidationError
from wagtail import blocks

RICH_TEXT_FEATURES = ["h3", "bold", "italic", "link", "ol", "ul"]


class TextSectionBlock(blocks.StructBlock):
    heading = blocks.CharBlock(max_length=120, help_text="A short heading for this section.")
    body = blocks.RichTextBlock(features=RICH_TEXT_FEATURES)

    class Meta:
        icon = "doc-full"
        label = "Text section"
        template = "core/blocks/text_section.html"
        help_text = "A heading and some paragraphs. Write for someone reading on a phone."
        preview_value = {
            "heading": "How we work",
            "body": "<p>Social workers and adult specialists work side by side with each family.</p>",
        }


class StatBlock(blocks.StructBlock):
    figure = blocks.CharBlock(max_length=20, help_text='The number as it should read, e.g. "55%" or "£2.6m".')
    label = blocks.CharBlock(max_length=160, help_text="What the number means, in plain words.")
    source = blocks.CharBlock(max_length=250, help_text="Where the figure comes from. Always required.")

    class Meta:
        icon = "order"
        label = "Figure"
        template = "core/blocks/stat.html"
        help_text = "One outcome figure with its source note."
        preview_value = {
            "figure": "55%",
            "label": "fewer children on child protection plans within 30 months",
            "source": "Hertfordshire County Council, Family Safeguarding outcomes",
        }


class StatsBlock(blocks.StructBlock):
    heading = blocks.CharBlock(max_length=120)
    introduction = blocks.TextBlock(required=False, max_length=400)
    stats = blocks.ListBlock(StatBlock(), min_num=1, max_num=8, label="Figures")

    class Meta:
        icon = "table"
        label = "Figures"
        template = "core/blocks/stats.html"
        help_text = "Outcome figures shown side by side, each with its source note."
        preview_value = {
            "heading": "What changed in Hertfordshire",
            "introduction": "",
            "stats": [StatBlock().meta.preview_value],
        }


class QuoteBlock(blocks.StructBlock):
    quote = blocks.TextBlock(max_length=600, help_text="The person's words, without quotation marks.")
    name = blocks.CharBlock(max_length=80, help_text="First name is enough if they prefer.")
    role = blocks.CharBlock(max_length=120, required=False, help_text="Their job and team.")

    class Meta:
        icon = "openquote"
        label = "Quote"
        template = "core/blocks/quote.html"
        help_text = "A short quote from a real person, with their consent."
        preview_value = {
            "quote": "I spend my time with families, not chasing referrals.",
            "name": "Amira",
            "role": "Social worker, Family Safeguarding Team",
        }


class QuotesBlock(blocks.StructBlock):
    heading = blocks.CharBlock(max_length=120)
    quotes = blocks.ListBlock(QuoteBlock(), min_num=1, max_num=6)

    class Meta:
        icon = "openquote"
        label = "Quotes"
        template = "core/blocks/quotes.html"
        help_text = "Testimonials from people who do the work."
        preview_value = {"heading": "In their words", "quotes": [QuoteBlock().meta.preview_value]}


class QuestionBlock(blocks.StructBlock):
    question = blocks.CharBlock(max_length=200)
    answer = blocks.RichTextBlock(features=RICH_TEXT_FEATURES)

    class Meta:
        icon = "help"
        label = "Question"
        template = "core/blocks/question.html"
        help_text = "One question and its answer."
        preview_value = {
            "question": "Do I need to be registered with Social Work England?",
            "answer": "<p>Yes, for social worker posts. Students can apply in their final year.</p>",
        }


class QuestionsBlock(blocks.StructBlock):
    heading = blocks.CharBlock(max_length=120)
    questions = blocks.ListBlock(QuestionBlock(), min_num=1)

    class Meta:
        icon = "help"
        label = "Frequently asked questions"
        template = "core/blocks/questions.html"
        help_text = "Questions that open to show their answer. They work without JavaScript."
        preview_value = {"heading": "Questions people ask", "questions": [QuestionBlock().meta.preview_value]}


class CallToActionBlock(blocks.StructBlock):
    heading = blocks.CharBlock(max_length=120)
    text = blocks.TextBlock(required=False, max_length=400)
    button_label = blocks.CharBlock(
        max_length=60, help_text='Say what happens, e.g. "Tell us you are interested".'
    )
    page = blocks.PageChooserBlock(required=False, help_text="Link to a page on this site, or")
    url = blocks.URLBlock(required=False, help_text="a web address elsewhere.")

    class Meta:
        icon = "link"
        label = "Call to action"
        template = "core/blocks/call_to_action.html"
        help_text = "A heading, a sentence and one button. Give either a page or a web address."
        preview_value = {
            "heading": "Interested?",
            "text": "Tell us a little about yourself and we will be in touch.",
            "button_label": "Tell us you are interested",
            "url": "https://example.org/",
        }

    def clean(self, value):
        value = super().clean(value)
        if bool(value.get("page")) == bool(value.get("url")):
            message = "Give either a page on this site or a web address, not both."
            raise blocks.StructBlockValidationError(
                block_errors={"page": ValidationError(message), "url": ValidationError(message)}
            )
        return value
