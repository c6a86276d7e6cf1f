"""A consultation's own page in the coordinators' workspace (inside the Wagtail admin): its lifecycle as a
stepper, the actions its state allows (each behind a confirmation that says what happens and who is told),
the invited organisations and what each has done, reminders, moderation, the outcome and exports.

Every change goes through `consultations.services`; these views only load, check, confirm and call."""

from __future__ import annotations

from datetime import datetime, timedelta

from django import forms
from django.contrib import messages
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Exists, Max, Min, OuterRef, Prefetch, Q, Subquery
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext, pgettext_lazy

from notifications.models import Outbox
from organisations.models import Organisation
from portal.workspace import WorkspaceView, new_token, refusal_messages

from . import notifications, services
from .forms import OutcomeForm
from .models import (
    REASON_MAX_LENGTH,
    Comment,
    CommentReport,
    Consultation,
    Export,
    Response,
    ResponseVersion,
    Section,
    coordinator_choices,
)
from .urls import RESERVED_SLUGS

STEPS = [
    ("draft", pgettext_lazy("consultation step", "Draft")),
    ("scheduled", pgettext_lazy("consultation step", "Scheduled")),
    ("open", pgettext_lazy("consultation step", "Open")),
    ("closed", pgettext_lazy("consultation step", "Closed")),
    ("concluded", pgettext_lazy("consultation step", "Outcome published")),
    ("archived", pgettext_lazy("consultation step", "Archived")),
]


def step_of(consultation: Consultation) -> str:
    if consultation.archived_at is not None:
        return "archived"
    return consultation.status


def stepper(current: str) -> list[dict]:
    keys = [key for key, _label in STEPS]
    index = keys.index(current)
    return [
        {
            "key": key,
            "label": label,
            "state": "done" if i < index else "current" if i == index else "upcoming",
        }
        for i, (key, label) in enumerate(STEPS)
    ]


# What each state allows. The services refuse the rest anyway; this only decides which buttons show.
ACTIONS_BY_STEP = {
    "draft": ["publish"],
    "scheduled": ["extend"],
    "open": ["remind", "close", "extend", "export"],
    "closed": ["outcome", "outcome_publish", "export"],
    "concluded": ["archive", "export"],
    "archived": ["export"],
}


def audience(consultation: Consultation):
    """The approved organisations the consultation is for, in one query."""
    organisations = Organisation.objects.approved()
    if consultation.audience == Consultation.Audience.CHOSEN:
        organisations = organisations.filter(
            pk__in=Consultation.invited_organisations.through.objects.filter(
                consultation_id=consultation.pk
            ).values("organisation_id")
        )
    return organisations


def organisation_rows(consultation: Consultation) -> list[Organisation]:
    """Each organisation in the audience with what it has done: comments (how many, the latest), a draft
    response started, the first submission. One query whatever the number of organisations."""
    comments = Comment.objects.filter(
        consultation=consultation, organisation=OuterRef("pk"), deleted_at__isnull=True
    )
    responses = Response.objects.filter(consultation=consultation, organisation=OuterRef("pk"))
    submitted = ResponseVersion.objects.filter(
        response__consultation=consultation, response__organisation=OuterRef("pk")
    )
    return list(
        audience(consultation)
        .annotate(
            comment_count=Subquery(
                comments.order_by().values("organisation").annotate(n=Count("pk")).values("n")[:1]
            ),
            last_comment_at=Subquery(
                comments.order_by().values("organisation").annotate(m=Max("created")).values("m")[:1]
            ),
            draft_started=Exists(responses.filter(revision__gt=0)),
            submitted_at=Subquery(
                submitted.order_by().values("response").annotate(m=Min("submitted_at")).values("m")[:1]
            ),
        )
        .order_by("name")
        .only("pk", "name")
    )


def describe_rows(rows: list[Organisation]) -> list[Organisation]:
    """What each row of organisation_rows has done, as the table's two sentences. Written here rather
    than in the template: an audience of every approved organisation is a thousand rows, and a
    blocktranslate with a date filter per cell cost the page a third of its time."""

    def when(value: datetime) -> str:
        return date_format(timezone.localtime(value), "j F Y H:i")

    none, not_answered, draft = _("None"), _("Not answered yet"), _("Draft started, not submitted")
    for row in rows:
        row.comments_text = (
            ngettext("%(n)s comment, latest %(when)s", "%(n)s comments, latest %(when)s", row.comment_count)
            % {"n": row.comment_count, "when": when(row.last_comment_at)}
            if row.comment_count
            else none
        )
        if row.submitted_at:
            row.response_text = _("Submitted %(when)s") % {"when": when(row.submitted_at)}
        else:
            row.response_text = draft if row.draft_started else not_answered
    return rows


def reminders_sent(consultation: Consultation) -> list[dict]:
    """Reminders already sent to organisations that had not answered: automatic and "remind now"."""
    rows = Outbox.objects.filter(
        event=notifications.CLOSING_SOON,
        content_type__app_label="consultations",
        content_type__model="consultation",
        object_id=str(consultation.pk),
    ).order_by("-created_at")[:50]
    return [
        {
            "when": row.created_at,
            "manual": row.dedupe_key.startswith("now-"),
            "recipients": len(row.recipient_ids or []),
        }
        for row in rows
    ]


def audience_counts(consultation: Consultation) -> dict:
    organisations = audience(consultation)
    unanswered = organisations.exclude(
        pk__in=Response.objects.filter(consultation=consultation, versions__isnull=False).values(
            "organisation_id"
        )
    )
    return {
        "organisations": organisations.count(),
        "members": notifications.audience_members(consultation).count(),
        "unanswered": unanswered.count(),
    }


class ConsultationMixin:
    def get_consultation(self) -> Consultation:
        return get_object_or_404(
            Consultation.objects.select_related("coordinator", "outcome"), pk=self.kwargs["pk"]
        )

    def extra_breadcrumbs(self):
        return [{"url": reverse("workspace_consultations"), "label": _("Consultations")}]


class ConsultationIndexView(WorkspaceView):
    template_name = "workspace/consultation_index.html"
    page_title = gettext_lazy("Consultations")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        open_reports = (
            CommentReport.objects.filter(comment__consultation=OuterRef("pk"), resolved_at__isnull=True)
            .order_by()
            .values("comment__consultation")
            .annotate(n=Count("pk"))
            .values("n")
        )
        rows = list(
            Consultation.objects.select_related("coordinator")
            .annotate(open_reports=Subquery(open_reports))
            .order_by("-created", "-pk")[:100]
        )
        labels = dict(STEPS)
        context["rows"] = [{"consultation": c, "step": labels[step_of(c)]} for c in rows]
        return context


class ExportDownloadView(WorkspaceView):
    """A finished export's file (only coordinators; an export not ready, or failed, is a 404). The links in
    the "export ready" e-mails go through the old /samraden/samordning/export/<id>/ladda-ner/ address,
    which redirects here."""

    def load(self):
        self.export = get_object_or_404(
            Export.objects.select_related("consultation"), pk=self.kwargs["pk"], status=Export.Status.DONE
        )

    def get(self, request, *args, **kwargs):
        from portal.private_media import serve_private_file

        from .exports import export_filename

        return serve_private_file(request, self.export.file, filename=export_filename(self.export))


class ConsultationWorkspaceView(ConsultationMixin, WorkspaceView):
    template_name = "workspace/consultation.html"

    def get_page_title(self):
        return self.consultation.title

    def load(self):
        self.consultation = self.get_consultation()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        consultation = self.consultation
        current = step_of(consultation)
        rows = describe_rows(organisation_rows(consultation))
        outcome = getattr(consultation, "outcome", None) if hasattr(consultation, "outcome") else None
        context.update(
            {
                "consultation": consultation,
                "step": current,
                "steps": stepper(current),
                "actions": ACTIONS_BY_STEP[current],
                "organisations": rows,
                "answered": sum(1 for r in rows if r.submitted_at),
                "not_answered": [r for r in rows if not r.submitted_at],
                "reminders": reminders_sent(consultation),
                "comments": list(
                    consultation.comments.filter(deleted_at__isnull=True)
                    .select_related("organisation", "author", "section")
                    .annotate(open_reports=Count("reports", filter=Q(reports__resolved_at__isnull=True)))
                    .prefetch_related(
                        Prefetch(
                            "reports",
                            queryset=CommentReport.objects.filter(resolved_at__isnull=True).order_by("pk"),
                            to_attr="open_report_rows",
                        )
                    )
                    .order_by("-open_reports", "-created")[:30]
                ),
                "exports": list(consultation.exports.order_by("-created")[:5]),
                "export_kinds": Export.Kind.choices,
                "outcome": outcome,
                "section_count": consultation.sections.count(),
                "now": timezone.now(),
                "content_type_id": ContentType.objects.get_for_model(Consultation).pk,
            }
        )
        return context


class PreviewView(ConsultationMixin, WorkspaceView):
    """The consultation's public page as organisations will see it (without comments), in any state."""

    def load(self):
        self.consultation = self.get_consultation()

    def get(self, request, *args, **kwargs):
        return self.consultation.serve_preview(request, self.consultation.default_preview_mode)


# --- Actions: a confirmation page (GET) and the change (POST) ----------


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("Reason (participants see it)"),
        max_length=REASON_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    seen_closes_at = forms.DateTimeField(widget=forms.HiddenInput)


class ExtendForm(ReasonForm):
    closes_at = forms.DateTimeField(
        label=gettext_lazy("New closing time"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )
    field_order = ["closes_at", "reason", "seen_closes_at"]


class TokenForm(forms.Form):
    token = forms.CharField(widget=forms.HiddenInput, max_length=40)


class ActionView(ConsultationMixin, WorkspaceView):
    """One action on one consultation: GET shows what will happen and who will be told; POST does it."""

    template_name = "workspace/consultation_confirm.html"
    action = ""
    form_class = None
    button_label = ""
    danger = False

    def get_page_title(self):
        return str(self.title)

    def extra_breadcrumbs(self):
        return [
            *super().extra_breadcrumbs(),
            {"url": self.workspace_url(), "label": self.consultation.title},
        ]

    def workspace_url(self):
        return reverse("workspace_consultation", args=[self.consultation.pk])

    def load(self):
        self.consultation = self.get_consultation()

    def allowed(self) -> bool:
        return self.action in ACTIONS_BY_STEP[step_of(self.consultation)]

    def get(self, request, *args, **kwargs):
        if not self.allowed():
            messages.error(
                request,
                _("This step is not possible now: the consultation is %(state)s.")
                % {"state": dict(STEPS)[step_of(self.consultation)].lower()},
            )
            return redirect(self.workspace_url())
        return self.render_to_response(self.get_context_data(form=self.make_form()))

    def initial(self) -> dict:
        return {}

    def make_form(self, data=None):
        if self.form_class is None:
            return None
        return self.form_class(data, initial=self.initial())

    def post(self, request, *args, **kwargs):
        form = self.make_form(request.POST)
        if form is not None and not form.is_valid():
            return self.render_to_response(self.get_context_data(form=form), status=400)
        try:
            message = self.perform(form.cleaned_data if form is not None else {})
        except (ValidationError, PermissionDenied) as exc:
            refusal_messages(request, exc)
            return redirect(self.workspace_url())
        if message:
            messages.success(request, message)
        return redirect(self.workspace_url())

    def perform(self, data: dict) -> str:
        raise NotImplementedError

    def consequences(self) -> dict:
        """{"what": text, "who": text} for the confirmation page."""
        return {}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            {
                "consultation": self.consultation,
                "title": self.title,
                "button_label": self.button_label,
                "danger": self.danger,
                "cancel_url": self.workspace_url(),
                **self.consequences(),
            }
        )
        return context


class PublishView(ActionView):
    action = "publish"
    title = gettext_lazy("Publish the consultation")
    button_label = gettext_lazy("Publish")

    def consequences(self):
        c = self.consultation
        counts = audience_counts(c)
        opens = timezone.localtime(c.opens_at)
        if c.opens_at <= timezone.now():
            what = _(
                "The consultation opens now and closes %(closes)s. Its text becomes version 1; after this, "
                "a change of the text needs a change note that readers see."
            ) % {"closes": _date(c.closes_at)}
            who = (
                _(
                    "%(members)s members of %(organisations)s organisations are told by notification and "
                    "e-mail that it is open."
                )
                % counts
            )
        else:
            what = _(
                "The consultation is scheduled: it opens %(opens)s and closes %(closes)s. Until it opens, "
                "you can still change the text without a change note."
            ) % {"opens": _date(opens), "closes": _date(c.closes_at)}
            who = (
                _(
                    "Nobody is told now. When it opens, %(members)s members of %(organisations)s "
                    "organisations are told by notification and e-mail."
                )
                % counts
            )
        return {"what": what, "who": who}

    def perform(self, data):
        consultation = services.consultation_publish(consultation=self.consultation, actor=self.request.user)
        if consultation.opens_at > timezone.now():
            return _("The consultation is scheduled. It opens %(opens)s.") % {
                "opens": _date(consultation.opens_at)
            }
        return _("The consultation is published and open.")


class CloseView(ActionView):
    action = "close"
    title = gettext_lazy("Close the consultation early")
    button_label = gettext_lazy("Close now")
    form_class = ReasonForm
    danger = True

    def initial(self):
        return {"seen_closes_at": self.consultation.closes_at}

    def consequences(self):
        counts = audience_counts(self.consultation)
        return {
            "what": _(
                "The consultation closes now instead of %(closes)s. Nobody can comment or submit a response "
                "after this. The reason is shown on the consultation's page."
            )
            % {"closes": _date(self.consultation.closes_at)},
            "who": _(
                "%(members)s members of %(organisations)s organisations are told by notification and e-mail, "
                "with the reason."
            )
            % counts,
        }

    def perform(self, data):
        services.consultation_close_early(
            consultation=self.consultation,
            actor=self.request.user,
            reason=data["reason"],
            seen_closes_at=data["seen_closes_at"],
        )
        return _("The consultation is closed. Participants are told why.")


class ExtendView(ActionView):
    action = "extend"
    title = gettext_lazy("Give more time")
    button_label = gettext_lazy("Move the closing time")
    form_class = ExtendForm

    def initial(self):
        return {
            "seen_closes_at": self.consultation.closes_at,
            "closes_at": timezone.localtime(self.consultation.closes_at + timedelta(days=7)).replace(
                second=0, microsecond=0
            ),
        }

    def consequences(self):
        counts = audience_counts(self.consultation)
        return {
            "what": _(
                "The consultation closes at the new time instead of %(closes)s. The reason is shown on the "
                "consultation's page."
            )
            % {"closes": _date(self.consultation.closes_at)},
            "who": _(
                "%(members)s members of %(organisations)s organisations are told by notification and e-mail, "
                "with the reason."
            )
            % counts,
        }

    def perform(self, data):
        consultation = services.consultation_extend(
            consultation=self.consultation,
            actor=self.request.user,
            closes_at=data["closes_at"],
            reason=data["reason"],
            seen_closes_at=data["seen_closes_at"],
        )
        return _("The consultation now closes %(closes)s. Participants are told.") % {
            "closes": _date(consultation.closes_at)
        }


class RemindView(ActionView):
    action = "remind"
    title = gettext_lazy("Remind those who have not answered")
    button_label = gettext_lazy("Send the reminder")
    form_class = TokenForm

    def initial(self):
        return {"token": new_token()}

    def consequences(self):
        counts = audience_counts(self.consultation)
        names = [r.name for r in organisation_rows(self.consultation) if not r.submitted_at]
        return {
            "what": _(
                "A reminder goes out now that the consultation closes %(closes)s and that the organisation "
                "has not submitted a formal response."
            )
            % {"closes": _date(self.consultation.closes_at)},
            "who": _(
                "The members of the %(unanswered)s organisations that have not answered, by notification "
                "and by e-mail if they want reminders. Each gets it at most once a day, even if the form is "
                "sent twice."
            )
            % counts,
            "names": names,
        }

    def perform(self, data):
        result = services.consultation_remind_now(
            consultation=self.consultation, actor=self.request.user, token=data["token"]
        )
        if not result.notifications_created:
            return _("Nobody new to remind: today's reminder was already sent.")
        return _("The reminder is sent to %(n)s people.") % {"n": result.notifications_created}


class OutcomePublishView(ActionView):
    action = "outcome_publish"
    title = gettext_lazy("Publish the outcome")
    button_label = gettext_lazy("Publish the outcome")

    def consequences(self):
        return {
            "what": _(
                "The outcome is shown on the consultation's page and the consultation is concluded. You can "
                "still correct the outcome's text afterwards."
            ),
            "who": _("Everyone who commented, and the members of every organisation that responded."),
        }

    def perform(self, data):
        services.outcome_publish(consultation=self.consultation, actor=self.request.user)
        return _("The outcome is published and everyone who took part is told.")


class ArchiveView(ActionView):
    action = "archive"
    title = gettext_lazy("Archive the consultation")
    button_label = gettext_lazy("Archive")

    def consequences(self):
        return {
            "what": _("The consultation is marked as archived: its record is complete. It stays readable."),
            "who": _("Nobody is told."),
        }

    def perform(self, data):
        services.consultation_archive(consultation=self.consultation, actor=self.request.user)
        return _("The consultation is archived.")


class ExportView(ActionView):
    action = "export"
    title = gettext_lazy("Export")

    def get(self, request, *args, **kwargs):
        return redirect(self.workspace_url())

    def post(self, request, *args, **kwargs):
        kind = request.POST.get("kind", "")
        if not self.allowed() or kind not in Export.Kind.values:
            messages.error(request, _("This export is not possible now."))
            return redirect(self.workspace_url())
        services.export_request(consultation=self.consultation, actor=request.user, kind=kind)
        messages.success(request, _("The export is being prepared. It is listed below when it is ready."))
        return redirect(self.workspace_url() + "#exports")


class HideForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("Reason (the author sees it)"),
        max_length=REASON_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class ModerateView(ActionView):
    """Hide a comment with a reason, or restore it."""

    action = "moderate"
    title = gettext_lazy("Hide a comment")
    button_label = gettext_lazy("Hide the comment")
    form_class = HideForm
    danger = True

    def load(self):
        self.consultation = self.get_consultation()
        self.comment = get_object_or_404(
            Comment.objects.select_related("organisation"),
            pk=self.kwargs["comment"],
            consultation=self.consultation,
        )

    def allowed(self):
        return self.comment.hidden_at is None

    def consequences(self):
        return {
            "what": _("Readers see a notice instead of the comment. Open reports on it are closed."),
            "who": _("The author is told, with the reason."),
            "quoted": self.comment,
        }

    def perform(self, data):
        services.comment_hide(comment=self.comment, actor=self.request.user, reason=data["reason"])
        return _("The comment is hidden and the author is told why.")


class DismissReportsView(ModerateView):
    """Close the open reports on a comment and leave it visible (the old moderation queue's other button).
    Sent twice, the second finds no open reports and changes nothing."""

    action = "dismiss"
    title = gettext_lazy("Keep the comment")
    button_label = gettext_lazy("Close the reports, keep the comment")
    form_class = None
    danger = False

    def allowed(self):
        return self.comment.reports.filter(resolved_at__isnull=True).exists()

    def consequences(self):
        return {
            "what": _("The open reports on the comment are closed. The comment stays as it is."),
            "who": _("Nobody is told."),
            "quoted": self.comment,
        }

    def perform(self, data):
        services.comment_reports_dismiss(comment=self.comment, actor=self.request.user)
        return _("The reports are closed; the comment stays visible.")


class OutcomeView(ConsultationMixin, WorkspaceView):
    """Write the outcome (summary, per section, marks) in the workspace; publishing is its own step."""

    template_name = "workspace/consultation_outcome.html"

    def get_page_title(self):
        return _("Outcome")

    def extra_breadcrumbs(self):
        return [
            *super().extra_breadcrumbs(),
            {
                "url": reverse("workspace_consultation", args=[self.consultation.pk]),
                "label": self.consultation.title,
            },
        ]

    def load(self):
        self.consultation = self.get_consultation()

    def build_form(self, data=None):
        from .selectors import outcome_for_display

        consultation = self.consultation
        display = outcome_for_display(consultation)
        self.outcome = display["outcome"] if display else None
        initial = {"summary": self.outcome.summary if self.outcome else ""}
        if display:
            initial.update({f"section_{pk}": text for pk, text in display["section_texts"].items()})
            for (kind, pk), mark in display["marks"].items():
                initial[f"{kind}_{pk}_mark"] = mark.mark
                initial[f"{kind}_{pk}_rationale"] = mark.rationale
        return OutcomeForm(
            data,
            initial=initial,
            sections=consultation.sections.order_by("sort_order", "pk"),
            comments=consultation.comments.filter(deleted_at__isnull=True)
            .select_related("author", "organisation", "section")
            .order_by("section__sort_order", "created"),
            responses=consultation.responses.filter(versions__isnull=False)
            .distinct()
            .select_related("organisation"),
        )

    def get(self, request, *args, **kwargs):
        if not self.consultation.has_ended:
            messages.error(request, _("The outcome can be written once the consultation has closed."))
            return redirect("workspace_consultation", self.consultation.pk)
        return self.render_to_response(self.get_context_data(form=self.build_form()))

    def post(self, request, *args, **kwargs):
        form = self.build_form(request.POST)
        if form.is_valid():
            try:
                services.outcome_save(
                    consultation=self.consultation,
                    actor=request.user,
                    summary=form.cleaned_data["summary"],
                    section_texts=form.section_texts(),
                    marks=form.marks(),
                )
            except (ValidationError, PermissionDenied) as exc:
                refusal_messages(request, exc)
            else:
                messages.success(request, _("The outcome is saved."))
                return redirect("workspace_consultation", self.consultation.pk)
        return self.render_to_response(self.get_context_data(form=form), status=400)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update({"consultation": self.consultation, "outcome": self.outcome})
        return context


# --- Guided creation ----------


class CreateForm(forms.Form):
    title = forms.CharField(label=gettext_lazy("Title"), max_length=200)
    slug = forms.SlugField(
        label=gettext_lazy("Address (slug)"),
        max_length=120,
        required=False,
        help_text=gettext_lazy("Filled in from the title. Letters a–z, digits and hyphens."),
    )
    summary = forms.CharField(
        label=gettext_lazy("Summary"), max_length=1000, widget=forms.Textarea(attrs={"rows": 3})
    )
    development_area = forms.ChoiceField(label=gettext_lazy("Development area"), choices=())
    section_heading = forms.CharField(label=gettext_lazy("Heading of the first section"), max_length=200)
    section_body = forms.CharField(
        label=gettext_lazy("Text of the first section"),
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=gettext_lazy("You can add more sections, questions and documents afterwards."),
    )
    opens_at = forms.DateTimeField(
        label=gettext_lazy("Opens"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )
    closes_at = forms.DateTimeField(
        label=gettext_lazy("Closes"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )
    coordinator = forms.ModelChoiceField(
        label=gettext_lazy("Responsible coordinator"), queryset=None, required=False
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        from django.contrib.auth import get_user_model

        self.fields["coordinator"].queryset = (
            get_user_model()
            .objects.filter(coordinator_choices())
            .distinct()
            .order_by("display_name", "email")
        )
        self.fields["coordinator"].label_from_instance = lambda user: user.get_display_name()
        from actionplan.models import DevelopmentArea

        self.fields["development_area"].choices = [
            (area.code, area.localized_name) for area in DevelopmentArea.cached()
        ]

    def clean(self):
        cleaned = super().clean()
        title = cleaned.get("title")
        if title and not cleaned.get("slug"):
            cleaned["slug"] = slugify(title)[:120] or "samrad"
        slug = cleaned.get("slug")
        if slug:
            if slug in RESERVED_SLUGS:
                self.add_error("slug", _("This slug is reserved. Choose another."))
            elif Consultation.objects.filter(slug=slug).exists():
                self.add_error("slug", _("Another consultation has this address. Choose another."))
        opens, closes = cleaned.get("opens_at"), cleaned.get("closes_at")
        if opens and closes and closes <= opens:
            self.add_error("closes_at", _("The closing time must be after the opening time."))
        return cleaned


class CreateView(WorkspaceView):
    template_name = "workspace/consultation_create.html"
    page_title = gettext_lazy("New consultation")

    def extra_breadcrumbs(self):
        return [{"url": reverse("workspace_consultations"), "label": _("Consultations")}]

    def get(self, request, *args, **kwargs):
        now = timezone.localtime().replace(second=0, microsecond=0)
        form = CreateForm(
            initial={"opens_at": now, "closes_at": now + timedelta(weeks=4), "coordinator": request.user.pk}
        )
        return self.render_to_response(self.get_context_data(form=form))

    def post(self, request, *args, **kwargs):
        form = CreateForm(request.POST)
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(form=form), status=400)
        data = form.cleaned_data
        consultation = Consultation(
            title=data["title"],
            slug=data["slug"],
            summary=data["summary"],
            development_area_id=data["development_area"],
            opens_at=data["opens_at"],
            closes_at=data["closes_at"],
            coordinator=data["coordinator"],
            audience=Consultation.Audience.ALL,
        )
        consultation.full_clean()
        consultation.save()
        Section.objects.create(
            consultation=consultation,
            heading=data["section_heading"],
            body="".join(f"<p>{_escape(p)}</p>" for p in data["section_body"].split("\n\n") if p.strip()),
            sort_order=0,
        )
        messages.success(request, _("The draft is saved. Preview it, then publish it when it is ready."))
        return redirect("workspace_consultation", consultation.pk)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["organisation_count"] = Organisation.objects.approved().count()
        return context


def _escape(text: str) -> str:
    from django.utils.html import escape

    return escape(text.strip()).replace("\n", "<br>")


def _date(value: datetime) -> str:
    from django.utils.formats import date_format

    return date_format(timezone.localtime(value), "j F Y H:i")


ACTION_VIEWS = {
    "publicera": PublishView,
    "stang": CloseView,
    "forlang": ExtendView,
    "paminn": RemindView,
    "publicera-resultat": OutcomePublishView,
    "arkivera": ArchiveView,
    "export": ExportView,
}


def workspace_section(request) -> dict:
    """The consultations' part of the workspace home: the next step of each active consultation."""
    now = timezone.now()
    rows = list(
        Consultation.objects.filter(archived_at__isnull=True, concluded_at__isnull=True).order_by(
            "closes_at"
        )[:20]
    )
    labels = dict(STEPS)
    return {
        "title": _("Consultations"),
        "actions": [
            {"label": _("New consultation"), "url": reverse("workspace_consultation_create")},
            {"label": _("All consultations"), "url": reverse("workspace_consultations")},
        ],
        "items": [
            {
                "label": c.title,
                "url": reverse("workspace_consultation", args=[c.pk]),
                "note": labels[c.status_at(now)],
            }
            for c in rows
        ],
        "empty": _("No consultation is under way."),
    }
