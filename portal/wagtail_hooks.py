"""The audit trail, readable (never editable) in the Wagtail admin by coordinators and site admins."""

from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.permission_policies import ModelPermissionPolicy
from wagtail.permissions import register_permission_policy

from portal.models import AuditEntry


class ReadOnlyPermissionPolicy(ModelPermissionPolicy):
    def user_has_permission(self, user, action):
        if action in ("add", "change", "delete"):
            return False
        if action == "view":
            return bool(user.is_active and (user.is_superuser or getattr(user, "is_coordinator", False)))
        return super().user_has_permission(user, action)

    def user_has_any_permission(self, user, actions):
        return any(self.user_has_permission(user, action) for action in actions)

    def user_has_permission_for_instance(self, user, action, instance):
        return self.user_has_permission(user, action)


register_permission_policy(AuditEntry, ReadOnlyPermissionPolicy(AuditEntry))


class AuditEntryViewSet(ModelViewSet):
    model = AuditEntry
    icon = "history"
    menu_label = _("Audit trail")
    menu_order = 900
    add_to_admin_menu = True
    list_display = ["created", "actor", "action", "object_repr"]
    list_filter = ["action", "created"]
    search_fields = ["action", "object_repr"]
    form_fields = ["action"]
    inspect_view_enabled = True
    inspect_view_fields = [
        "created",
        "actor",
        "action",
        "content_type",
        "object_id",
        "object_repr",
        "details",
    ]
    copy_view_enabled = False


@hooks.register("register_admin_viewset")
def register_audit_viewset():
    return AuditEntryViewSet("audit_trail")


@hooks.register("register_admin_urls")
def register_workspace_home():
    from django.urls import path

    from portal.workspace import AuditView, WorkspaceHomeView

    return [
        path("workspace/", WorkspaceHomeView.as_view(), name="workspace_home"),
        path("workspace/history/", AuditView.as_view(), name="workspace_audit"),
    ]


@hooks.register("register_admin_menu_item")
def register_workspace_menu_item():
    from django.urls import reverse
    from wagtail.admin.menu import MenuItem

    from portal.workspace import is_workspace_user

    class WorkspaceMenuItem(MenuItem):
        def is_shown(self, request):
            return is_workspace_user(request.user)

    return WorkspaceMenuItem(_("Workspace"), reverse("workspace_home"), icon_name="tasks", order=100)
