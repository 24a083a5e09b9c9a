"""Admin views every app's viewsets share."""

from django.contrib import messages
from django.db.models import Model, ProtectedError
from django.http import HttpRequest, HttpResponseRedirect
from django.utils.text import capfirst
from wagtail.admin.views import generic


def protected_delete_refusal(
    request: HttpRequest,
    *,
    instance: Model,
    refusal: ProtectedError,
    advice: str = "Remove or move those first.",
) -> HttpResponseRedirect:
    """One wording for every refused delete: what could not go, how many records need it, what to do.

    Back to the delete page it came from, which shows the row still there.
    """
    count = len(refusal.protected_objects)
    messages.error(
        request,
        f"{capfirst(instance._meta.verbose_name)} '{instance}' cannot be deleted: "
        f"{count} {'record still needs' if count == 1 else 'records still need'} it. {advice}",
    )
    return HttpResponseRedirect(request.get_full_path())


class ProtectedDeleteView(generic.DeleteView):
    """Deleting a row that other records still need (on_delete=PROTECT) is refused with a message.

    Wagtail refuses such deletes when its reference index knows the links; links it does not
    index (a booking's slot, an assignment's programme) reach the database layer as a
    ProtectedError, which would otherwise be a 500. Nothing is deleted either way. Wagtail's
    own user delete is refused the same way by cms.core.admin_guards.
    """

    def form_valid(self, form):
        try:
            return super().form_valid(form)
        except ProtectedError as refusal:
            return protected_delete_refusal(self.request, instance=self.object, refusal=refusal)
