"""Coordinators' admin screens for organisations: a filterable list with status history, the
editable focus-area list, and links to the application queue. Status changes are not edited here:
they go through the portal's approve/reject/suspend pages, so that each one is recorded and told."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.views.generic.models import CreateView, EditView
from wagtail.admin.viewsets.base import ViewSetGroup
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.permission_policies import ModelPermissionPolicy
from wagtail.permissions import register_permission_policy

from . import services
from .models import FocusArea, Organisation


class OrganisationPermissionPolicy(ModelPermissionPolicy):
    """Organisations are registered through the portal's form and leave by status, not by deletion:
    no one adds them here, and only site admins may delete one."""

    def user_has_permission(self, user, action):
        if action == "add":
            return False
        if action == "delete":
            return bool(user.is_active and user.is_superuser)
        return super().user_has_permission(user, action)

    def user_has_permission_for_instance(self, user, action, instance):
        return self.user_has_permission(user, action)


register_permission_policy(Organisation, OrganisationPermissionPolicy(Organisation))


class OrganisationEditView(EditView):
    def save_instance(self):
        data = {
            field: self.form.cleaned_data[field]
            for field in services.PROFILE_FIELDS
            if field in self.form.cleaned_data
        }
        organisation = services.organisation_update(actor=self.request.user, organisation=self.object, **data)
        services.organisation_set_focus_areas(
            actor=self.request.user,
            organisation=organisation,
            focus_areas=self.form.cleaned_data["focus_areas"],
        )
        return organisation


class OrganisationViewSet(ModelViewSet):
    model = Organisation
    icon = "group"
    menu_label = _("Organisations")
    list_display = ["name", "kind", "status", "listed_publicly", "created"]
    list_filter = ["status", "kind", "focus_areas"]
    list_export = [
        "name",
        "org_number",
        "kind",
        "status",
        "city_districts",
        "website",
        "public_email",
        "created",
    ]
    search_fields = ["name", "org_number", "description"]
    form_fields = [
        "name",
        "slug",
        "org_number",
        "kind",
        "focus_areas",
        "description",
        "city_districts",
        "website",
        "public_email",
        "phone",
        "logo",
        "listed_publicly",
    ]
    inspect_view_enabled = True
    inspect_view_fields = [
        "name",
        "org_number_display",
        "kind",
        "status",
        "focus_areas",
        "description",
        "city_districts",
        "website",
        "public_email",
        "phone",
        "listed_publicly",
        "listing_consent_at",
        "created",
        "modified",
    ]
    copy_view_enabled = False
    edit_view_class = OrganisationEditView


class FocusAreaCreateView(CreateView):
    def save_instance(self):
        return services.focus_area_save(actor=self.request.user, focus_area=self.form.instance)


class FocusAreaEditView(EditView):
    def save_instance(self):
        return services.focus_area_save(actor=self.request.user, focus_area=self.form.instance)


class FocusAreaViewSet(ModelViewSet):
    model = FocusArea
    icon = "tag"
    menu_label = _("Focus areas")
    list_display = ["name_sv", "name_en", "slug", "order"]
    form_fields = ["name_sv", "name_en", "slug", "order"]
    add_view_class = FocusAreaCreateView
    edit_view_class = FocusAreaEditView
    copy_view_enabled = False


class OrganisationsGroup(ViewSetGroup):
    menu_label = _("Organisations")
    menu_icon = "group"
    menu_order = 210
    items = (OrganisationViewSet("organisations_admin"), FocusAreaViewSet("focus_areas_admin"))


@hooks.register("register_admin_viewset")
def register_organisation_viewsets():
    return OrganisationsGroup()


class CoordinatorMenuItem(MenuItem):
    def is_shown(self, request):
        return bool(getattr(request.user, "is_coordinator", False))


@hooks.register("register_admin_menu_item")
def register_application_queue_menu_item():
    return CoordinatorMenuItem(
        _("Applications"),
        reverse("workspace_applications"),
        icon_name="tasks",
        order=205,
    )


# --- The coordinators' workspace: organisation applications (see portal/workspace.py) -----------------


@hooks.register("register_admin_urls")
def register_workspace_urls():
    from django.urls import path

    from . import workspace

    return [
        path("workspace/applications/", workspace.QueueView.as_view(), name="workspace_applications"),
        path(
            "workspace/applications/<int:pk>/",
            workspace.ApplicationView.as_view(),
            name="workspace_application",
        ),
    ]


@hooks.register("register_workspace_section")
def organisations_workspace_section(request):
    from .workspace import workspace_section

    return workspace_section(request)


@hooks.register("register_audit_sentences")
def organisations_audit_sentences():
    return {
        "sentences": {
            "organisation.approve": _("%(actor)s approved the organisation %(object)s"),
            "organisation.reject": _("%(actor)s rejected the application from %(object)s"),
            "organisation.suspend": _("%(actor)s suspended the organisation %(object)s"),
            "organisation.withdraw": _("%(actor)s withdrew the organisation %(object)s"),
            "organisation.update": _("%(actor)s changed the profile of %(object)s"),
            "organisation.set_focus_areas": _("%(actor)s changed the focus areas of %(object)s"),
            "membership.change_role": _("%(actor)s changed a member's role (%(object)s)"),
            "membership.remove": _("%(actor)s removed a member (%(object)s)"),
            "focus_area.create": _("%(actor)s added the focus area %(object)s"),
        }
    }
