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

from portal.workspace import WorkspaceView, refusal_messages

from . import services
from .models import ActionItem, Invitation, Meeting, Minutes

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


ACTION_VIEWS = {
    "held": HeldView,
    "cancel": CancelView,
    "review": ReviewView,
    "approve": ApproveView,
    "publish": PublishView,
}


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
