"""A meeting's own page in the coordinators' workspace (inside the Wagtail admin): its steps from planned to
published minutes, invitations and answers, attendance, documents, decisions and action items, and the
actions the state allows, each behind a confirmation. Every change goes through `meetings.services`."""

from __future__ import annotations

from datetime import timedelta

from django import forms
from django.contrib import messages
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from portal.idempotency import run_once
from portal.workspace import WorkspaceView, refusal_messages

from . import selectors, services
from .forms import ActionItemForm, AttendanceForm, CorrectionForm, MinutesForm
from .models import ActionItem, Invitation, Meeting, MeetingDocument, Minutes

STEPS = [
    ("planned", pgettext_lazy("meeting step", "Planned")),
    ("held", pgettext_lazy("meeting step", "Held")),
    ("draft", pgettext_lazy("meeting step", "Minutes drafted")),
    ("review", pgettext_lazy("meeting step", "Minutes out for review")),
    ("approved", pgettext_lazy("meeting step", "Minutes approved")),
    ("published", pgettext_lazy("meeting step", "Minutes published")),
]


def step_of(meeting: Meeting, minutes: Minutes | None) -> str:
    if meeting.state == Meeting.State.PLANNED:
        return "planned"
    if minutes is None:
        return "held"
    if minutes.state == Minutes.State.DRAFT and not (minutes.introduction or minutes.has_content):
        return "held"
    return minutes.state


def stepper(current: str) -> list[dict]:
    keys = [key for key, _label in STEPS]
    index = keys.index(current)
    return [
        {"key": k, "label": label, "state": "done" if i < index else "current" if i == index else "upcoming"}
        for i, (k, label) in enumerate(STEPS)
    ]


ACTIONS_BY_STEP = {
    "planned": ["held", "cancel"],
    "held": ["review"],
    "draft": ["review"],
    "review": ["approve"],
    "approved": ["publish"],
    "published": [],
}


def _minutes(meeting: Meeting) -> Minutes | None:
    try:
        minutes = meeting.minutes
    except Minutes.DoesNotExist:
        return None
    minutes.has_content = bool(minutes.introduction) or minutes.decisions.exists()
    return minutes


class MeetingMixin:
    def load(self):
        self.meeting = get_object_or_404(Meeting, pk=self.kwargs["pk"])
        self.minutes = _minutes(self.meeting)

    def extra_breadcrumbs(self):
        return [{"url": reverse("meetings_admin:index"), "label": _("Meetings")}]

    def step(self) -> str:
        if self.meeting.state == Meeting.State.CANCELLED:
            return "cancelled"
        return step_of(self.meeting, self.minutes)


class MeetingWorkspaceView(MeetingMixin, WorkspaceView):
    template_name = "workspace/meeting.html"

    def get_page_title(self):
        return self.meeting.title

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        meeting, minutes = self.meeting, self.minutes
        current = self.step()
        invitations = list(
            Invitation.objects.filter(meeting=meeting)
            .select_related("organisation")
            .prefetch_related("attendees")
            .order_by("organisation__name")
        )
        context.update(
            {
                "meeting": meeting,
                "minutes": minutes,
                "content_type_id": ContentType.objects.get_for_model(Meeting).pk,
                "step": current,
                "steps": stepper(current) if current != "cancelled" else [],
                "actions": ACTIONS_BY_STEP.get(current, []),
                "attendance_open": current in ATTENDANCE_STEPS,
                "minutes_editable": minutes is not None and current in MINUTES_STEPS,
                "invitations": invitations,
                "answered": sum(1 for i in invitations if i.answer != Invitation.Answer.NONE),
                "attendances": list(meeting.attendances.select_related("user", "organisation")),
                "documents": list(meeting.meeting_documents.select_related("document")),
                "decisions": list(minutes.decisions.select_related("agenda_item")) if minutes else [],
                "action_items": list(
                    ActionItem.objects.filter(minutes=minutes).select_related(
                        "responsible_organisation", "responsible_person"
                    )
                )
                if minutes
                else [],
            }
        )
        return context


class CancelForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("Reason (the invited see it)"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class ReviewForm(forms.Form):
    days = forms.IntegerField(label=gettext_lazy("Days for review"), min_value=1, max_value=60, initial=7)


class PublishForm(forms.Form):
    audience = forms.ChoiceField(
        label=gettext_lazy("Who may read the minutes"),
        choices=Minutes.Audience.choices,
        widget=forms.RadioSelect,
        initial=Minutes.Audience.MEMBERS,
    )


class MeetingActionView(MeetingMixin, WorkspaceView):
    template_name = "workspace/meeting_confirm.html"
    action = ""
    title = ""
    button_label = ""
    form_class = None
    danger = False

    def get_page_title(self):
        return str(self.title)

    def workspace_url(self):
        return reverse("workspace_meeting", args=[self.meeting.pk])

    def extra_breadcrumbs(self):
        return [*super().extra_breadcrumbs(), {"url": self.workspace_url(), "label": self.meeting.title}]

    def allowed(self):
        return self.action in ACTIONS_BY_STEP.get(self.step(), [])

    def get(self, request, *args, **kwargs):
        if not self.allowed():
            messages.error(request, _("This step is not possible now."))
            return redirect(self.workspace_url())
        form = self.form_class() if self.form_class else None
        return self.render_to_response(self.get_context_data(form=form))

    def post(self, request, *args, **kwargs):
        form = self.form_class(request.POST) if self.form_class else None
        if form is not None and not form.is_valid():
            return self.render_to_response(self.get_context_data(form=form), status=400)
        try:
            message = self.perform(form.cleaned_data if form else {})
        except (ValidationError, PermissionDenied) as exc:
            refusal_messages(request, exc)
        else:
            messages.success(request, message)
        return redirect(self.workspace_url())

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            {
                "meeting": self.meeting,
                "title": self.title,
                "button_label": self.button_label,
                "danger": self.danger,
                "cancel_url": self.workspace_url(),
                **self.consequences(),
            }
        )
        return context

    def invited_count(self) -> int:
        return Invitation.objects.filter(meeting=self.meeting).count()


class HeldView(MeetingActionView):
    action = "held"
    title = gettext_lazy("Mark the meeting as held")
    button_label = gettext_lazy("Mark as held")

    def consequences(self):
        return {
            "what": _("The meeting is recorded as held, and its minutes can be written."),
            "who": _("Nobody is told."),
        }

    def perform(self, data):
        services.meeting_mark_held(actor=self.request.user, meeting=self.meeting)
        return _("The meeting is marked as held. Write the minutes next.")


class CancelView(MeetingActionView):
    action = "cancel"
    title = gettext_lazy("Cancel the meeting")
    button_label = gettext_lazy("Cancel the meeting")
    form_class = CancelForm
    danger = True

    def consequences(self):
        return {
            "what": _(
                "The meeting stays on the site and in the calendar feeds, marked cancelled, with the reason."
            ),
            "who": _("The members of the %(n)s invited organisations are told.")
            % {"n": self.invited_count()},
        }

    def perform(self, data):
        services.meeting_cancel(actor=self.request.user, meeting=self.meeting, reason=data["reason"])
        return _("The meeting is cancelled and the invited are told.")


class ReviewView(MeetingActionView):
    action = "review"
    title = gettext_lazy("Send the minutes for review")
    button_label = gettext_lazy("Send for review")
    form_class = ReviewForm

    def consequences(self):
        return {
            "what": _(
                "The attendees can comment on the minutes until the deadline. You can still edit them."
            ),
            "who": _("Those recorded as attending are told."),
        }

    def perform(self, data):
        minutes = self.minutes or services.minutes_start(actor=self.request.user, meeting=self.meeting)
        services.minutes_send_for_review(actor=self.request.user, minutes=minutes, days=data["days"])
        return _("The minutes are out for review.")


class ApproveView(MeetingActionView):
    action = "approve"
    title = gettext_lazy("Approve the minutes")
    button_label = gettext_lazy("Approve")

    def consequences(self):
        return {
            "what": _(
                "The minutes can no longer be changed; they get a SHA-256 checksum. Later corrections are "
                "added beside them."
            ),
            "who": _("Nobody is told until you publish them."),
        }

    def perform(self, data):
        services.minutes_approve(actor=self.request.user, minutes=self.minutes)
        return _("The minutes are approved.")


class PublishView(MeetingActionView):
    action = "publish"
    title = gettext_lazy("Publish the minutes")
    button_label = gettext_lazy("Publish the minutes")
    form_class = PublishForm

    def consequences(self):
        return {
            "what": _("The minutes are shown on the meeting's page to the readers you choose."),
            "who": _(
                "The members of the invited organisations are told, and those responsible for open action "
                "items."
            ),
        }

    def perform(self, data):
        services.minutes_publish(actor=self.request.user, minutes=self.minutes, audience=data["audience"])
        return _("The minutes are published.")


# --- Attendance, minutes, action items and documents: pages of their own, linked from the meeting's ------


# Steps in which attendance can be recorded (the service refuses it once the minutes are approved).
ATTENDANCE_STEPS = ("planned", "held", "draft", "review")
# Steps in which the minutes' text and action items can be changed.
MINUTES_STEPS = ("held", "draft", "review")


class MeetingFormPageView(MeetingMixin, WorkspaceView):
    """A workspace page with forms about one meeting. Every POST carries a one-off key (`run_once`), so a
    form sent twice stores once; refusals of the services come back as messages in the user's language."""

    def workspace_url(self):
        return reverse("workspace_meeting", args=[self.meeting.pk])

    def extra_breadcrumbs(self):
        return [*super().extra_breadcrumbs(), {"url": self.workspace_url(), "label": self.meeting.title}]

    def get_page_title(self):
        return str(self.title)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update({"meeting": self.meeting, "minutes": self.minutes, "step": self.step()})
        return context

    def post(self, request, *args, **kwargs):
        return run_once(request, lambda: self.handle_post(request))

    def refused(self, exc, to: str):
        refusal_messages(self.request, exc)
        return redirect(to)


class AttendanceView(MeetingFormPageView):
    template_name = "workspace/meeting_attendance.html"
    title = gettext_lazy("Record attendance")

    def form(self, data=None):
        recorded = list(self.meeting.attendances.all())
        initial = {
            "organisations": [a.organisation_id for a in recorded if a.organisation_id and not a.user_id],
            "people": [a.user_id for a in recorded if a.user_id],
            "names": "\n".join(a.name for a in recorded if a.name),
        }
        if not recorded:
            attending = self.meeting.invitations.filter(answer=Invitation.Answer.ATTENDING)
            initial["organisations"] = list(attending.values_list("organisation_id", flat=True))
            initial["people"] = list(attending.exclude(attendees=None).values_list("attendees", flat=True))
        return AttendanceForm(data, meeting=self.meeting, initial=initial)

    def get(self, request, *args, **kwargs):
        if self.step() not in ATTENDANCE_STEPS:
            messages.error(request, _("Attendance cannot change after the minutes are approved."))
            return redirect(self.workspace_url())
        return self.render_to_response(self.get_context_data(form=self.form()))

    def handle_post(self, request):
        form = self.form(request.POST)
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(form=form), status=400)
        try:
            services.attendance_record(
                actor=request.user,
                meeting=self.meeting,
                organisations=form.cleaned_data["organisations"],
                people=form.cleaned_data["people"],
                names=form.cleaned_data["names"],
            )
        except (ValidationError, PermissionDenied) as exc:
            return self.refused(exc, self.workspace_url())
        messages.success(request, _("The attendance is recorded."))
        return redirect(self.workspace_url())


class MinutesView(MeetingFormPageView):
    """The text of the minutes (general notes, a note and a decision per agenda item), the action items,
    the attendees' review comments and, once approved, corrections."""

    template_name = "workspace/meeting_minutes.html"
    title = gettext_lazy("Minutes, decisions and action items")

    def page_url(self, anchor=""):
        return reverse("workspace_meeting_minutes", args=[self.meeting.pk]) + anchor

    def load(self):
        super().load()
        if self.minutes is None and self.meeting.state == Meeting.State.HELD:
            # A meeting marked held before minutes were started with it (older data): start them now.
            self.minutes = services.minutes_start(actor=self.request.user, meeting=self.meeting)

    def forms(self, data=None, which=""):
        minutes = self.minutes
        self.content = selectors.minutes_content(minutes)  # read once: the agenda rows and the lists share it
        agenda = selectors.agenda_with_minutes(
            self.meeting, minutes, members_only=True, viewer=self.request.user, content=self.content
        )
        return {
            "form": MinutesForm(data if which == "save_minutes" else None, minutes=minutes, agenda=agenda),
            "action_form": ActionItemForm(
                data if which == "add_action_item" else None, meeting=self.meeting, prefix="action"
            ),
            "correction_form": CorrectionForm(data if which == "correction" else None),
        }

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        content = self.content
        context.update(
            {
                "action_items": content["action_items"],
                "corrections": content["corrections"],
                "comments": list(
                    self.minutes.comments.select_related("author", "organisation", "agenda_item")
                ),
                "editable": self.step() in MINUTES_STEPS,
            }
        )
        return context

    def get(self, request, *args, **kwargs):
        if self.minutes is None:
            messages.error(request, _("Minutes are written once the meeting has been held."))
            return redirect(self.workspace_url())
        return self.render_to_response(self.get_context_data(**self.forms()))

    def handle_post(self, request):
        if self.minutes is None:
            messages.error(request, _("Minutes are written once the meeting has been held."))
            return redirect(self.workspace_url())
        which = next(
            (name for name in ("save_minutes", "add_action_item", "correction") if name in request.POST), ""
        )
        forms_ = self.forms(request.POST, which)
        form = forms_.get(
            {"save_minutes": "form", "add_action_item": "action_form"}.get(which, "correction_form")
        )
        if not which or not form.is_valid():
            return self.render_to_response(self.get_context_data(**forms_), status=400)
        data = form.cleaned_data
        try:
            if which == "save_minutes":
                services.minutes_update(
                    actor=request.user,
                    minutes=self.minutes,
                    introduction=data["introduction"],
                    notes=form.notes(),
                    decisions=form.decisions(),
                )
                messages.success(
                    request, _("The minutes are saved. Nobody is told until you send them for review.")
                )
                return redirect(self.page_url())
            if which == "add_action_item":
                services.action_item_create(actor=request.user, minutes=self.minutes, **data)
                messages.success(
                    request,
                    _("The action item is added. Those responsible are told when the minutes are published."),
                )
                return redirect(self.page_url("#action-items"))
            services.minutes_add_correction(actor=request.user, minutes=self.minutes, text=data["text"])
            messages.success(request, _("The correction is added beside the approved minutes."))
            return redirect(self.page_url("#corrections"))
        except (ValidationError, PermissionDenied) as exc:
            return self.refused(exc, self.page_url())


class DocumentForm(forms.Form):
    title = forms.CharField(label=gettext_lazy("Title"), max_length=255, required=False)
    file = forms.FileField(
        label=gettext_lazy("File"),
        help_text=gettext_lazy("PDF, Word, OpenDocument, Excel, PowerPoint, text or CSV."),
    )
    members_only = forms.BooleanField(
        label=gettext_lazy("Members only"),
        help_text=gettext_lazy(
            "Shown and served only to members of the invited organisations and to coordinators. "
            "Leave unticked for a document that anyone who sees the meeting may read."
        ),
        required=False,
        initial=True,
    )


class DocumentsView(MeetingFormPageView):
    template_name = "workspace/meeting_documents.html"
    title = gettext_lazy("Documents of the meeting")

    def page_url(self):
        return reverse("workspace_meeting_documents", args=[self.meeting.pk])

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["links"] = list(
            MeetingDocument.objects.filter(meeting=self.meeting)
            .select_related("document")
            .order_by("sort_order", "pk")
        )
        context.setdefault("form", DocumentForm())
        return context

    def get(self, request, *args, **kwargs):
        return self.render_to_response(self.get_context_data())

    def handle_post(self, request):
        if "mark" in request.POST:
            link = get_object_or_404(MeetingDocument, pk=_int(request.POST.get("link")), meeting=self.meeting)
            members_only = request.POST["mark"] == "members"
            try:
                services.meeting_document_set_members_only(
                    actor=request.user, link=link, members_only=members_only
                )
            except (ValidationError, PermissionDenied) as exc:
                return self.refused(exc, self.page_url())
            messages.success(
                request,
                _("“%(title)s” is now for members only.") % {"title": link.document.title}
                if members_only
                else _("“%(title)s” is now open to all who see the meeting.")
                % {"title": link.document.title},
            )
            return redirect(self.page_url())
        form = DocumentForm(request.POST, request.FILES)
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(form=form), status=400)
        try:
            link = services.meeting_document_add(
                actor=request.user,
                meeting=self.meeting,
                title=form.cleaned_data["title"],
                file=form.cleaned_data["file"],
                members_only=form.cleaned_data["members_only"],
            )
        except (ValidationError, PermissionDenied) as exc:
            if isinstance(exc, ValidationError) and hasattr(exc, "error_dict"):
                for field, errors in exc.error_dict.items():
                    form.add_error(field if field in form.fields else None, errors)
                return self.render_to_response(self.get_context_data(form=form), status=400)
            return self.refused(exc, self.page_url())
        messages.success(
            request,
            _("“%(title)s” is on the meeting's page, for members only. Nobody is told.")
            % {"title": link.document.title}
            if link.members_only
            else _("“%(title)s” is on the meeting's page. Nobody is told.") % {"title": link.document.title},
        )
        return redirect(self.page_url())


def _int(value) -> int:
    return int(value) if str(value or "").isdigit() else 0


class RemoveView(MeetingActionView):
    """Taking something off the meeting, behind a confirmation. Sent twice, the second finds it gone and
    just goes back."""

    danger = True

    def load(self):
        super().load()
        self.target = self.find()

    def get(self, request, *args, **kwargs):
        if self.target is None:
            return redirect(self.workspace_url())
        return super().get(request, *args, **kwargs)

    def post(self, request, *args, **kwargs):
        if self.target is None:
            return redirect(self.workspace_url())
        return super().post(request, *args, **kwargs)


class RemoveActionItemView(RemoveView):
    action = "remove_action_item"
    title = gettext_lazy("Remove the action item")
    button_label = gettext_lazy("Remove the action item")

    def find(self):
        return ActionItem.objects.filter(pk=self.kwargs["item"], minutes__meeting=self.meeting).first()

    def allowed(self):
        return self.step() in MINUTES_STEPS

    def workspace_url(self):
        return reverse("workspace_meeting_minutes", args=[self.meeting.pk]) + "#action-items"

    def consequences(self):
        return {
            "what": _("The action item “%(item)s” is taken out of the minutes.")
            % {"item": self.target.description[:120]},
            "who": _("Nobody is told."),
        }

    def perform(self, data):
        services.action_item_delete(actor=self.request.user, item=self.target)
        return _("The action item is removed.")


class RemoveDocumentView(RemoveView):
    action = "remove_document"
    title = gettext_lazy("Take the document off the meeting's page")
    button_label = gettext_lazy("Take it off")

    def find(self):
        return (
            MeetingDocument.objects.select_related("document")
            .filter(pk=self.kwargs["link"], meeting=self.meeting)
            .first()
        )

    def allowed(self):
        return True

    def workspace_url(self):
        return reverse("workspace_meeting_documents", args=[self.meeting.pk])

    def consequences(self):
        return {
            "what": _("“%(title)s” is no longer shown on the meeting's page. The file stays in the library.")
            % {"title": self.target.document.title},
            "who": _("Nobody is told."),
        }

    def perform(self, data):
        services.meeting_document_remove(actor=self.request.user, link=self.target)
        return _("The document is off the meeting's page.")


ACTION_VIEWS = {
    "held": HeldView,
    "cancel": CancelView,
    "review": ReviewView,
    "approve": ApproveView,
    "publish": PublishView,
}

# Pages with their own address under the meeting: (path, view, URL name suffix).
PAGE_VIEWS = [
    ("attendance/", AttendanceView, "attendance"),
    ("minutes/", MinutesView, "minutes"),
    ("minutes/action-items/<int:item>/remove/", RemoveActionItemView, "remove_action_item"),
    ("documents/", DocumentsView, "documents"),
    ("documents/<int:link>/remove/", RemoveDocumentView, "remove_document"),
]


def workspace_section(request) -> dict:
    now = timezone.now()
    meetings = list(
        Meeting.objects.filter(start__gte=now - timedelta(days=60))
        .exclude(state=Meeting.State.CANCELLED)
        .prefetch_related(Prefetch("minutes"))
        .order_by("start")[:20]
    )
    labels = dict(STEPS)
    items = []
    for meeting in meetings:
        minutes = getattr(meeting, "minutes", None) if hasattr(meeting, "minutes") else None
        items.append(
            {
                "label": meeting.title,
                "url": reverse("workspace_meeting", args=[meeting.pk]),
                "note": f"{date_format(timezone.localtime(meeting.start), 'j F Y')} · "
                f"{labels[_step_light(meeting, minutes)]}",
            }
        )
    return {
        "title": _("Meetings"),
        "actions": [{"label": _("New meeting"), "url": reverse("meetings_admin:add")}],
        "items": items,
        "empty": _("No meetings in the last two months or coming."),
    }


def _step_light(meeting, minutes) -> str:
    if meeting.state == Meeting.State.PLANNED:
        return "planned"
    if minutes is None or minutes.state == Minutes.State.DRAFT:
        return "held"
    return minutes.state
