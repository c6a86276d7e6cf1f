"""The coordinators' workspace: the portal's workflow views inside the Wagtail admin.

Each domain app registers its own workspace views (`<app>/workspace.py`, wired in its `wagtail_hooks.py`)
on top of the base view here, so a consultation's, a meeting's or an application's every step is on one
admin page. The portal itself imports no domain app.

Why the Wagtail admin rather than the portal's own /samordning/ pages: editors and coordinators already
work there (the text of a consultation, the agenda of a meeting, documents, the audit trail), it has the
menu, the messages, the keyboard-accessible widgets and the two-factor guard, so moving the workflow in
removes the second interface instead of adding a third.
"""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect
from django.urls import reverse_lazy
from django.utils.translation import gettext_lazy as _
from django.views.generic import TemplateView
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from portal.two_factor import user_has_totp


def is_workspace_user(user) -> bool:
    """Coordinators (and site admins) with two-factor set up."""
    return bool(
        getattr(user, "is_authenticated", False)
        and user.is_active
        and getattr(user, "is_coordinator", False)
        and user_has_totp(user)
    )


class WorkspaceView(WagtailAdminTemplateMixin, TemplateView):
    """Base of every workspace page: only coordinators; Wagtail's furniture and breadcrumbs."""

    header_icon = "tasks"
    breadcrumbs_items = [
        {"url": reverse_lazy("wagtailadmin_home"), "label": _("Home")},
        {"url": reverse_lazy("workspace_home"), "label": _("Workspace")},
    ]

    def dispatch(self, request, *args, **kwargs):
        if not is_workspace_user(request.user):
            raise PermissionDenied
        self.load()
        return super().dispatch(request, *args, **kwargs)

    def load(self) -> None:
        """Load the object the page is about (after the permission check, so others get 403, not 404)."""

    def get_breadcrumbs_items(self):
        return [
            *self.breadcrumbs_items,
            *self.extra_breadcrumbs(),
            {"url": "", "label": self.get_page_title()},
        ]

    def extra_breadcrumbs(self) -> list[dict]:
        return []


def refusal_messages(request, exc: ValidationError | PermissionDenied) -> None:
    """A service's refusal as error messages, in the user's language (the services translate them)."""
    if isinstance(exc, PermissionDenied):
        messages.error(request, str(exc) or _("You may not do this."))
        return
    for message in exc.messages:
        messages.error(request, message)


def new_token() -> str:
    """A one-off key for a confirmation form: sending the same form twice does the thing once."""
    return uuid.uuid4().hex


def back(request, fallback: str):
    return redirect(fallback)


class WorkspaceHomeView(WorkspaceView):
    """What needs doing: each app adds a section through the `register_workspace_section` hook (a callable
    taking the request and returning {"title", "url", "link_label", "items": [{"label", "url", "note"}]})."""

    template_name = "workspace/home.html"
    page_title = _("Workspace")

    def get_breadcrumbs_items(self):
        return [self.breadcrumbs_items[0], {"url": "", "label": self.get_page_title()}]

    def get_context_data(self, **kwargs):
        from wagtail import hooks

        context = super().get_context_data(**kwargs)
        context["sections"] = [fn(self.request) for fn in hooks.get_hooks("register_workspace_section")]
        return context


class AuditView(WorkspaceView):
    """The audit trail as sentences, newest first, filterable by person and by object."""

    template_name = "workspace/audit.html"
    page_title = _("History")
    per_page = 50

    def get_context_data(self, **kwargs):
        from django.contrib.auth import get_user_model
        from django.core.paginator import Paginator

        from portal.audit_sentences import sentence, with_targets
        from portal.models import AuditEntry

        context = super().get_context_data(**kwargs)
        entries = AuditEntry.objects.all()
        params = self.request.GET
        actor_id = params.get("person", "")
        content_type, object_id = params.get("type", ""), params.get("id", "")
        if actor_id.isdigit():
            entries = entries.filter(actor_id=int(actor_id))
        if content_type.isdigit():
            entries = entries.filter(content_type_id=int(content_type))
            if object_id:
                entries = entries.filter(object_id=object_id[:64])
        page = Paginator(with_targets(entries).order_by("-created", "-pk"), self.per_page).get_page(
            params.get("p")
        )
        people = get_user_model().objects.filter(
            pk__in=AuditEntry.objects.exclude(actor=None).values("actor_id").distinct()
        )
        object_label = ""
        if content_type.isdigit() and object_id:
            first = AuditEntry.objects.filter(
                content_type_id=int(content_type), object_id=object_id[:64]
            ).first()
            object_label = first.object_repr if first else ""
        context.update(
            {
                "rows": [{"entry": e, "sentence": sentence(e)} for e in page.object_list],
                "page_obj": page,
                "people": sorted(people, key=lambda u: u.get_display_name().lower()),
                "person": actor_id,
                "object_type": content_type,
                "object_id": object_id,
                "object_label": object_label,
            }
        )
        return context
