"""The coordinators' meeting screens in the Wagtail admin: meetings with their agenda, invitations and
documents. State changes (held, cancelled) and the minutes workflow have their own coordinator views,
linked from here, because they are steps with rules rather than fields."""

from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel
from wagtail.admin.ui.tables import Column
from wagtail.admin.views import generic
from wagtail.admin.viewsets.model import ModelViewSet

from . import services
from .models import Meeting


class MeetingCreateView(generic.CreateView):
    def save_instance(self):
        instance = super().save_instance()
        services.meeting_saved_in_admin(actor=self.request.user, meeting=instance, before=None)
        return instance


class MeetingEditView(generic.EditView):
    def save_instance(self):
        before = services._snapshot(Meeting.objects.get(pk=self.object.pk))
        instance = super().save_instance()
        services.meeting_saved_in_admin(actor=self.request.user, meeting=instance, before=before)
        return instance


class MeetingViewSet(ModelViewSet):
    model = Meeting
    icon = "date"
    menu_label = _("Meetings")
    menu_order = 250
    add_to_admin_menu = True
    add_view_class = MeetingCreateView
    edit_view_class = MeetingEditView
    list_display = [
        "title",
        Column("start", label=_("starts")),
        Column("get_state_display", label=_("state")),
        "is_public",
    ]
    list_filter = ["state", "kind", "is_public"]
    search_fields = ["title", "description", "place"]
    ordering = ["-start"]
    inspect_view_enabled = True
    panels = [
        FieldPanel("title"),
        FieldPanel("kind"),
        FieldRowPanel([FieldPanel("start"), FieldPanel("end")], heading=_("Time (Europe/Stockholm)")),
        FieldPanel("place"),
        FieldPanel("online_link"),
        FieldPanel("description"),
        MultiFieldPanel(
            [
                FieldPanel("is_public"),
                FieldPanel("invite_all_approved"),
                InlinePanel(
                    "invitations", label=_("Invited organisations"), panels=[FieldPanel("organisation")]
                ),
                FieldPanel("rsvp_deadline"),
            ],
            heading=_("Who is invited"),
        ),
        InlinePanel(
            "agenda_items",
            label=_("Agenda items"),
            panels=[
                FieldRowPanel([FieldPanel("number"), FieldPanel("planned_minutes")]),
                FieldPanel("title"),
                FieldPanel("description"),
                FieldPanel("presenter"),
                FieldPanel("is_public"),
                FieldPanel("consultation"),
                FieldPanel("documents"),
            ],
        ),
        InlinePanel("meeting_documents", label=_("Documents"), panels=[FieldPanel("document")]),
    ]


meeting_viewset = MeetingViewSet("meetings_admin")


@hooks.register("register_admin_viewset")
def register_meeting_viewset():
    return meeting_viewset


@hooks.register("before_serve_document")
def protect_meeting_documents(document, request):
    """Members-only meeting documents are not served to those who may not see them (404, not 403, so
    that their existence is not revealed)."""
    from django.http import Http404

    from .permissions import may_serve_document

    if may_serve_document(request.user, document) is False:
        raise Http404


# --- The coordinators' workspace: a meeting's own page (see portal/workspace.py) ---------------------


@hooks.register("register_admin_urls")
def register_workspace_urls():
    from django.urls import path

    from . import workspace

    urls = [
        path(
            "workspace/meetings/<int:pk>/", workspace.MeetingWorkspaceView.as_view(), name="workspace_meeting"
        )
    ]
    for slug, view in workspace.ACTION_VIEWS.items():
        urls.append(
            path(f"workspace/meetings/<int:pk>/{slug}/", view.as_view(), name=f"workspace_meeting_{slug}")
        )
    return urls


@hooks.register("register_workspace_section")
def meetings_workspace_section(request):
    from .workspace import workspace_section

    return workspace_section(request)
