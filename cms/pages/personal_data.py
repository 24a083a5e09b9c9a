"""Which expressions of interest are a person's, for cms/pages/personal_data.toml (cms.core.personal_data)."""

from django.db.models import Q, QuerySet
from wagtail.contrib.forms.models import FormSubmission

from cms.pages.models import ExpressionOfInterestPage, InterestFormField


def interest_submissions(user) -> QuerySet:
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
