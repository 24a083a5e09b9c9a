"""Personal data cms.pages holds: expressions of interest, matched to a person by email address."""

from django.db.models import Q, QuerySet
from wagtail.contrib.forms.models import FormSubmission

from cms.core.personal_data import Erasure, register
from cms.pages.models import ExpressionOfInterestPage, InterestFormField


def _interest_submissions(user) -> QuerySet:
    """Submissions of any expression-of-interest form whose email answer is the person's address."""
    email_names = set(
        InterestFormField.objects.filter(field_type="email").values_list("clean_name", flat=True)
    )
    if not email_names or not user.email:
        return FormSubmission.objects.none()
    matches = Q()
    for name in email_names:
        matches |= Q(**{f"form_data__{name}__iexact": user.email})
    pages = ExpressionOfInterestPage.objects.values("pk")
    return FormSubmission.objects.filter(matches, page__in=pages).select_related("page")


register(
    FormSubmission,
    section="expressions_of_interest",
    rows=_interest_submissions,
    export=lambda s: {"form": s.page.title, "submitted_at": s.submit_time, "answers": s.form_data},
    erasure=Erasure.DELETE,
)
