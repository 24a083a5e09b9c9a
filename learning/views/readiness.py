"""Readiness for L&D and leadership, in the Wagtail admin: figures, charts, drill-down, exports."""

import tempfile
from datetime import date

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpResponse, JsonResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import SimpleLazyObject
from django.views.generic import TemplateView
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from cms.core.spreadsheets import csv_chunks, xlsx_write
from cms.people.models import User
from cms.people.selectors import is_ld_lead, is_learning_and_development
from learning.charts import burn_up_chart
from learning.forms import DueDateChangeForm, OfflineCompletionForm
from learning.models import CompletionChange, Enrolment, Programme
from learning.selectors import (
    BY_FIELDS,
    MATRIX_HEADER,
    SCORM_HEADER,
    cmi5_waivable_aus,
    my_learning,
    person_module_matrix,
    readiness_by,
    readiness_figures_cached,
    readiness_grain,
    scorm_attempt_rows,
    scorm_attempts_of,
)
from learning.services import (
    enrolment_due_date_change,
    learning_record_csv,
    learning_record_export,
    module_completed_elsewhere_record,
    person_erase,
)

READINESS_PERMISSION = "learning.view_readiness"


def can_view_readiness(user) -> bool:
    return is_learning_and_development(user=user) or user.has_perm(READINESS_PERMISSION)


def can_change_records(user) -> bool:
    return is_learning_and_development(user=user)


class ReadinessPageView(WagtailAdminTemplateMixin, TemplateView):
    """A page of the readiness reports in the Wagtail admin, for L&D and leadership only."""

    def get_breadcrumbs_items(self):
        """Home > Readiness (> the person): the header names where L&D are, not just Home."""
        items = [*self.breadcrumbs_items, {"url": reverse("learning_readiness"), "label": "Readiness"}]
        if getattr(self, "person", None) is not None:
            items.append({"url": "", "label": str(self.person)})
        return items

    def dispatch(self, request, *args, **kwargs):
        if not can_view_readiness(request.user):
            raise PermissionDenied("Readiness reports are for L&D and leadership.")
        return super().dispatch(request, *args, **kwargs)


def _programme_from(request, programmes: list[Programme] | None = None) -> Programme | None:
    """The programme asked for, or the first (by go-live date); None before any exists."""
    if programmes is None:
        programmes = list(Programme.objects.all())
    try:
        chosen = int(request.GET.get("programme", ""))
    except ValueError:
        chosen = None
    return next((p for p in programmes if p.pk == chosen), programmes[0] if programmes else None)


class ReadinessView(ReadinessPageView):
    page_title = "Readiness"
    header_icon = "tasks"
    template_name = "learning/readiness/dashboard.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        today = timezone.localdate()
        programmes = list(Programme.objects.all())
        programme = _programme_from(self.request, programmes)
        figures = readiness_figures_cached(programme=programme, today=today)
        context.update(
            {
                "today": today,
                "programmes": programmes,
                "programme": programme,
                "computed_at": figures.computed_at,
                "fragment_seconds": settings.READINESS_CACHE_SECONDS,
                "totals": figures.totals,
                "groupings": [
                    {"key": by, "label": label, "rows": figures.groupings[by]}
                    for by, (_field, label) in BY_FIELDS.items()
                ],
                "heatmap": figures.heatmap,
                # Lazy: built only when the cached markup of the figures has expired.
                "heatmap_rows": SimpleLazyObject(figures.heatmap.rows),
                "overdue": figures.overdue,
            }
        )
        burn = figures.burn
        if burn is not None:
            context["burn"] = burn
            context["chart"] = SimpleLazyObject(lambda: burn_up_chart(burn, today=today))
            context["burn_rows"] = SimpleLazyObject(
                lambda: [
                    {"day": day, "complete": value, "target": round(burn.target_on(day))}
                    for day, value in burn.points
                ]
            )
        return context


class PersonRecordView(ReadinessPageView):
    """One person's learning record: assignments, status, completions and every manual change."""

    header_icon = "user"
    template_name = "learning/readiness/person.html"

    def dispatch(self, request, *args, **kwargs):
        self.person = get_object_or_404(User, pk=kwargs["user_id"])
        return super().dispatch(request, *args, **kwargs)

    def get_page_title(self):
        return f"Learning record: {self.person}"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        today = timezone.localdate()
        record = my_learning(user=self.person, today=today)
        enrolments = list(
            Enrolment.objects.filter(user=self.person, removed_on__isnull=True)
            .select_related("module")
            .order_by("due_date")
        )
        context.update(
            {
                "person": self.person,
                "record": record,
                "changes": CompletionChange.objects.filter(learner=self.person).select_related(
                    "changed_by", "module"
                ),
                "scorm_attempts": scorm_attempts_of(user=self.person),
                "may_change": can_change_records(self.request.user),
                "may_erase": is_ld_lead(user=self.request.user),
                "offline_form": kwargs.get("offline_form")
                or OfflineCompletionForm(modules=[e.module for e in enrolments]),
                "due_form": kwargs.get("due_form") or DueDateChangeForm(enrolments=enrolments),
            }
        )
        return context

    def post(self, request, *args, **kwargs):
        if not can_change_records(request.user):
            raise PermissionDenied("Only L&D can change learning records.")
        enrolments = list(
            Enrolment.objects.filter(user=self.person, removed_on__isnull=True).select_related("module")
        )
        if request.POST.get("action") == "offline":
            return self._offline(request, enrolments)
        if request.POST.get("action") == "due_date":
            form = DueDateChangeForm(request.POST, enrolments=enrolments)
            if form.is_valid():
                try:
                    enrolment_due_date_change(
                        enrolment=form.cleaned_data["enrolment"],
                        due_date=form.cleaned_data["due_date"],
                        reason=form.cleaned_data["reason"],
                        changed_by=request.user,
                    )
                except ValueError as error:
                    form.add_error(None, str(error))
                else:
                    messages.success(request, "Due date changed.")
                    return redirect(request.path)
            return self.render_to_response(self.get_context_data(due_form=form))
        if request.POST.get("action") == "erase":
            if not is_ld_lead(user=request.user):
                raise PermissionDenied("Only an L&D lead can erase a person's data.")
            reason = request.POST.get("reason", "").strip()
            if request.POST.get("confirm") != "yes" or not reason:
                messages.error(request, "To erase, tick the confirmation and say why.")
                return redirect(request.path)
            try:
                person_erase(user=self.person, erased_by=request.user, reason=reason[:500])
            except ValueError as error:
                messages.error(request, str(error))
                return redirect(request.path)
            messages.success(
                request, "The person's data has been erased. Their completions still count in history."
            )
            return redirect(request.path)
        messages.error(request, "Choose what to change.")
        return redirect(request.path)

    def _offline(self, request, enrolments):
        """Record training completed elsewhere in two steps: the form, then a check-your-answers
        page naming the cmi5 course parts that will be waived; only "confirm" records it."""
        form = OfflineCompletionForm(request.POST, modules=[e.module for e in enrolments])
        if not form.is_valid() or request.POST.get("step") == "change":
            return self.render_to_response(self.get_context_data(offline_form=form))
        data = form.cleaned_data
        if request.POST.get("step") != "confirm":
            context = self.get_context_data()
            context.update(
                {
                    "form": form,
                    "module": data["module"],
                    "completed_on": data["completed_on"],
                    "evidence": data["evidence"],
                    "recognition_label": dict(form.fields["recognition"].choices)[data["recognition"]],
                    "recognition": data["recognition"],
                    "waivable": cmi5_waivable_aus(user=self.person, module=data["module"]),
                }
            )
            return TemplateResponse(request, "learning/readiness/offline_confirm.html", context)
        try:
            _completion, waived = module_completed_elsewhere_record(
                learner=self.person,
                module=data["module"],
                completed_on=data["completed_on"],
                evidence=data["evidence"],
                recognition=data["recognition"],
                recorded_by=request.user,
            )
        except ValueError as error:
            form.add_error(None, str(error))
            return self.render_to_response(self.get_context_data(offline_form=form))
        parts = (
            f" {waived} cmi5 course part{'s' if waived != 1 else ''} recorded as waived." if waived else ""
        )
        messages.success(request, f"Training completed elsewhere recorded.{parts}")
        return redirect(request.path)


def person_export_view(request, user_id: int, fmt: str):
    """Subject access export of one person's learning record (L&D only)."""
    if not can_change_records(request.user):
        raise PermissionDenied("Only L&D can export a person's learning record.")
    if fmt not in {"json", "csv"}:
        raise Http404("No such format.")
    person = get_object_or_404(User, pk=user_id)
    filename = f"learning-record-{person.pk}.{fmt}"
    if fmt == "json":
        response = JsonResponse(learning_record_export(user=person), json_dumps_params={"indent": 2})
    else:
        response = HttpResponse(learning_record_csv(user=person), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


EXPORTS = {"matrix", "readiness", "scorm"}
FORMATS = {"csv", "xlsx"}


def _export_rows(kind: str, programme: Programme | None, today: date):
    if kind == "scorm":
        yield SCORM_HEADER
        yield from scorm_attempt_rows(programme=programme)
        return
    if kind == "matrix":
        yield MATRIX_HEADER
        yield from person_module_matrix(programme=programme, today=today)
        return
    yield ["Grouping", "Name", "Required items", "Complete", "Overdue", "Percent complete"]
    grain = readiness_grain(programme=programme, today=today)
    for by, (_field, label) in BY_FIELDS.items():
        for row in readiness_by(by=by, programme=programme, today=today, grain=grain):
            yield [label, row.label, row.total, row.complete, row.overdue, row.percent]


def export_view(request, kind: str, fmt: str):
    if not can_view_readiness(request.user):
        raise PermissionDenied("Readiness exports are for L&D and leadership.")
    if kind not in EXPORTS or fmt not in FORMATS:
        raise Http404("No such export.")
    today = timezone.localdate()
    programme = _programme_from(request)
    filename = f"{kind}-{today.isoformat()}.{fmt}"
    rows = _export_rows(kind, programme, today)
    if fmt == "csv":
        response = StreamingHttpResponse(csv_chunks(rows), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        return response
    # Rows go to disk as they come (constant-memory mode), so a 150,000-row matrix never
    # sits in memory; the file is then streamed.
    handle = tempfile.TemporaryFile()  # noqa: SIM115 - closed by FileResponse
    xlsx_write(rows, output=handle, sheet_name=kind.title())
    handle.seek(0)
    return FileResponse(
        handle,
        as_attachment=True,
        filename=filename,
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
