"""Admin views every app's viewsets share."""

from django.contrib import messages
from django.db.models import ProtectedError
from django.http import HttpResponseRedirect
from django.utils.text import capfirst
from wagtail.admin.views import generic


class ProtectedDeleteView(generic.DeleteView):
    """Deleting a row that other records still need (on_delete=PROTECT) is refused with a message.

    Wagtail refuses such deletes when its reference index knows the links; links it does not
    index (a booking's slot, an assignment's programme) reach the database layer as a
    ProtectedError, which would otherwise be a 500. Nothing is deleted either way.
    """

    def form_valid(self, form):
        try:
            return super().form_valid(form)
        except ProtectedError as refusal:
            count = len(refusal.protected_objects)
            messages.error(
                self.request,
                f"{capfirst(self.object._meta.verbose_name)} '{self.object}' cannot be deleted: "
                f"{count} {'record still needs' if count == 1 else 'records still need'} it. "
                "Remove or move those first.",
            )
            return HttpResponseRedirect(self.request.get_full_path())
