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
                FieldPanel("activity"),
                FieldPanel("documents"),
            ],
        ),
        InlinePanel(
            "meeting_documents",
            label=_("Documents"),
            panels=[FieldPanel("document"), FieldPanel("members_only")],
        ),
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
    for route, view, name in workspace.PAGE_VIEWS:
        urls.append(
            path(f"workspace/meetings/<int:pk>/{route}", view.as_view(), name=f"workspace_meeting_{name}")
        )
    return urls


@hooks.register("register_workspace_section")
def meetings_workspace_section(request):
    from .workspace import workspace_section

    return workspace_section(request)


def _minutes_of(minutes) -> str:
    from django.utils import timezone
    from django.utils.formats import date_format

    return date_format(timezone.localtime(minutes.meeting.start), "j F Y")


@hooks.register("register_audit_sentences")
def meetings_audit_sentences():
    from .models import Minutes

    return {
        "sentences": {
            "meetings.meeting_schedule": _("%(actor)s planned the meeting “%(object)s”"),
            "meetings.meeting_update": _("%(actor)s changed the meeting “%(object)s”"),
            "meetings.meeting_cancel": _("%(actor)s cancelled the meeting “%(object)s”"),
            "meetings.meeting_mark_held": _("%(actor)s marked the meeting “%(object)s” as held"),
            "meetings.attendance_record": _("%(actor)s recorded the attendance at “%(object)s”"),
            "meetings.document_add": _("%(actor)s added a document to the meeting “%(object)s”"),
            "meetings.document_mark": _(
                "%(actor)s changed who may read a document of the meeting “%(object)s”"
            ),
            "meetings.document_remove": _("%(actor)s took a document off the meeting “%(object)s”"),
            "meetings.minutes_start": _("%(actor)s started the minutes of %(object)s"),
            "meetings.minutes_update": _("%(actor)s edited the minutes of %(object)s"),
            "meetings.minutes_send_for_review": _("%(actor)s sent the minutes of %(object)s for review"),
            "meetings.minutes_approve": _("%(actor)s approved the minutes of %(object)s"),
            "meetings.minutes_publish": _("%(actor)s published the minutes of %(object)s"),
            "meetings.minutes_add_correction": _("%(actor)s added a correction to the minutes of %(object)s"),
            "meetings.action_item_create": _("%(actor)s added an action item (%(object)s)"),
            "meetings.action_item_delete": _("%(actor)s removed an action item (%(object)s)"),
            "meetings.action_item_set_activity": _(
                "%(actor)s filed an action item under an activity of the action plan (%(object)s)"
            ),
            "meetings.action_item_update_status": _(
                "%(actor)s changed the status of an action item (%(object)s)"
            ),
        },
        "describe": {"meetings.minutes": _minutes_of},
        "targets": [Minutes.objects.select_related("meeting")],
    }
