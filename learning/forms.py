"""Forms L&D use on a person's learning record."""

from django import forms
from django.utils import timezone


class OfflineCompletionForm(forms.Form):
    module = forms.ModelChoiceField(queryset=None, label="Module", empty_label="Choose a module")
    completed_on = forms.DateField(
        label="Date completed", help_text="For example, 20/11/2026", input_formats=["%d/%m/%Y", "%Y-%m-%d"]
    )
    recognition = forms.ChoiceField(
        label="Why it counts",
        help_text="Parts of the module's cmi5 courses they have not finished are recorded as waived "
        "with this reason.",
        widget=forms.RadioSelect,
        choices=[],
        error_messages={
            "required": "Choose why this training counts.",
            "invalid_choice": "Choose one of the reasons listed.",
        },
    )
    evidence = forms.CharField(
        label="Evidence",
        help_text="What shows they completed it: an attendance sheet, a trainer's confirmation.",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
    )

    def __init__(self, *args, modules, **kwargs):
        super().__init__(*args, **kwargs)
        from learning.models import CompletionChange
        from modules.models import ModulePage

        self.fields["recognition"].choices = CompletionChange.Recognition.choices
        self.fields["module"].queryset = ModulePage.objects.filter(pk__in=[m.pk for m in modules])

    def clean_completed_on(self):
        value = self.cleaned_data["completed_on"]
        if value > timezone.localdate():
            raise forms.ValidationError("The date completed must be today or in the past.")
        return value


class DueDateChangeForm(forms.Form):
    enrolment = forms.ModelChoiceField(queryset=None, label="Module", empty_label="Choose a module")
    due_date = forms.DateField(
        label="New due date", help_text="For example, 31/03/2027", input_formats=["%d/%m/%Y", "%Y-%m-%d"]
    )
    reason = forms.CharField(label="Reason", max_length=500, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, enrolments, **kwargs):
        super().__init__(*args, **kwargs)
        from learning.models import Enrolment

        self.fields["enrolment"].queryset = Enrolment.objects.filter(
            pk__in=[e.pk for e in enrolments]
        ).select_related("module")
        self.fields["enrolment"].label_from_instance = lambda e: (
            f"{e.module.title} (due {e.due_date:%d/%m/%Y})"
        )
