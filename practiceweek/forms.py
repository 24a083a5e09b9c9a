"""Forms for the practice-week pages. Rules live in services; forms only shape input."""

import datetime as dt

from django import forms
from django.utils import timezone

from practiceweek.models import Activity, Booking, PracticeWeek, Reflection


class SlotFilterForm(forms.Form):
    view = forms.ChoiceField(
        choices=[("week", "Week view"), ("list", "List")], required=False, widget=forms.HiddenInput
    )
    day = forms.ChoiceField(required=False, label="Day")
    locality = forms.ChoiceField(required=False, label="Locality")
    activity = forms.ChoiceField(required=False, label="Activity")
    availability = forms.ChoiceField(
        required=False,
        label="Availability",
        choices=[("", "Any"), ("places", "Places left"), ("full", "Full (waitlist only)")],
    )

    def __init__(self, *args, days: list[dt.date], localities: list[str], activities, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["day"].choices = [("", "Any day")] + [
            (d.isoformat(), f"{d:%A} {d.day} {d:%B}") for d in days
        ]
        self.fields["locality"].choices = [("", "Any locality")] + [(name, name) for name in localities]
        self.fields["activity"].choices = [("", "Any activity"), *activities]

    def day_value(self) -> dt.date | None:
        value = self.cleaned_data.get("day") if self.is_valid() else ""
        return dt.date.fromisoformat(value) if value else None


class BookingForm(forms.Form):
    agree = forms.BooleanField(
        required=True,
        label="I accept the confidentiality agreement",
        error_messages={"required": "Accept the confidentiality agreement to book this slot."},
    )


class CancelForm(forms.Form):
    """Nothing to fill in: a POST with the CSRF token confirms the cancellation."""


class OfferResponseForm(forms.Form):
    decision = forms.ChoiceField(
        choices=[("accept", "Accept the place"), ("decline", "Decline the place")],
        widget=forms.RadioSelect,
        error_messages={
            "required": "Choose whether to accept or decline the place.",
            "invalid_choice": "Choose whether to accept or decline the place.",
        },
    )


class ReflectionForm(forms.Form):
    text = forms.CharField(
        label="Your reflection",
        help_text="What did you see, what surprised you, what will you take back to your own work? "
        "Only you can read this.",
        widget=forms.Textarea(attrs={"rows": 8}),
        max_length=5000,
        error_messages={"required": "Write your reflection."},
    )
    themes = forms.MultipleChoiceField(
        label="Themes in your reflection",
        choices=Reflection.Theme.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    share_themes = forms.BooleanField(
        label="Share my chosen themes with L&D, anonymously",
        help_text="L&D see only how many people chose each theme, never your words or your name, "
        "and only once at least three people have shared.",
        required=False,
    )


class AttendanceForm(forms.Form):
    """One radio group per confirmed visitor: attended, did not attend, not recorded."""

    def __init__(self, *args, bookings: list[Booking], **kwargs):
        super().__init__(*args, **kwargs)
        self.bookings = bookings
        for booking in bookings:
            self.fields[f"booking_{booking.pk}"] = forms.ChoiceField(
                label=booking.user.get_full_name() or booking.user.email,
                choices=Booking.Attendance.choices,
                initial=booking.attendance,
                required=False,
                widget=forms.RadioSelect,
            )

    def marks(self) -> dict[int, str]:
        return {booking.pk: self.cleaned_data.get(f"booking_{booking.pk}") or "" for booking in self.bookings}


class SlotProposalForm(forms.Form):
    activity = forms.ChoiceField(choices=Activity.choices, label="Activity")
    description = forms.CharField(
        label="What the visitor will see and do", widget=forms.Textarea(attrs={"rows": 4}), max_length=2000
    )
    date = forms.DateField(
        label="Date", help_text="For example, 2026-12-08", widget=forms.DateInput(attrs={"type": "date"})
    )
    start = forms.TimeField(
        label="Start time", help_text="For example, 09:30", widget=forms.TimeInput(attrs={"type": "time"})
    )
    end = forms.TimeField(
        label="End time", help_text="For example, 11:00", widget=forms.TimeInput(attrs={"type": "time"})
    )
    capacity = forms.IntegerField(label="Places", min_value=1, max_value=10, initial=1)
    locality = forms.CharField(
        label="Locality", max_length=80, required=False, help_text="Leave blank for your team's"
    )
    meeting_point = forms.CharField(
        label="Meeting point",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=1000,
        help_text="Shown only to people with a confirmed place.",
    )
    access_notes = forms.CharField(
        label="Access notes", widget=forms.Textarea(attrs={"rows": 3}), max_length=1000, required=False
    )

    def __init__(self, *args, week: PracticeWeek | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        if week is not None:
            # The hint names days of this week, not a fixed example (the template bounds the picker).
            example = min(week.starts_on + dt.timedelta(days=1), week.ends_on)
            field = self.fields["date"]
            first, last = week.starts_on, week.ends_on
            field.help_text = (
                f"A day from {first:%A} {first.day} {first:%B} to {last:%A} {last.day} {last:%B %Y}, "
                f"for example {example.isoformat()}"
            )

    def clean(self):
        data = super().clean()
        if data.get("start") and data.get("end") and data["end"] <= data["start"]:
            self.add_error("end", "The end time must be after the start time.")
        return data

    def times(self) -> tuple[dt.datetime, dt.datetime]:
        tz = timezone.get_current_timezone()
        day = self.cleaned_data["date"]
        return (
            dt.datetime.combine(day, self.cleaned_data["start"], tzinfo=tz),
            dt.datetime.combine(day, self.cleaned_data["end"], tzinfo=tz),
        )
