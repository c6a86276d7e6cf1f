"""Meeting pages. Each view loads, checks permission on the server, validates the form, calls one service
and redirects (or renders). A meeting the person may not see is a 404, so that it is not revealed."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from organisations.attribution import default_organisation
from organisations.models import Organisation
from portal.idempotency import idempotent
from portal.two_factor import coordinator_required

from . import calendar, permissions, selectors, services
from .forms import (
    ActionItemActivityForm,
    ActionItemFilterForm,
    ActionItemUpdateForm,
    MinutesCommentForm,
    RSVPForm,
)
from .models import ActionItem, CalendarToken, Meeting, Minutes
from .pdf import render_pdf

PER_PAGE = 20
GET_POST = require_http_methods(["GET", "HEAD", "POST"])


def _errors(request, exc: ValidationError) -> None:
    for message in exc.messages:
        messages.error(request, message)


def _visible_meeting(request, pk: int) -> Meeting:
    try:
        meeting = selectors.meeting_for_page(pk)
    except Meeting.DoesNotExist:
        raise Http404 from None
    if not permissions.can_view_meeting(request.user, meeting):
        raise Http404
    return meeting


def _page(request, queryset):
    return Paginator(queryset, PER_PAGE).get_page(request.GET.get("page"))


# --- Lists ----------------------------------------------------------------------------------------


def meeting_list(request):
    page_obj = _page(request, selectors.coming_meetings(request.user))
    return TemplateResponse(
        request,
        "meetings/meeting_list.html",
        {
            "page_obj": page_obj,
            "meetings": page_obj.object_list,
            "is_coordinator": permissions.is_coordinator(request.user),
        },
    )


def meeting_past(request):
    page_obj = _page(request, selectors.past_meetings(request.user))
    meetings = list(page_obj.object_list)
    for meeting in meetings:
        meeting.visible_minutes = (
            permissions.minutes_of(meeting)
            if permissions.can_view_minutes(request.user, permissions.minutes_of(meeting))
            else None
        )
    return TemplateResponse(
        request, "meetings/meeting_past.html", {"page_obj": page_obj, "meetings": meetings}
    )


@login_required
def my_rsvps(request):
    page_obj = _page(request, selectors.my_rsvps(request.user))
    rows = []
    for meeting in page_obj.object_list:
        answered = {inv.organisation_id: inv for inv in meeting.my_invitations}
        organisations = [
            (org_id, answered.get(org_id))
            for org_id in permissions.invited_organisation_ids(request.user, meeting)
        ]
        rows.append({"meeting": meeting, "answers": organisations})
    names = dict(
        Organisation.objects.filter(pk__in=permissions.approved_organisation_ids(request.user)).values_list(
            "pk", "name"
        )
    )
    for row in rows:
        row["answers"] = sorted(
            ({"organisation": names.get(org_id, ""), "invitation": inv} for org_id, inv in row["answers"]),
            key=lambda a: a["organisation"],
        )
    return TemplateResponse(request, "meetings/rsvp_list.html", {"page_obj": page_obj, "rows": rows})


# --- One meeting ----------------------------------------------------------------------------------


def _detail_context(request, meeting: Meeting, *, rsvp_forms=None) -> dict:
    user = request.user
    members_only = permissions.can_see_members_only(user, meeting)
    minutes = permissions.minutes_of(meeting)
    show_minutes = (
        minutes is not None and minutes.is_published and permissions.can_view_minutes(user, minutes)
    )
    content = selectors.minutes_content(minutes) if show_minutes else None
    agenda = selectors.agenda_with_minutes(
        meeting, minutes if show_minutes else None, members_only=members_only, viewer=user, content=content
    )
    rsvp = []
    if permissions.can_rsvp(user, meeting):
        rsvp_forms = rsvp_forms or {}
        for organisation, invitation in selectors.rsvp_invitations(user, meeting):
            form = rsvp_forms.get(organisation.pk) or RSVPForm(
                organisation=organisation, invitation=invitation, prefix=f"org{organisation.pk}"
            )
            rsvp.append({"organisation": organisation, "invitation": invitation, "form": form})
    return {
        "meeting": meeting,
        "agenda": agenda,
        "members_only": members_only,
        "documents": [
            d.document for d in meeting.meeting_documents.all() if members_only or not d.members_only
        ],
        "rsvp": rsvp,
        "rsvp_open": meeting.rsvp_open(),
        "minutes": minutes if show_minutes else None,
        "general_action_items": [a for a in content["action_items"] if a.agenda_item_id is None]
        if content
        else [],
        "corrections": content["corrections"] if content else [],
        # The published minutes refer to the attendance list: show it with them.
        "attendances": list(meeting.attendances.select_related("organisation", "user"))
        if show_minutes
        else [],
        # A calendar entry only for what is still to come.
        "offer_calendar": meeting.end >= timezone.now() and meeting.state != Meeting.State.CANCELLED,
        "can_review": permissions.can_review_minutes(user, minutes),
        "is_coordinator": permissions.is_coordinator(user),
    }


def meeting_detail(request, pk: int):
    meeting = _visible_meeting(request, pk)
    return TemplateResponse(request, "meetings/meeting_detail.html", _detail_context(request, meeting))


@require_POST
@idempotent
def rsvp(request, pk: int, organisation_pk: int):
    if not request.user.is_authenticated:
        raise PermissionDenied
    meeting = _visible_meeting(request, pk)
    organisation = get_object_or_404(Organisation, pk=organisation_pk)
    if organisation.pk not in permissions.invited_organisation_ids(request.user, meeting):
        raise PermissionDenied
    form = RSVPForm(request.POST, organisation=organisation, prefix=f"org{organisation.pk}")
    if not form.is_valid():
        context = _detail_context(request, meeting, rsvp_forms={organisation.pk: form})
        return TemplateResponse(request, "meetings/meeting_detail.html", context, status=400)
    try:
        services.rsvp_submit(
            user=request.user,
            meeting=meeting,
            organisation=organisation,
            answer=form.cleaned_data["answer"],
            attendees=form.cleaned_data["attendees"],
            needs=form.cleaned_data["needs"],
        )
    except ValidationError as exc:
        _errors(request, exc)
    else:
        messages.success(request, _("Thank you. Your organisation’s answer has been saved."))
    return redirect(reverse("meetings:detail", kwargs={"pk": meeting.pk}) + "#rsvp")


def _ics_response(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "private, max-age=300"
    return response


def meeting_ics(request, pk: int):
    meeting = _visible_meeting(request, pk)
    members_only_ids = {meeting.pk} if permissions.can_see_members_only(request.user, meeting) else set()
    content = calendar.calendar_for([meeting], name=meeting.title, members_only_ids=members_only_ids)
    return _ics_response(content, f"{slugify(meeting.title) or 'meeting'}-{meeting.pk}.ics")


def public_feed(request):
    meetings = Meeting.objects.public().order_by("start", "pk")
    content = calendar.calendar_for(meetings, name=_("Reference group against racism: public meetings"))
    return _ics_response(content, "meetings-public.ics")


def personal_feed(request, key: str):
    token = CalendarToken.objects.active().select_related("user").filter(key=key).first()
    if token is None or not token.user.is_active:
        raise Http404
    user = token.user
    with translation.override(user.preferred_language or None):
        meetings = list(selectors.visible_meetings(user).order_by("start", "pk"))
        members_only_ids = {m.pk for m in meetings if permissions.can_see_members_only(user, m)}
        content = calendar.calendar_for(
            meetings, name=_("Reference group against racism: my meetings"), members_only_ids=members_only_ids
        )
    return _ics_response(content, "meetings.ics")


@login_required
@GET_POST
def calendar_settings(request):
    if request.method == "POST":
        if request.POST.get("action") == "revoke":
            services.calendar_token_revoke(user=request.user)
            messages.success(request, _("The address has been revoked. Calendars using it no longer update."))
        else:
            services.calendar_token_create(user=request.user)
            messages.success(request, _("Your new calendar address is ready."))
        return redirect("meetings:calendar")
    token = CalendarToken.objects.active().filter(user=request.user).first()
    return TemplateResponse(
        request,
        "meetings/calendar_settings.html",
        {
            "token": token,
            "feed_url": request.build_absolute_uri(token.get_absolute_url()) if token else "",
            "public_feed_url": request.build_absolute_uri(reverse("meetings:public_feed")),
        },
    )


# --- Minutes for readers and reviewers ---------------------------------------------------------------


def _minutes_context(meeting: Meeting, minutes: Minutes, *, members_only: bool, viewer) -> dict:
    content = selectors.minutes_content(minutes)
    return {
        "meeting": meeting,
        "minutes": minutes,
        "agenda": selectors.agenda_with_minutes(meeting, minutes, members_only=members_only, viewer=viewer),
        "general_action_items": [a for a in content["action_items"] if a.agenda_item_id is None],
        "corrections": content["corrections"],
        "attendances": list(meeting.attendances.select_related("organisation", "user")),
    }


@login_required
@GET_POST
@idempotent
def minutes_review(request, pk: int):
    meeting = _visible_meeting(request, pk)
    minutes = permissions.minutes_of(meeting)
    if minutes is None or not permissions.can_review_minutes(request.user, minutes):
        raise Http404
    acting = list(
        Organisation.objects.filter(pk__in=permissions.acting_organisation_ids(request.user, meeting))
    )
    last_used = minutes.comments.filter(author=request.user).order_by("-created", "-pk")
    default = default_organisation(acting, last_used.values_list("organisation_id", flat=True))
    form = MinutesCommentForm(
        request.POST or None, meeting=meeting, organisations=acting, default_organisation=default
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.minutes_comment_add(
                user=request.user,
                minutes=minutes,
                text=form.cleaned_data["text"],
                agenda_item=form.cleaned_data["agenda_item"],
                organisation=form.cleaned_data.get("organisation") or default,
            )
        except ValidationError as exc:
            _errors(request, exc)
        else:
            messages.success(request, _("Thank you. Your comment has been sent to the coordinators."))
        return redirect("meetings:minutes_review", pk=meeting.pk)
    context = _minutes_context(meeting, minutes, members_only=True, viewer=request.user)
    context.update(
        {
            "form": form,
            "comments": list(minutes.comments.select_related("author", "organisation", "agenda_item")),
            "review_open": minutes.review_deadline is None or timezone.now() <= minutes.review_deadline,
            "speaking_as": acting[0] if len(acting) == 1 else None,
        }
    )
    return TemplateResponse(
        request, "meetings/minutes_review.html", context, status=400 if form.errors else 200
    )


def minutes_pdf(request, pk: int):
    meeting = _visible_meeting(request, pk)
    minutes = permissions.minutes_of(meeting)
    if minutes is None or not minutes.is_locked or not permissions.can_view_minutes(request.user, minutes):
        raise Http404
    context = _minutes_context(
        meeting,
        minutes,
        members_only=permissions.can_see_members_only(request.user, meeting),
        viewer=request.user,
    )
    context["generated"] = timezone.now()
    pdf = render_pdf("meetings/minutes_pdf.html", context)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = (
        f'attachment; filename="{slugify(meeting.title) or "minutes"}-{meeting.pk}.pdf"'
    )
    return response


# --- Action items ---------------------------------------------------------------------------------


def action_items(request):
    data = request.GET.copy()
    if "status" not in data:
        data["status"] = ActionItem.Status.OPEN
    form = ActionItemFilterForm(data)
    responsible, status = None, ""
    if form.is_valid():
        responsible = form.cleaned_data["responsible"]
        status = form.cleaned_data["status"]
    items = selectors.visible_action_items(
        request.user, responsible_organisation=responsible.pk if responsible else None, status=status
    )
    page_obj = _page(request, items)
    rows = [
        {"item": item, "can_update": permissions.can_update_action_item(request.user, item)}
        for item in page_obj.object_list
    ]
    query = data.copy()
    query.pop("page", None)
    return TemplateResponse(
        request,
        "meetings/action_item_list.html",
        {"form": form, "page_obj": page_obj, "rows": rows, "filter_query": query.urlencode()},
    )


@login_required
@GET_POST
@idempotent
def action_item_update(request, pk: int):
    item = get_object_or_404(
        ActionItem.objects.select_related(
            "minutes__meeting", "responsible_organisation", "responsible_person"
        ),
        pk=pk,
    )
    if not permissions.can_update_action_item(request.user, item) or not item.minutes.is_locked:
        raise Http404
    coordinator = permissions.is_coordinator(request.user)
    posted_activity = request.method == "POST" and "set_activity" in request.POST
    activity_form = (
        ActionItemActivityForm(request.POST if posted_activity else None, instance=item, prefix="plan")
        if coordinator
        else None
    )
    if posted_activity and activity_form is not None:
        if activity_form.is_valid():
            try:
                services.action_item_set_activity(
                    actor=request.user, item=item, activity=activity_form.cleaned_data["activity"]
                )
            except ValidationError as exc:
                activity_form.add_error(None, exc)
            else:
                messages.success(request, _("The action item's activity has been saved."))
                return redirect("meetings:action_item_update", pk=item.pk)
        return TemplateResponse(
            request,
            "meetings/action_item_update.html",
            {
                "item": item,
                "form": ActionItemUpdateForm(initial={"status": item.status}),
                "activity_form": activity_form,
                "updates": list(item.updates.select_related("author")),
            },
            status=400,
        )
    form = ActionItemUpdateForm(request.POST or None, initial={"status": item.status})
    if request.method == "POST" and form.is_valid():
        try:
            services.action_item_update_status(
                user=request.user,
                item=item,
                status=form.cleaned_data["status"],
                comment=form.cleaned_data["comment"],
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("The action item has been updated."))
            return redirect("meetings:action_items")
    return TemplateResponse(
        request,
        "meetings/action_item_update.html",
        {
            "item": item,
            "form": form,
            "activity_form": activity_form,
            "updates": list(item.updates.select_related("author")),
        },
        status=400 if form.errors else 200,
    )


# --- Coordinators: the old /moten/samordning/ pages, now in the workspace --------------------------------
# The coordinators' meeting pages moved into the workspace in the Wagtail admin (meetings/workspace.py).
# The old addresses stay as thin redirects, so bookmarks and links in sent e-mails keep working; a POST
# to one does nothing and lands on the workspace page.


def _to_workspace(name: str, *, with_pk: bool = True, anchor: str = ""):
    @coordinator_required
    def view(request, pk: int | None = None, action: str = ""):
        url = reverse(name, args=[pk]) if with_pk else reverse(name)
        return redirect(url + anchor)

    view.__name__ = f"to_{name}"
    return view


meeting_create = _to_workspace("meetings_admin:add", with_pk=False)
meeting_manage = _to_workspace("workspace_meeting")
meeting_edit = _to_workspace("meetings_admin:edit")
attendance = _to_workspace("workspace_meeting_attendance")
minutes_edit = _to_workspace("workspace_meeting_minutes")
minutes_action = _to_workspace("workspace_meeting_minutes")
meeting_state = _to_workspace("workspace_meeting")
