"""The coordinators' action-plan screens in the Wagtail admin: city bodies, follow-ups (drafts are
edited here; a published follow-up is read-only and corrected by a new one), and links to the coverage
dashboard and the knowledge input. Activities themselves are pages in the page tree."""

from django.contrib import messages
from django.middleware.csrf import get_token
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.ui.tables import Column
from wagtail.admin.views import generic
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from .models import ActivityPage, CityBody, FollowUp


class CityBodyViewSet(SnippetViewSet):
    model = CityBody
    icon = "group"
    menu_label = _("City bodies")
    list_display = ["name_sv", "name_en", "kind"]
    search_fields = ["name_sv", "name_en"]


register_snippet(CityBodyViewSet)


class _RefusePublished:
    def dispatch(self, request, *args, **kwargs):
        obj = FollowUp.objects.filter(pk=kwargs.get("pk")).first()
        if obj is not None and obj.published_at is not None:
            messages.error(request, _("A published follow-up cannot be changed. Make a correction instead."))
            return redirect(reverse("actionplan_followup:index"))
        return super().dispatch(request, *args, **kwargs)


class FollowUpCreateView(generic.CreateView):
    def save_instance(self):
        self.form.instance.created_by = self.request.user
        return super().save_instance()


class FollowUpEditView(_RefusePublished, generic.EditView):
    pass


class FollowUpDeleteView(_RefusePublished, generic.DeleteView):
    pass


class ActionsColumn(Column):
    """Publish (a draft) or correct (a published follow-up), as small POST forms."""

    cell_template_name = "actionplan/admin/actions_cell.html"

    def get_cell_context_data(self, instance, parent_context):
        context = super().get_cell_context_data(instance, parent_context)
        request = parent_context.get("request")
        context.update({"csrf_token": get_token(request) if request else "", "follow_up": instance})
        return context


class FollowUpViewSet(ModelViewSet):
    model = FollowUp
    icon = "list-ol"
    menu_label = _("Follow-ups")
    menu_order = 260
    add_to_admin_menu = True
    add_view_class = FollowUpCreateView
    edit_view_class = FollowUpEditView
    delete_view_class = FollowUpDeleteView
    list_display = [
        Column("activity", label=_("activity")),
        "period",
        Column("state", label=_("state"), accessor=lambda f: _state(f)),
        ActionsColumn("actions", label=_("Actions")),
    ]
    list_filter = ["activity_status"]
    search_fields = ["period", "narrative"]
    ordering = ["-period_end", "-pk"]
    form_fields = None

    def get_queryset(self, request):
        return FollowUp.objects.select_related("activity", "superseded_by")


def _state(follow_up):
    if follow_up.published_at is None:
        return _("draft (correction)") if follow_up.supersedes_id else _("draft")
    superseded = getattr(follow_up, "superseded_by", None)
    if superseded is not None and superseded.published_at:
        return _("corrected")
    return _("published")


followup_viewset = FollowUpViewSet("actionplan_followup")


@hooks.register("register_admin_viewset")
def register_followup_viewset():
    return followup_viewset


@hooks.register("register_admin_menu_item")
def register_dashboard_link():
    return MenuItem(_("Action plan coverage"), reverse("actionplan:dashboard"), icon_name="table", order=265)


@hooks.register("before_delete_page")
def refuse_deleting_linked_activity(request, page):
    """An activity that consultations, agenda items, action items, follow-ups or inputs point at is not
    deleted (the links would be lost): the coordinator sets its status to discontinued instead."""
    specific = page.specific
    if not isinstance(specific, ActivityPage):
        return None
    key = specific.translation_key
    linked = specific.__class__.objects.filter(translation_key=key).filter(models_q_linked()).exists()
    if linked:
        messages.error(
            request,
            _(
                "This activity cannot be deleted: consultations, meetings, follow-ups or knowledge input "
                "point at it. Set its status to discontinued instead."
            ),
        )
        return redirect("wagtailadmin_explore", page.get_parent().pk)
    return None


def models_q_linked():
    from django.db.models import Q

    return (
        Q(consultations__isnull=False)
        | Q(agenda_items__isnull=False)
        | Q(action_items__isnull=False)
        | Q(follow_ups__isnull=False)
        | Q(knowledge_inputs__isnull=False)
    )
