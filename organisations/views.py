"""Organisation pages. Each view loads, checks permission on the server, validates the form, calls one
service and redirects (or renders)."""

from functools import wraps

import tablib
from allauth.account.decorators import verified_email_required
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from portal import ratelimits
from portal.idempotency import idempotent
from portal.two_factor import coordinator_required, redirect_to_totp_setup, user_has_totp

from . import permissions, selectors, services
from .forms import (
    ApproveForm,
    DirectoryFilterForm,
    InvitationForm,
    JoinRequestForm,
    OrganisationForm,
    RejectForm,
    RoleForm,
    StatusFilterForm,
    WithdrawForm,
)
from .models import Invitation, JoinRequest, Membership, Organisation
from .tokens import ExpiredToken, InvalidToken, invitation_from_token

GET_POST = require_http_methods(["GET", "HEAD", "POST"])


def _error_messages(exc: ValidationError) -> list[str]:
    return list(exc.messages)


def _add_errors(request, exc: ValidationError) -> None:
    for message in _error_messages(exc):
        messages.error(request, message)


def _visible_organisation(request, slug: str) -> Organisation:
    """The organisation if this person may see it at all; otherwise 404, so that hidden organisations
    are not revealed."""
    organisation = get_object_or_404(Organisation, slug=slug)
    if not permissions.can_view_profile(request.user, organisation) and not permissions.is_member(
        request.user, organisation
    ):
        raise Http404
    return organisation


def organisation_permission(predicate):
    """Loads the organisation from the `slug` argument and checks `predicate(user, organisation)`:
    anonymous → log in, not allowed → 403 (404 when the organisation is hidden from the person)."""

    def decorator(view):
        @wraps(view)
        def wrapper(request, slug, *args, **kwargs):
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            organisation = get_object_or_404(Organisation, slug=slug)
            if not predicate(request.user, organisation):
                if not (
                    permissions.can_view_profile(request.user, organisation)
                    or permissions.can_view_application(request.user, organisation)
                ):
                    raise Http404
                raise PermissionDenied
            return view(request, organisation, *args, **kwargs)

        return wrapper

    return decorator


# --- public ----------------------------------------------------------------------------------------


def directory(request):
    form = DirectoryFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    organisations = selectors.directory(
        query=filters.get("q", ""), focus_area=filters.get("focus_area"), kind=filters.get("kind", "")
    )
    page_obj = Paginator(organisations, 20).get_page(request.GET.get("page"))
    query_string = request.GET.copy()
    query_string.pop("page", None)
    return TemplateResponse(
        request,
        "organisations/organisation_directory.html",
        {
            "form": form,
            "page_obj": page_obj,
            "organisations": page_obj.object_list,
            "query_string": query_string.urlencode(),
            "filtered": bool(filters and any(filters.values())),
        },
    )


def detail(request, slug):
    organisation = _visible_organisation(request, slug)
    user = request.user
    pending_request = None
    if user.is_authenticated:
        pending_request = JoinRequest.objects.filter(
            organisation=organisation, user=user, status=JoinRequest.Status.PENDING
        ).first()
    return TemplateResponse(
        request,
        "organisations/organisation_detail.html",
        {
            "organisation": organisation,
            "is_member": permissions.is_member(user, organisation),
            "can_edit": permissions.can_edit_organisation(user, organisation),
            "can_request_to_join": permissions.can_request_to_join(user, organisation)
            and not pending_request,
            "pending_request": pending_request,
        },
    )


# --- registration and the member's own pages -------------------------------------------------------


@verified_email_required
@GET_POST
@idempotent
def register(request):
    form = OrganisationForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and not ratelimits.consume(request, "organisation_register"):
        form = OrganisationForm(request.POST, request.FILES)  # bound even when the POST is empty
        form.is_valid()
        form.add_error(
            None, _("You have sent several applications in a short time. Wait an hour and try again.")
        )
        return TemplateResponse(
            request, "organisations/organisation_register.html", {"form": form}, status=429
        )
    if request.method == "POST" and form.is_valid():
        data = form.profile_data()
        try:
            organisation = services.organisation_register(
                user=request.user, focus_areas=form.cleaned_data["focus_areas"], **data
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(
                request,
                _(
                    "Thank you. The application for %(name)s has been sent to the city's coordinators. "
                    "You will hear from us by e-mail, and you can follow it here."
                )
                % {"name": organisation.name},
            )
            return redirect("organisations:mine")
    return TemplateResponse(request, "organisations/organisation_register.html", {"form": form})


@login_required
def mine(request):
    memberships = list(selectors.memberships_for_user(request.user))
    return TemplateResponse(
        request,
        "organisations/organisation_mine.html",
        {
            "memberships": memberships,
            "join_requests": selectors.pending_join_requests_for_user(request.user),
        },
    )


@GET_POST
@organisation_permission(permissions.can_edit_organisation)
def settings_view(request, organisation):
    form = OrganisationForm(
        request.POST or None,
        request.FILES or None,
        instance=organisation,
        initial={"focus_areas": organisation.focus_areas.all()},
    )
    if request.method == "POST" and form.is_valid():
        try:
            with transaction.atomic():
                organisation = services.organisation_update(
                    actor=request.user, organisation=organisation, **form.profile_data()
                )
                services.organisation_set_focus_areas(
                    actor=request.user,
                    organisation=organisation,
                    focus_areas=form.cleaned_data["focus_areas"],
                )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("The organisation's profile has been saved."))
            return redirect("organisations:settings", slug=organisation.slug)
    can_manage = permissions.can_manage_members(request.user, organisation)
    return TemplateResponse(
        request,
        "organisations/organisation_settings.html",
        {
            "organisation": organisation,
            "form": form,
            "can_manage": can_manage,
            "can_withdraw": permissions.can_withdraw(request.user, organisation),
            "members": selectors.members_of(organisation),
            "invitations": selectors.open_invitations(organisation) if can_manage else [],
            "join_requests": selectors.pending_join_requests(organisation) if can_manage else [],
            "invite_form": InvitationForm() if can_manage else None,
        },
    )


# --- members ---------------------------------------------------------------------------------------


@GET_POST
@organisation_permission(permissions.can_manage_members)
@idempotent
def invite(request, organisation):
    form = InvitationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            invitation = services.invitation_create(
                actor=request.user, organisation=organisation, **form.cleaned_data
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(
                request, _("An invitation has been sent to %(email)s.") % {"email": invitation.email}
            )
            return redirect("organisations:settings", slug=organisation.slug)
    return TemplateResponse(
        request, "organisations/invitation_form.html", {"organisation": organisation, "form": form}
    )


@GET_POST
@organisation_permission(permissions.can_manage_members)
def invitation_revoke(request, organisation, pk):
    invitation = get_object_or_404(
        Invitation, pk=pk, organisation=organisation, status=Invitation.Status.PENDING
    )
    if request.method == "POST":
        try:
            services.invitation_revoke(actor=request.user, invitation=invitation)
        except ValidationError as exc:
            _add_errors(request, exc)
        else:
            messages.success(
                request, _("The invitation to %(email)s has been withdrawn.") % {"email": invitation.email}
            )
        return redirect("organisations:settings", slug=organisation.slug)
    return TemplateResponse(
        request,
        "organisations/confirm.html",
        {
            "organisation": organisation,
            "title": _("Withdraw the invitation?"),
            "question": _("The invitation to %(email)s will stop working.") % {"email": invitation.email},
            "confirm_label": _("Withdraw invitation"),
            "danger": True,
        },
    )


def _membership(organisation, pk):
    return get_object_or_404(
        Membership.objects.active().select_related("user"), pk=pk, organisation=organisation
    )


@GET_POST
@organisation_permission(permissions.can_manage_members)
def member_role(request, organisation, pk):
    membership = _membership(organisation, pk)
    form = RoleForm(request.POST or None, initial={"role": membership.role})
    if request.method == "POST" and form.is_valid():
        try:
            services.membership_change_role(
                actor=request.user, membership=membership, role=form.cleaned_data["role"]
            )
        except ValidationError as exc:
            _add_errors(request, exc)
        else:
            membership.refresh_from_db()
            messages.success(
                request,
                _("%(name)s is now %(role)s.")
                % {"name": membership.user.get_display_name(), "role": membership.get_role_display()},
            )
            return redirect("organisations:settings", slug=organisation.slug)
    return TemplateResponse(
        request,
        "organisations/member_role.html",
        {"organisation": organisation, "membership": membership, "form": form},
    )


@GET_POST
@organisation_permission(permissions.can_manage_members)
def member_remove(request, organisation, pk):
    membership = _membership(organisation, pk)
    if request.method == "POST":
        try:
            services.membership_remove(actor=request.user, membership=membership)
        except ValidationError as exc:
            _add_errors(request, exc)
        else:
            messages.success(
                request,
                _("%(name)s is no longer a member of %(organisation)s.")
                % {"name": membership.user.get_display_name(), "organisation": organisation.name},
            )
        return redirect("organisations:settings", slug=organisation.slug)
    return TemplateResponse(
        request,
        "organisations/confirm.html",
        {
            "organisation": organisation,
            "title": _("Remove %(name)s?") % {"name": membership.user.get_display_name()},
            "question": _(
                "%(name)s will no longer be a member of %(organisation)s. "
                "What they wrote stays in the portal."
            )
            % {"name": membership.user.get_display_name(), "organisation": organisation.name},
            "confirm_label": _("Remove member"),
            "danger": True,
        },
    )


@GET_POST
@organisation_permission(permissions.can_leave)
def leave(request, organisation):
    if request.method == "POST":
        try:
            services.membership_leave(user=request.user, organisation=organisation)
        except ValidationError as exc:
            _add_errors(request, exc)
            return redirect("organisations:mine")
        messages.success(request, _("You have left %(name)s.") % {"name": organisation.name})
        return redirect("organisations:mine")
    return TemplateResponse(
        request,
        "organisations/confirm.html",
        {
            "organisation": organisation,
            "title": _("Leave %(name)s?") % {"name": organisation.name},
            "question": _(
                "You will no longer be able to take part on behalf of %(name)s. To come back, you need a new "
                "invitation."
            )
            % {"name": organisation.name},
            "confirm_label": _("Leave organisation"),
            "danger": True,
            "cancel_url": "organisations:mine",
        },
    )


@GET_POST
@organisation_permission(permissions.can_withdraw)
def withdraw(request, organisation):
    """An admin takes the organisation out of the portal, after a confirmation page that says what
    follows."""
    form = WithdrawForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.organisation_withdraw(
                actor=request.user, organisation=organisation, reason=form.cleaned_data["reason"]
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("%(name)s has left the portal.") % {"name": organisation.name})
            return redirect("organisations:mine")
    return TemplateResponse(
        request,
        "organisations/organisation_withdraw.html",
        {"organisation": organisation, "form": form},
        status=400 if form.errors else 200,
    )


@GET_POST
@organisation_permission(permissions.can_request_to_join)
@idempotent
def join(request, organisation):
    if JoinRequest.objects.filter(
        organisation=organisation, user=request.user, status=JoinRequest.Status.PENDING
    ).exists():
        messages.info(
            request, _("You have already asked to join. The organisation's administrators will answer.")
        )
        return redirect(organisation)
    form = JoinRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.join_request_create(
                user=request.user, organisation=organisation, message=form.cleaned_data["message"]
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(
                request,
                _("Your request has been sent to the administrators of %(name)s.")
                % {"name": organisation.name},
            )
            return redirect(organisation)
    return TemplateResponse(
        request, "organisations/join_request_form.html", {"organisation": organisation, "form": form}
    )


@GET_POST
@organisation_permission(permissions.can_manage_members)
def join_request(request, organisation, pk):
    join_request = get_object_or_404(
        JoinRequest.objects.select_related("user"), pk=pk, organisation=organisation
    )
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "accept":
                services.join_request_accept(actor=request.user, join_request=join_request)
                messages.success(
                    request,
                    _("%(name)s is now a member.") % {"name": join_request.user.get_display_name()},
                )
            elif action == "decline":
                services.join_request_decline(actor=request.user, join_request=join_request)
                messages.success(
                    request,
                    _("The request from %(name)s has been declined.")
                    % {"name": join_request.user.get_display_name()},
                )
            else:
                messages.error(request, _("Choose whether to accept or decline the request."))
                return redirect("organisations:join_request", slug=organisation.slug, pk=join_request.pk)
        except ValidationError as exc:
            _add_errors(request, exc)
        return redirect("organisations:settings", slug=organisation.slug)
    return TemplateResponse(
        request,
        "organisations/join_request_detail.html",
        {"organisation": organisation, "join_request": join_request},
    )


# --- invitations -----------------------------------------------------------------------------------


@GET_POST
def invitation(request, token):
    try:
        invitation = invitation_from_token(token)
    except InvalidToken:
        return TemplateResponse(
            request, "organisations/invitation_invalid.html", {"reason": "invalid"}, status=404
        )
    except ExpiredToken:
        return TemplateResponse(
            request, "organisations/invitation_invalid.html", {"reason": "expired"}, status=410
        )
    if invitation.status == Invitation.Status.ACCEPTED:
        reason = "used"
    elif invitation.status in (Invitation.Status.DECLINED, Invitation.Status.REVOKED):
        reason = "closed"
    elif invitation.is_expired:
        reason = "expired"
    else:
        reason = ""
    if reason:
        return TemplateResponse(
            request,
            "organisations/invitation_invalid.html",
            {"reason": reason, "invitation": invitation, "organisation": invitation.organisation},
            status=410,
        )
    organisation = invitation.organisation
    user = request.user
    owns_address = user.is_authenticated and services._user_owns_email(user, invitation.email)
    if request.method == "POST":
        if not user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        action = request.POST.get("action")
        try:
            if action == "accept":
                services.invitation_accept(user=user, invitation=invitation)
                messages.success(request, _("Welcome to %(name)s!") % {"name": organisation.name})
                return redirect("organisations:mine")
            if action == "decline":
                services.invitation_decline(user=user, invitation=invitation)
                messages.info(
                    request, _("You have declined the invitation to %(name)s.") % {"name": organisation.name}
                )
                return redirect("organisations:mine")
            messages.error(request, _("Choose whether to accept or decline the invitation."))
        except ValidationError as exc:
            _add_errors(request, exc)
        return redirect(request.get_full_path())
    return TemplateResponse(
        request,
        "organisations/invitation_detail.html",
        {
            "invitation": invitation,
            "organisation": organisation,
            "owns_address": owns_address,
            "already_member": permissions.is_member(user, organisation),
            "next": request.get_full_path(),
        },
    )


# --- applications and coordinators -----------------------------------------------------------------


@GET_POST
def application(request, slug):
    """The application and status history: the organisation's members follow it, coordinators decide."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    organisation = get_object_or_404(Organisation, slug=slug)
    is_member = permissions.is_member(request.user, organisation)
    if request.user.is_coordinator and not is_member and not user_has_totp(request.user):
        return redirect_to_totp_setup(request)
    if not permissions.can_view_application(request.user, organisation):
        if permissions.can_view_profile(request.user, organisation):
            raise PermissionDenied
        raise Http404
    is_coordinator = permissions.is_coordinator(request.user)
    can_decide = permissions.can_decide_application(request.user, organisation)
    return TemplateResponse(
        request,
        "organisations/application_detail.html",
        {
            "organisation": organisation,
            "is_coordinator": is_coordinator,
            "can_decide": can_decide,
            "can_suspend": is_coordinator and organisation.status == Organisation.Status.APPROVED,
            "can_reinstate": is_coordinator and organisation.status == Organisation.Status.SUSPENDED,
            "primary_contact": selectors.primary_contact(organisation),
            "members": selectors.members_of(organisation) if is_coordinator else None,
            "history": organisation.status_changes.select_related("actor"),
            "approve_form": ApproveForm() if can_decide else None,
            "reject_form": RejectForm() if can_decide else None,
            "can_withdraw": permissions.can_withdraw(request.user, organisation),
        },
    )


def _decision_view(request, slug, *, form_class, template, allowed, perform, success):
    organisation = get_object_or_404(Organisation, slug=slug)
    if organisation.status not in allowed:
        messages.error(request, _("This organisation's status has changed; nothing was done."))
        return redirect("organisations:application", slug=organisation.slug)
    form = form_class(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            perform(organisation, form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, success % {"name": organisation.name})
            return redirect("organisations:coordinator_queue")
    return TemplateResponse(request, template, {"organisation": organisation, "form": form})


@coordinator_required
@GET_POST
def approve(request, slug):
    return _decision_view(
        request,
        slug,
        form_class=ApproveForm,
        template="organisations/application_approve.html",
        allowed=(Organisation.Status.PENDING, Organisation.Status.SUSPENDED),
        perform=lambda org, data: services.organisation_approve(
            actor=request.user, organisation=org, message=data["message"]
        ),
        success=_("%(name)s has been approved. Its administrators have been told by e-mail."),
    )


@coordinator_required
@GET_POST
def reject(request, slug):
    return _decision_view(
        request,
        slug,
        form_class=RejectForm,
        template="organisations/application_reject.html",
        allowed=(Organisation.Status.PENDING,),
        perform=lambda org, data: services.organisation_reject(
            actor=request.user, organisation=org, reason=data["reason"]
        ),
        success=_("The application from %(name)s has been rejected. The applicant has been told by e-mail."),
    )


@coordinator_required
@GET_POST
def suspend(request, slug):
    return _decision_view(
        request,
        slug,
        form_class=RejectForm,
        template="organisations/organisation_suspend.html",
        allowed=(Organisation.Status.APPROVED,),
        perform=lambda org, data: services.organisation_suspend(
            actor=request.user, organisation=org, reason=data["reason"]
        ),
        success=_("%(name)s has been suspended."),
    )


@coordinator_required
def coordinator_queue(request):
    return TemplateResponse(
        request,
        "organisations/coordinator_queue.html",
        {"applications": selectors.pending_applications()},
    )


@coordinator_required
def coordinator_list(request):
    form = StatusFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    organisations = selectors.coordinator_organisations(
        status=filters.get("status", ""), query=filters.get("q", "")
    )
    page_obj = Paginator(organisations, 50).get_page(request.GET.get("page"))
    query_string = request.GET.copy()
    query_string.pop("page", None)
    return TemplateResponse(
        request,
        "organisations/coordinator_list.html",
        {
            "form": form,
            "page_obj": page_obj,
            "organisations": page_obj.object_list,
            "query_string": query_string.urlencode(),
        },
    )


EXPORT_TYPES = {
    "csv": ("text/csv; charset=utf-8", "csv"),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx"),
}


@coordinator_required
def coordinator_export(request, fmt):
    if fmt not in EXPORT_TYPES:
        raise Http404
    form = StatusFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    organisations = selectors.coordinator_organisations(
        status=filters.get("status", ""), query=filters.get("q", "")
    ).prefetch_related("memberships__user")
    dataset = tablib.Dataset(
        headers=[
            _("Name"),
            _("Organisation number"),
            _("Kind of organisation"),
            _("Status"),
            _("Focus areas"),
            _("City districts"),
            _("Website"),
            _("Public e-mail address"),
            _("Phone"),
            _("Listed publicly"),
            _("Primary contact"),
            _("Primary contact's e-mail"),
            _("Active members"),
            _("Registered"),
        ],
        title=_("Organisations")[:31],
    )
    for org in organisations:
        active = [m for m in org.memberships.all() if m.ended is None]
        contact = next((m.user for m in active if m.is_primary_contact), None)
        dataset.append(
            [
                org.name,
                org.org_number_display,
                org.get_kind_display(),
                org.get_status_display(),
                ", ".join(fa.localized_name for fa in org.focus_areas.all()),
                org.city_districts,
                org.website,
                org.public_email,
                org.phone,
                _("yes") if org.listed_publicly else _("no"),
                contact.get_display_name() if contact else "",
                contact.email if contact else "",
                len(active),
                timezone.localtime(org.created).strftime("%Y-%m-%d"),
            ]
        )
    content_type, extension = EXPORT_TYPES[fmt]
    response = HttpResponse(dataset.export(fmt), content_type=content_type)
    filename = f"organisations-{timezone.localdate():%Y-%m-%d}.{extension}"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
