"""Blocks of the recruitment page: what the job offers, open days, where the vacancies go."""

from django.core.exceptions import ValidationError
from wagtail import blocks

from cms.core.blocks import (
    CallToActionBlock,
    QuestionsBlock,
    QuotesBlock,
    StatsBlock,
    TextSectionBlock,
)
from cms.pages.selectors import events_upcoming


class OfferItemBlock(blocks.StructBlock):
    title = blocks.CharBlock(max_length=80)
    text = blocks.TextBlock(max_length=500)

    class Meta:
        icon = "tick"
        label = "Offer"
        template = "pages/blocks/offer_item.html"
        help_text = "One thing the job gives people, said concretely."
        preview_value = {
            "title": "Caseloads you can manage",
            "text": "Team caseloads are set so that you have time to build relationships with families.",
        }


class OfferBlock(blocks.StructBlock):
    heading = blocks.CharBlock(max_length=120)
    introduction = blocks.TextBlock(required=False, max_length=400)
    items = blocks.ListBlock(OfferItemBlock(), min_num=1, max_num=12, label="Offers")

    class Meta:
        icon = "list-ul"
        label = "What the job offers"
        template = "pages/blocks/offer.html"
        help_text = "The team, training, supervision, caseloads and progression, one item each."
        preview_value = {
            "heading": "What you get",
            "introduction": "",
            "items": [OfferItemBlock().meta.preview_value],
        }


class EventBlock(blocks.StructBlock):
    title = blocks.CharBlock(max_length=120)
    date = blocks.DateBlock()
    start_time = blocks.TimeBlock(required=False)
    end_time = blocks.TimeBlock(required=False)
    location = blocks.CharBlock(max_length=200, help_text='A place, or "Online (Microsoft Teams)".')
    description = blocks.TextBlock(required=False, max_length=500)
    booking_url = blocks.URLBlock(required=False, label="Booking link")

    class Meta:
        icon = "date"
        label = "Event"
        template = "pages/blocks/event.html"
        help_text = "An open day or online session. It disappears from the page after its date."
        preview_value = {
            "title": "Open evening: meet a Family Safeguarding Team",
            "date": "2027-12-02",
            "start_time": "17:30",
            "end_time": "19:00",
            "location": "County Hall, New Road, Oxford",
            "description": "Meet social workers and adult specialists and ask them anything.",
        }

    def clean(self, value):
        value = super().clean(value)
        start, end = value.get("start_time"), value.get("end_time")
        if end and not start:
            raise blocks.StructBlockValidationError(
                block_errors={"start_time": ValidationError("Give a start time as well as an end time.")}
            )
        if start and end and end <= start:
            raise blocks.StructBlockValidationError(
                block_errors={"end_time": ValidationError("The end time must be after the start time.")}
            )
        return value


class EventsBlock(blocks.StructBlock):
    heading = blocks.CharBlock(max_length=120)
    introduction = blocks.TextBlock(required=False, max_length=400)
    events = blocks.ListBlock(EventBlock(), min_num=0)
    empty_text = blocks.CharBlock(
        max_length=200,
        default=(
            "There are no open days booked at the moment. Tell us you are interested and we will invite you."
        ),
        help_text="Shown when every event has passed.",
    )

    class Meta:
        icon = "date"
        label = "Open days and events"
        template = "pages/blocks/events.html"
        help_text = "Upcoming open days. Past events are hidden automatically."
        preview_value = {
            "heading": "Open days and events",
            "introduction": "",
            "events": [EventBlock().meta.preview_value],
            "empty_text": "There are no open days booked at the moment.",
        }

    def get_preview_value(self):
        # The preview value is written as JSON-style strings; dates must be dates.
        return self.to_python(self.meta.preview_value)

    def get_context(self, value, parent_context=None):
        context = super().get_context(value, parent_context=parent_context)
        context["upcoming"] = events_upcoming(events=list(value["events"]))
        return context


class VacanciesBlock(blocks.StructBlock):
    heading = blocks.CharBlock(max_length=120, default="Current vacancies")
    introduction = blocks.TextBlock(required=False, max_length=400)
    empty_text = blocks.CharBlock(
        max_length=200,
        default="There are no vacancies open right now. Tell us you are interested and we will let you know.",
        help_text="Shown when no vacancy is open.",
    )

    class Meta:
        icon = "user"
        label = "Vacancies"
        template = "pages/blocks/vacancies.html"
        help_text = (
            "Lists the open vacancies (Snippets > Vacancies). Closed ones disappear after their closing date."
        )
        preview_value = {
            "heading": "Current vacancies",
            "introduction": "",
            "empty_text": "There are no vacancies open right now.",
        }


class RecruitmentStreamBlock(blocks.StreamBlock):
    text = TextSectionBlock()
    figures = StatsBlock()
    offer = OfferBlock()
    quotes = QuotesBlock()
    questions = QuestionsBlock()
    events = EventsBlock()
    vacancies = VacanciesBlock()
    call_to_action = CallToActionBlock()

    class Meta:
        block_counts = {"vacancies": {"min_num": 1, "max_num": 1}}
