"""The staff import in the Wagtail admin: upload, check, see every problem or the changes, confirm;
the confirmed import runs as a Celery job whose page shows its progress and keeps its outcome."""

from django.core.exceptions import PermissionDenied
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.views import View
from django.views.generic import TemplateView
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from cms.people.forms import StaffImportConfirmForm, StaffImportUploadForm, import_token_make
from cms.people.models import StaffImportJob
from cms.people.selectors import staff_import_job_stalled, staff_import_jobs_recent
from cms.people.services import COLUMNS, REQUIRED_COLUMNS, staff_import, staff_import_job_create

IMPORT_PERMISSION = "people.import_staff"
# The check page lists this many changed lines; the rest are counted.
CHANGES_SHOWN = 500


def user_can_import_staff(user) -> bool:
    return bool(user.is_active and user.has_perm(IMPORT_PERMISSION))


class StaffImportPermissionMixin:
    """Everyone who may import staff sees every import job: it is the L&D team's shared tool."""

    def dispatch(self, request, *args, **kwargs):
        if not user_can_import_staff(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


class StaffImportView(StaffImportPermissionMixin, WagtailAdminTemplateMixin, TemplateView):
    """Step 1 checks the upload (a dry run) and shows each bad line or what would change;
    step 2 queues the same file as a job, which checks it again and applies it in one transaction."""

    template_name = "people/staff_import.html"
    page_title = "Import staff"
    header_icon = "group"

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
            changed = [change for change in result.changes if change.action != "unchanged"]
            context["changes_shown"] = changed[:CHANGES_SHOWN]
            context["changes_not_shown"] = max(0, len(changed) - CHANGES_SHOWN)
        return self.render_to_response(self.get_context_data(**context))

    def _confirm(self, request):
        confirm = StaffImportConfirmForm(request.POST)
        if not confirm.is_valid():
            form = StaffImportUploadForm()
            return self.render_to_response(
                self.get_context_data(form=form, confirm_errors=confirm.errors["token"])
            )
        checked = confirm.cleaned_data["token"]
        job = staff_import_job_create(
            data=checked["data"], file_name=checked["name"], created_by=request.user
        )
        return redirect(reverse("people_staff_import:job", kwargs={"pk": job.pk}))

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["columns"] = [COLUMNS[column][0] for column in REQUIRED_COLUMNS] + ["active"]
        context["error_items"] = self._error_items(context)
        context["recent_jobs"] = staff_import_jobs_recent()
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


def _job_state(job: StaffImportJob) -> dict:
    """What the job page and its progress endpoint say about a job."""
    stalled = staff_import_job_stalled(job=job)
    if stalled:
        message = (
            "This import has made no progress for over 15 minutes: the worker may have stopped. "
            "Nothing is written unless the whole file is, so it is safe to upload the file again."
        )
    elif job.status == StaffImportJob.Status.QUEUED:
        message = "Waiting for a worker to start the import."
    elif job.status == StaffImportJob.Status.RUNNING and job.rows_total and job.rows_done >= job.rows_total:
        message = f"All {job.rows_total:,} rows checked. Saving the changes."
    elif job.status == StaffImportJob.Status.RUNNING:
        message = f"Checked {job.rows_done:,} of {job.rows_total:,} rows."
    else:
        message = job.summary
    return {
        "status": job.status,
        "status_label": job.get_status_display(),
        "finished": job.finished,
        "stalled": stalled,
        "rows_done": job.rows_done,
        "rows_total": job.rows_total,
        "message": message,
    }


class StaffImportJobView(StaffImportPermissionMixin, WagtailAdminTemplateMixin, TemplateView):
    """One import job: progress while it runs (updated by polling), then its kept outcome."""

    template_name = "people/staff_import_job.html"
    page_title = "Staff import"
    header_icon = "group"

    def get_breadcrumbs_items(self):
        return [
            *self.breadcrumbs_items,
            {"url": reverse("people_staff_import:index"), "label": "Import staff"},
            {"url": "", "label": self.job.file_name},
        ]

    def get(self, request, *args, **kwargs):
        self.job = get_object_or_404(
            StaffImportJob.objects.defer("data").select_related("created_by"), pk=kwargs["pk"]
        )
        return super().get(request, *args, **kwargs)

    def get_page_subtitle(self):
        return self.job.file_name

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        job = self.job
        outcome = job.outcome or {}
        context.update(
            job=job,
            state=_job_state(job),
            errors=[
                f"Line {line}: {message}" if line else message for line, message in outcome.get("errors", [])
            ],
            warnings=[
                f"line {line}: {message}" if line else message
                for line, message in outcome.get("warnings", [])
            ],
            outcome=outcome,
        )
        return context


class StaffImportJobProgressView(StaffImportPermissionMixin, View):
    """The job's progress as JSON, for the job page's polling script."""

    def get(self, request, *args, **kwargs):
        job = get_object_or_404(StaffImportJob.objects.defer("data"), pk=kwargs["pk"])
        return JsonResponse(_job_state(job))
