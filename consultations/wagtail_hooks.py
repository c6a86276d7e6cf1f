"""The coordinators' admin screens for consultations: write the draft text in sections with guiding
questions and background documents, preview it, and record a new version when an open consultation's text
changes. Publishing, moderation, the outcome and exports live in the coordinators' workspace
(workspace.py)."""

from django import forms
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.menu import MenuItem
from wagtail.admin.panels import (
    FieldPanel,
    FieldRowPanel,
    InlinePanel,
    MultiFieldPanel,
    ObjectList,
    TabbedInterface,
)
from wagtail.admin.ui.tables import Column
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from portal.widgets import LongCheckboxSelectMultiple, read_choices_as_rows

from .models import Comment, Consultation
from .urls import RESERVED_SLUGS


class ConsultationAdminForm(WagtailAdminModelForm):
    change_note = forms.CharField(
        label=_("Change note"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_(
            "Required when you change the text of an open consultation: readers see it with the new version."
        ),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        invited = self.fields.get("invited_organisations")
        if invited is not None:
            # A thousand organisations: their names as rows, not model instances (built twice per page).
            read_choices_as_rows(invited, label_fields=("name",), label_from_row=str)

    def clean_slug(self):
        slug = self.cleaned_data["slug"]
        if slug in RESERVED_SLUGS:
            raise forms.ValidationError(_("This slug is reserved. Choose another."))
        return slug

    def clean(self):
        cleaned = super().clean()
        instance = self.instance
        sections = self.formsets.get("sections")
        if sections is not None:
            for form in sections.deleted_forms:
                section = form.instance
                if section.pk and Comment.objects.filter(section=section).exists():
                    self.add_error(
                        None,
                        _(
                            "The section “%(heading)s” has comments and cannot be removed. "
                            "Change its text instead."
                        )
                        % {"heading": section.heading},
                    )
        if (
            instance.pk
            and instance.published_at
            and instance.has_opened
            and not cleaned.get("change_note", "").strip()
        ):
            if self._text_changed():
                self.add_error("change_note", _("Describe what changed: the consultation is open."))
        return cleaned

    def _text_changed(self) -> bool:
        if "title" in self.changed_data:
            return True
        sections = self.formsets.get("sections")
        if sections is None:
            return False
        return bool(sections.deleted_forms) or any(
            f.has_changed() for f in sections.forms if f not in sections.deleted_forms
        )

    def save(self, commit=True):
        from . import services

        instance = super().save(commit=commit)
        if commit and instance.published_at:
            services.consultation_record_edit(
                consultation=instance,
                actor=self.for_user,
                change_note=self.cleaned_data.get("change_note", ""),
            )
        return instance


class ConsultationViewSet(SnippetViewSet):
    model = Consultation
    icon = "comment"
    menu_label = _("Consultations")
    menu_order = 210
    add_to_admin_menu = True
    list_display = [
        "title",
        Column("status", label=_("Status"), accessor=lambda obj: obj.get_status_display()),
        "opens_at",
        "closes_at",
    ]
    list_filter = ["development_area"]
    search_fields = ["title", "summary", "reference_number"]
    ordering = ["-opens_at"]

    panels = None

    def get_edit_handler(self):
        content = ObjectList(
            [
                FieldPanel("title"),
                FieldPanel("slug"),
                FieldPanel("summary"),
                FieldPanel("easy_read_summary"),
                InlinePanel(
                    "sections", heading=_("Sections of the draft text"), label=_("Section"), min_num=1
                ),
                FieldPanel("change_note"),
            ],
            heading=_("Text"),
        )
        questions = ObjectList(
            [
                InlinePanel("questions", heading=_("Guiding questions"), label=_("Question")),
                InlinePanel("documents", heading=_("Background documents"), label=_("Document")),
            ],
            heading=_("Questions and documents"),
        )
        details = ObjectList(
            [
                FieldRowPanel(
                    [FieldPanel("opens_at"), FieldPanel("closes_at")], heading=_("Consultation period")
                ),
                FieldPanel("development_area"),
                FieldPanel("activity"),
                FieldPanel("focus_areas", widget=forms.CheckboxSelectMultiple),
                MultiFieldPanel(
                    [
                        FieldPanel("audience"),
                        FieldPanel("invited_organisations", widget=LongCheckboxSelectMultiple),
                    ],
                    heading=_("Audience"),
                ),
                FieldPanel("responses_visibility"),
                MultiFieldPanel(
                    [
                        FieldPanel("reference_number"),
                        FieldPanel("coordinator"),
                        FieldPanel("contact_name"),
                        FieldPanel("contact_email"),
                    ],
                    heading=_("Responsibility and contact"),
                ),
            ],
            heading=_("Details"),
        )
        return TabbedInterface(
            [content, questions, details], base_form_class=ConsultationAdminForm
        ).bind_to_model(self.model)


register_snippet(ConsultationViewSet)


@hooks.register("register_admin_menu_item")
def register_portal_coordinator_link():
    return MenuItem(
        _("Consultations: coordination"),
        reverse("workspace_consultations"),
        icon_name="tasks",
        order=211,
    )


# --- The coordinators' workspace (see portal/workspace.py for why it lives in the admin) ----------------


@hooks.register("register_admin_urls")
def register_workspace_urls():
    from django.urls import path

    from . import workspace

    urls = [
        path(
            "workspace/consultations/",
            workspace.ConsultationIndexView.as_view(),
            name="workspace_consultations",
        ),
        path(
            "workspace/consultations/new/",
            workspace.CreateView.as_view(),
            name="workspace_consultation_create",
        ),
        path(
            "workspace/consultations/<int:pk>/",
            workspace.ConsultationWorkspaceView.as_view(),
            name="workspace_consultation",
        ),
        path(
            "workspace/consultations/<int:pk>/preview/",
            workspace.PreviewView.as_view(),
            name="workspace_consultation_preview",
        ),
        path(
            "workspace/consultations/<int:pk>/outcome/",
            workspace.OutcomeView.as_view(),
            name="workspace_consultation_outcome",
        ),
        path(
            "workspace/consultations/<int:pk>/comments/<int:comment>/hide/",
            workspace.ModerateView.as_view(),
            name="workspace_consultation_hide",
        ),
        path(
            "workspace/consultations/<int:pk>/comments/<int:comment>/keep/",
            workspace.DismissReportsView.as_view(),
            name="workspace_consultation_dismiss",
        ),
        path(
            "workspace/consultations/exports/<int:pk>/download/",
            workspace.ExportDownloadView.as_view(),
            name="workspace_consultation_export_download",
        ),
    ]
    for slug, view in workspace.ACTION_VIEWS.items():
        urls.append(
            path(
                f"workspace/consultations/<int:pk>/{slug}/",
                view.as_view(),
                name=f"workspace_consultation_{view.action}",
            )
        )
    return urls


@hooks.register("register_workspace_section")
def consultations_workspace_section(request):
    from .workspace import workspace_section

    return workspace_section(request)


@hooks.register("register_audit_sentences")
def consultations_audit_sentences():
    return {
        "sentences": {
            "consultations.publish": _("%(actor)s published the consultation “%(object)s”"),
            "consultations.new_version": _("%(actor)s changed the text of “%(object)s”"),
            "consultations.close_early": _("%(actor)s closed the consultation “%(object)s” early"),
            "consultations.extend": _("%(actor)s gave more time for the consultation “%(object)s”"),
            "consultations.remind": _("%(actor)s reminded those who had not answered “%(object)s”"),
            "consultations.archive": _("%(actor)s archived the consultation “%(object)s”"),
            "consultations.outcome_save": _("%(actor)s saved the outcome of “%(object)s”"),
            "consultations.outcome_publish": _("%(actor)s published the outcome of “%(object)s”"),
            "consultations.export": _("%(actor)s exported “%(object)s”"),
            "consultations.comment_hide": _("%(actor)s hid a comment (%(object)s)"),
            "consultations.comment_restore": _("%(actor)s showed a hidden comment again (%(object)s)"),
            "consultations.reports_dismiss": _("%(actor)s dismissed the reports on a comment (%(object)s)"),
        }
    }
