"""The staff import in the Wagtail admin: upload, check, see every problem or the changes, confirm."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.urls import reverse
from django.views.generic import TemplateView
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from cms.people.forms import StaffImportConfirmForm, StaffImportUploadForm, import_token_make
from cms.people.staff_import import COLUMNS, REQUIRED_COLUMNS, staff_import

IMPORT_PERMISSION = "people.import_staff"


def user_can_import_staff(user) -> bool:
    return bool(user.is_active and user.has_perm(IMPORT_PERMISSION))


class StaffImportView(WagtailAdminTemplateMixin, TemplateView):
    """Step 1 checks the upload (a dry run) and shows each bad line or what would change;
    step 2 applies the same file, checked again, in one transaction."""

    template_name = "people/staff_import.html"
    page_title = "Import staff"
    header_icon = "group"

    def dispatch(self, request, *args, **kwargs):
        if not user_can_import_staff(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_breadcrumbs_items(self):
        return [*self.breadcrumbs_items, {"url": "", "label": self.page_title}]

    def get(self, request, *args, **kwargs):
        return self.render_to_response(self.get_context_data(form=StaffImportUploadForm()))

    def post(self, request, *args, **kwargs):
        if "token" in request.POST:
            return self._confirm(request)
        form = StaffImportUploadForm(request.POST, request.FILES)
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(form=form))
        name = request.FILES["file"].name
        data = form.cleaned_data["file"]
        result = staff_import(data=data, dry_run=True)
        context = {"form": StaffImportUploadForm(), "result": result, "file_name": name}
        if result.ok:
            context["confirm_form"] = StaffImportConfirmForm(
                initial={"token": import_token_make(name=name, data=data)}
            )
        return self.render_to_response(self.get_context_data(**context))

    def _confirm(self, request):
        confirm = StaffImportConfirmForm(request.POST)
        if not confirm.is_valid():
            form = StaffImportUploadForm()
            return self.render_to_response(
                self.get_context_data(form=form, confirm_errors=confirm.errors["token"])
            )
        checked = confirm.cleaned_data["token"]
        result = staff_import(data=checked["data"], dry_run=False)
        if not result.ok:
            # The platform changed since the check (e.g. a manager left): show why, write nothing.
            return self.render_to_response(
                self.get_context_data(form=StaffImportUploadForm(), result=result, file_name=checked["name"])
            )
        messages.success(request, f"Imported {checked['name']}: {result.summary()}")
        return redirect(reverse("people_staff_import:index"))

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["columns"] = [COLUMNS[column][0] for column in REQUIRED_COLUMNS] + ["active"]
        context["error_items"] = self._error_items(context)
        return context

    @staticmethod
    def _error_items(context) -> list[str]:
        """Everything wrong, for the one error summary: upload problems, or each bad line."""
        items = list(context.get("confirm_errors") or [])
        form = context.get("form")
        if form is not None and form.is_bound:
            items += list(form.errors.get("file", []))
        result = context.get("result")
        if result is not None:
            items += [
                f"Line {error.line}: {error.message}" if error.line else error.message
                for error in result.errors
            ]
        return items
