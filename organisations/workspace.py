"""Organisation applications in the coordinators' workspace (inside the Wagtail admin): the queue, one
application with its status history, and approve or reject with a reason that the e-mail to the
organisation quotes. Every change goes through `organisations.services`."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from portal.workspace import WorkspaceView, refusal_messages

from . import services
from .models import Organisation


class ApproveForm(forms.Form):
    message = forms.CharField(
        label=gettext_lazy("Note for the history (optional)"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class RejectForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("Reason (quoted in the e-mail to the organisation)"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )


def _breadcrumb():
    return {"url": reverse("workspace_applications"), "label": _("Applications")}


class QueueView(WorkspaceView):
    template_name = "workspace/application_queue.html"
    page_title = gettext_lazy("Applications")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["pending"] = list(Organisation.objects.pending().order_by("created", "pk"))
        context["recent"] = list(
            Organisation.objects.exclude(status=Organisation.Status.PENDING).order_by("-modified")[:10]
        )
        return context


class ApplicationView(WorkspaceView):
    template_name = "workspace/application.html"

    def load(self):
        self.organisation = get_object_or_404(
            Organisation.objects.prefetch_related("focus_areas"), pk=self.kwargs["pk"]
        )

    def get_page_title(self):
        return self.organisation.name

    def extra_breadcrumbs(self):
        return [_breadcrumb()]

    def get(self, request, *args, **kwargs):
        return self.render_to_response(self.get_context_data())

    def post(self, request, *args, **kwargs):
        decision = request.POST.get("decision")
        approve_form = ApproveForm(request.POST if decision == "approve" else None)
        reject_form = RejectForm(request.POST if decision == "reject" else None)
        form = approve_form if decision == "approve" else reject_form if decision == "reject" else None
        if form is None or not form.is_valid():
            return self.render_to_response(
                self.get_context_data(approve_form=approve_form, reject_form=reject_form), status=400
            )
        try:
            if decision == "approve":
                services.organisation_approve(
                    actor=request.user, organisation=self.organisation, message=form.cleaned_data["message"]
                )
                messages.success(
                    request,
                    _("%(name)s is approved and its administrators are told.")
                    % {"name": self.organisation.name},
                )
            else:
                services.organisation_reject(
                    actor=request.user, organisation=self.organisation, reason=form.cleaned_data["reason"]
                )
                messages.success(
                    request, _("%(name)s is rejected and told why.") % {"name": self.organisation.name}
                )
        except (ValidationError, PermissionDenied) as exc:
            refusal_messages(request, exc)
            return redirect("workspace_application", self.organisation.pk)
        return redirect("workspace_applications")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.setdefault("approve_form", ApproveForm())
        context.setdefault("reject_form", RejectForm())
        context["organisation"] = self.organisation
        context["history"] = list(self.organisation.status_changes.select_related("actor"))
        context["admins"] = list(
            self.organisation.memberships.filter(role="admin", ended__isnull=True).select_related("user")
        )
        return context


def workspace_section(request) -> dict:
    pending = list(Organisation.objects.pending().order_by("created", "pk")[:20])
    from django.utils import timezone
    from django.utils.formats import date_format

    return {
        "title": _("Organisation applications"),
        "actions": [{"label": _("All applications"), "url": reverse("workspace_applications")}],
        "items": [
            {
                "label": org.name,
                "url": reverse("workspace_application", args=[org.pk]),
                "note": _("applied %(date)s")
                % {"date": date_format(timezone.localtime(org.created), "j F Y")},
            }
            for org in pending
        ],
        "empty": _("No applications are waiting."),
    }
