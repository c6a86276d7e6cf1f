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
