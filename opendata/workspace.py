"""The archive page of the coordinators' workspace: ask for an E-ARK package of a concluded consultation
or of approved minutes, follow its progress, download it."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse, reverse_lazy
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from consultations.models import Consultation
from meetings.models import Meeting, Minutes
from portal.private_media import serve_private_file
from portal.workspace import WorkspaceView, refusal_messages

from . import services
from .models import ArchivePackage


class ArchiveView(WorkspaceView):
    template_name = "workspace/archive.html"
    page_title = gettext_lazy("Archive packages")
    per_page = 20

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        packages = ArchivePackage.objects.select_related("consultation", "meeting", "requested_by")
        context["page_obj"] = Paginator(packages, self.per_page).get_page(self.request.GET.get("p"))
        context["consultations"] = Consultation.objects.filter(concluded_at__isnull=False).order_by(
            "-concluded_at"
        )[:50]
        context["meetings"] = Meeting.objects.filter(minutes__state__in=Minutes.LOCKED_STATES).order_by(
            "-start"
        )[:50]
        return context

    def post(self, request, *args, **kwargs):
        kind, _sep, ident = request.POST.get("target", "").partition(":")
        model = {"consultation": Consultation, "meeting": Meeting}.get(kind)
        target = model.objects.filter(pk=int(ident)).first() if model and ident.isdigit() else None
        if target is None:
            messages.error(request, _("Choose a consultation or a meeting from the list."))
            return redirect("workspace_archive")
        try:
            package = services.archive_package_request(actor=request.user, target=target)
        except (ValidationError, PermissionDenied) as exc:
            refusal_messages(request, exc)
            return redirect("workspace_archive")
        messages.success(request, _("The archive package is being made. Its page shows when it is ready."))
        return redirect("workspace_archive_package", pk=package.pk)


class PackageView(WorkspaceView):
    template_name = "workspace/archive_package.html"
    breadcrumbs_items = [
        *WorkspaceView.breadcrumbs_items,
        {"url": reverse_lazy("workspace_archive"), "label": gettext_lazy("Archive packages")},
    ]

    def load(self):
        self.package = get_object_or_404(
            ArchivePackage.objects.select_related("consultation", "meeting"), pk=self.kwargs["pk"]
        )

    def get_page_title(self):
        return _("Archive package: %(target)s") % {"target": self.package.target}

    def get(self, request, *args, **kwargs):
        if request.GET.get("format") == "json":
            package = self.package
            return JsonResponse(
                {
                    "status": package.status,
                    "label": capfirst(package.get_status_display()),
                    "progress": package.progress,
                }
            )
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "package": self.package}


class DownloadView(PackageView):
    def get(self, request, *args, **kwargs):
        if self.package.status != ArchivePackage.Status.DONE:
            return redirect(reverse("workspace_archive_package", args=[self.package.pk]))
        return serve_private_file(
            request, self.package.file, filename=self.package.filename(), content_type="application/zip"
        )
