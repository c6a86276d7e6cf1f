"""Every state change of an organisation, its memberships, invitations and join requests.

Each service runs in one transaction and validates before it saves, so nothing is stored when it
refuses; e-mail is scheduled with `delay_on_commit`, so it leaves only when the change is stored.
Services check the rules (statuses, the last admin); views check who may call them, and services
check it again where a wrong caller would do harm.
"""

from collections.abc import Iterable

from allauth.account.models import EmailAddress
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from portal.services import audit_log

from . import notifications
from .models import FocusArea, Invitation, JoinRequest, Membership, Organisation, OrganisationStatusChange
from .validators import compact_org_number

Status = Organisation.Status

PROFILE_FIELDS = (
    "name",
    "org_number",
    "kind",
    "description",
    "website",
    "public_email",
    "phone",
    "city_districts",
    "logo",
    "listed_publicly",
)


# --- helpers -------------------------------------------------------------------------------------


def _is_coordinator(user) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.is_coordinator)


def _require_coordinator(actor) -> None:
    if not _is_coordinator(actor):
        raise PermissionDenied("Only coordinators may do this.")


def _active_admin(actor, organisation: Organisation) -> Membership | None:
    if not getattr(actor, "is_authenticated", False):
        return None
    return Membership.objects.active().admins().filter(user=actor, organisation=organisation).first()


def _require_admin_or_coordinator(actor, organisation: Organisation) -> None:
    if _active_admin(actor, organisation) is None and not _is_coordinator(actor):
        raise PermissionDenied("Only the organisation's administrators may do this.")


def _require_approved(organisation: Organisation) -> None:
    if organisation.status != Status.APPROVED:
        raise ValidationError(_("This can only be done once the city has approved the organisation."))


def find_duplicate(
    *, name: str = "", org_number: str = "", exclude_pk=None
) -> tuple[str, Organisation] | None:
    """An active organisation with the same name (any case) or number: ("name"|"org_number", organisation)."""
    candidates = Organisation.objects.active()
    if exclude_pk is not None:
        candidates = candidates.exclude(pk=exclude_pk)
    name = " ".join((name or "").split())
    if name:
        match = candidates.annotate(lname=Lower("name")).filter(lname=name.lower()).first()
        if match:
            return "name", match
    number = compact_org_number(org_number)
    if number:
        match = candidates.filter(org_number=number).first()
        if match:
            return "org_number", match
    return None


def duplicate_error(field: str, existing: Organisation) -> ValidationError:
    if field == "name":
        message = _(
            "An organisation called “%(name)s” is already registered. If you belong to it, ask to join it "
            "from its page, or ask one of its administrators to invite you."
        )
    else:
        message = _(
            "This organisation number is already registered for “%(name)s”. If you belong to it, ask to "
            "join it from its page, or ask one of its administrators to invite you."
        )
    return ValidationError(
        {field: ValidationError(message, code="duplicate", params={"name": existing.name})}
    )


def _check_duplicates(organisation: Organisation) -> None:
    duplicate = find_duplicate(
        name=organisation.name, org_number=organisation.org_number, exclude_pk=organisation.pk
    )
    if duplicate:
        raise duplicate_error(*duplicate)


def _unique_slug(name: str, exclude_pk=None) -> str:
    from .urls import RESERVED_SLUGS

    base = slugify(name)[:200] or "organisation"
    if base in RESERVED_SLUGS:
        base = f"{base}-organisation"
    slug, n = base, 2
    while Organisation.objects.filter(slug=slug).exclude(pk=exclude_pk).exists():
        slug = f"{base}-{n}"
        n += 1
    return slug


def _set_status(
    *, organisation: Organisation, to_status: str, actor, reason: str = ""
) -> OrganisationStatusChange:
    change = OrganisationStatusChange(
        organisation=organisation,
        from_status=organisation.status if organisation.pk else "",
        to_status=to_status,
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        reason=reason,
    )
    organisation.status = to_status
    organisation.full_clean()
    organisation.save()
    change.organisation = organisation
    change.full_clean()
    change.save()
    return change


def _locked(organisation: Organisation) -> Organisation:
    """Re-read the row under a lock so two coordinators cannot decide the same application twice."""
    return Organisation.objects.select_for_update().get(pk=organisation.pk)


def _apply_consent(organisation: Organisation, listed_publicly: bool) -> None:
    if listed_publicly and not organisation.listing_consent_at:
        organisation.listing_consent_at = timezone.now()
    elif not listed_publicly:
        organisation.listing_consent_at = None
    organisation.listed_publicly = listed_publicly


# --- organisations -------------------------------------------------------------------------------


@transaction.atomic
def organisation_register(
    *,
    user,
    name: str,
    kind: str,
    org_number: str = "",
    focus_areas: Iterable[FocusArea] = (),
    description: str = "",
    website: str = "",
    public_email: str = "",
    phone: str = "",
    city_districts: str = "",
    logo=None,
    listed_publicly: bool = False,
) -> Organisation:
    """A verified person applies for an organisation: it is stored as pending, with the applicant as its
    first administrator and primary contact, and the coordinators are told. Not idempotent: a second
    call with the same name is refused as a duplicate."""
    if not getattr(user, "is_authenticated", False):
        raise PermissionDenied("Log in to register an organisation.")
    organisation = Organisation(
        name=name,
        kind=kind,
        org_number=org_number,
        description=description,
        website=website,
        public_email=public_email,
        phone=phone,
        city_districts=city_districts,
        status=Status.PENDING,
    )
    if logo:
        organisation.logo = logo
    _apply_consent(organisation, listed_publicly)
    organisation.clean()
    _check_duplicates(organisation)
    organisation.slug = _unique_slug(organisation.name)
    _set_status(organisation=organisation, to_status=Status.PENDING, actor=user)
    organisation.focus_areas.set(list(focus_areas))
    membership = Membership(
        user=user, organisation=organisation, role=Membership.Role.ADMIN, is_primary_contact=True
    )
    membership.full_clean()
    membership.save()
    notifications.application_received(organisation)
    return organisation


@transaction.atomic
def organisation_approve(*, actor, organisation: Organisation, message: str = "") -> Organisation:
    """A coordinator approves a pending application (or lets a suspended organisation back in).
    Refused when the organisation is in any other state, so a double click approves once."""
    _require_coordinator(actor)
    organisation = _locked(organisation)
    if organisation.status not in (Status.PENDING, Status.SUSPENDED):
        raise ValidationError(_("Only pending or suspended organisations can be approved."))
    previous = organisation.status
    _set_status(organisation=organisation, to_status=Status.APPROVED, actor=actor, reason=message)
    audit_log(actor=actor, action="organisation.approve", target=organisation, from_status=previous)
    if previous == Status.PENDING:
        notifications.organisation_approved(organisation, actor=actor)
    return organisation


@transaction.atomic
def organisation_reject(*, actor, organisation: Organisation, reason: str) -> Organisation:
    """A coordinator rejects a pending application with a reason that the applicant is sent."""
    _require_coordinator(actor)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(
            {"reason": _("Write why the application is rejected; the applicant will read it.")}
        )
    organisation = _locked(organisation)
    if organisation.status != Status.PENDING:
        raise ValidationError(_("Only pending applications can be rejected."))
    _set_status(organisation=organisation, to_status=Status.REJECTED, actor=actor, reason=reason)
    audit_log(actor=actor, action="organisation.reject", target=organisation, reason=reason)
    notifications.organisation_rejected(organisation, actor=actor)
    return organisation


@transaction.atomic
def organisation_suspend(*, actor, organisation: Organisation, reason: str = "") -> Organisation:
    """A coordinator suspends an approved organisation: it leaves the directory and its members can no
    longer speak for it until it is approved again."""
    _require_coordinator(actor)
    organisation = _locked(organisation)
    if organisation.status != Status.APPROVED:
        raise ValidationError(_("Only approved organisations can be suspended."))
    _set_status(organisation=organisation, to_status=Status.SUSPENDED, actor=actor, reason=reason.strip())
    audit_log(actor=actor, action="organisation.suspend", target=organisation, reason=reason.strip())
    return organisation


@transaction.atomic
def organisation_withdraw(*, actor, organisation: Organisation, reason: str = "") -> Organisation:
    """The organisation (one of its admins) or a coordinator takes it out of the portal. Its name and
    number become free again; memberships stay as history."""
    _require_admin_or_coordinator(actor, organisation)
    organisation = _locked(organisation)
    if organisation.status in Organisation.INACTIVE_STATUSES:
        raise ValidationError(_("This organisation is no longer active."))
    _set_status(organisation=organisation, to_status=Status.WITHDRAWN, actor=actor, reason=reason.strip())
    if _active_admin(actor, organisation) is None:
        audit_log(actor=actor, action="organisation.withdraw", target=organisation, reason=reason.strip())
    return organisation


@transaction.atomic
def organisation_update(*, actor, organisation: Organisation, **fields) -> Organisation:
    """Change the profile. Admins may edit while pending or approved; coordinators always. The
    focus areas go through `organisation_set_focus_areas`."""
    unknown = set(fields) - set(PROFILE_FIELDS)
    if unknown:
        raise TypeError(f"Unknown fields: {', '.join(sorted(unknown))}")
    _require_admin_or_coordinator(actor, organisation)
    organisation = _locked(organisation)
    if organisation.status in Organisation.INACTIVE_STATUSES and not _is_coordinator(actor):
        raise ValidationError(_("This organisation is no longer active and cannot be edited."))
    listed = fields.pop("listed_publicly", None)
    logo = fields.pop("logo", None)
    changed = []
    for field, value in fields.items():
        if getattr(organisation, field) != value:
            setattr(organisation, field, value)
            changed.append(field)
    if logo is not None:
        organisation.logo = logo or ""
        changed.append("logo")
    if listed is not None and listed != organisation.listed_publicly:
        _apply_consent(organisation, listed)
        changed.append("listed_publicly")
    organisation.clean()
    _check_duplicates(organisation)
    organisation.full_clean()
    organisation.save()
    if _is_coordinator(actor) and _active_admin(actor, organisation) is None and changed:
        audit_log(actor=actor, action="organisation.update", target=organisation, fields=sorted(changed))
    return organisation


@transaction.atomic
def organisation_set_focus_areas(
    *, actor, organisation: Organisation, focus_areas: Iterable[FocusArea]
) -> Organisation:
    """Replace the organisation's focus areas. Coordinators' changes go to the audit trail."""
    _require_admin_or_coordinator(actor, organisation)
    new = list(focus_areas)
    before = sorted(organisation.focus_areas.values_list("slug", flat=True))
    organisation.focus_areas.set(new)
    after = sorted(fa.slug for fa in new)
    if _is_coordinator(actor) and _active_admin(actor, organisation) is None and before != after:
        audit_log(
            actor=actor,
            action="organisation.set_focus_areas",
            target=organisation,
            before=before,
            after=after,
        )
    return organisation


# --- invitations ---------------------------------------------------------------------------------


def _user_owns_email(user, email: str) -> bool:
    email = email.strip().lower()
    if user.email.lower() == email:
        return True
    return EmailAddress.objects.filter(user=user, email__iexact=email, verified=True).exists()


@transaction.atomic
def invitation_create(
    *, actor, organisation: Organisation, email: str, role: str = Membership.Role.MEMBER
) -> Invitation:
    """An admin invites someone by e-mail; the link is valid for 14 days. Inviting an address that
    already has an open invitation is refused; an expired one is closed and replaced."""
    if _active_admin(actor, organisation) is None:
        raise PermissionDenied("Only the organisation's administrators may invite.")
    _require_approved(organisation)
    email = (email or "").strip().lower()
    if Membership.objects.active().filter(organisation=organisation, user__email__iexact=email).exists():
        raise ValidationError({"email": _("%(email)s is already a member.") % {"email": email}})
    open_ones = Invitation.objects.select_for_update().filter(
        organisation=organisation, email__iexact=email, status=Invitation.Status.PENDING
    )
    for existing in open_ones:
        if existing.is_expired:
            existing.status = Invitation.Status.EXPIRED
            existing.save(update_fields=["status"])
        else:
            raise ValidationError(
                {
                    "email": _("%(email)s has already been invited and has not answered yet.")
                    % {"email": email}
                }
            )
    invitation = Invitation(organisation=organisation, email=email, role=role, invited_by=actor)
    invitation.full_clean()
    invitation.save()
    notifications.invitation_sent(invitation)
    return invitation


def _check_open_invitation(invitation: Invitation, user) -> None:
    if invitation.status == Invitation.Status.ACCEPTED:
        raise ValidationError(_("This invitation has already been used."), code="used")
    if invitation.status in (Invitation.Status.DECLINED, Invitation.Status.REVOKED):
        raise ValidationError(_("This invitation is no longer valid."), code="closed")
    if invitation.is_expired:
        raise ValidationError(
            _("This invitation has expired. Ask the organisation to send a new one."), code="expired"
        )
    if not _user_owns_email(user, invitation.email):
        raise ValidationError(
            _("This invitation was sent to %(email)s. Log in with that address to answer it.")
            % {"email": invitation.email},
            code="wrong_user",
        )


@transaction.atomic
def invitation_accept(*, user, invitation: Invitation) -> Membership:
    """The invitee joins with the invited role. Only once, only before expiry, only by the person who
    owns the invited address."""
    invitation = Invitation.objects.select_for_update().select_related("organisation").get(pk=invitation.pk)
    _check_open_invitation(invitation, user)
    organisation = invitation.organisation
    _require_approved(organisation)
    if Membership.objects.active().filter(user=user, organisation=organisation).exists():
        raise ValidationError(_("You are already a member of %(name)s.") % {"name": organisation.name})
    membership = Membership(user=user, organisation=organisation, role=invitation.role)
    membership.full_clean()
    membership.save()
    now = timezone.now()
    invitation.status = Invitation.Status.ACCEPTED
    invitation.answered_at = now
    invitation.accepted_by = user
    invitation.save(update_fields=["status", "answered_at", "accepted_by"])
    JoinRequest.objects.filter(
        organisation=organisation, user=user, status=JoinRequest.Status.PENDING
    ).update(status=JoinRequest.Status.ACCEPTED, decided_at=now, decided_by=invitation.invited_by)
    return membership


@transaction.atomic
def invitation_decline(*, user, invitation: Invitation) -> Invitation:
    """The invitee says no; the link stops working."""
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    _check_open_invitation(invitation, user)
    invitation.status = Invitation.Status.DECLINED
    invitation.answered_at = timezone.now()
    invitation.save(update_fields=["status", "answered_at"])
    return invitation


@transaction.atomic
def invitation_revoke(*, actor, invitation: Invitation) -> Invitation:
    """An admin withdraws an unanswered invitation; the link stops working."""
    invitation = Invitation.objects.select_for_update().select_related("organisation").get(pk=invitation.pk)
    _require_admin_or_coordinator(actor, invitation.organisation)
    if invitation.status != Invitation.Status.PENDING:
        raise ValidationError(_("Only unanswered invitations can be withdrawn."))
    invitation.status = Invitation.Status.REVOKED
    invitation.answered_at = timezone.now()
    invitation.save(update_fields=["status", "answered_at"])
    return invitation


# --- join requests -------------------------------------------------------------------------------


@transaction.atomic
def join_request_create(*, user, organisation: Organisation, message: str = "") -> JoinRequest:
    """A signed-in person asks to join an approved organisation; its admins are told."""
    if not getattr(user, "is_authenticated", False):
        raise PermissionDenied("Log in to ask to join.")
    _require_approved(organisation)
    if not organisation.listed_publicly:
        raise PermissionDenied("Unlisted organisations take new members by invitation only.")
    if Membership.objects.active().filter(user=user, organisation=organisation).exists():
        raise ValidationError(_("You are already a member of %(name)s.") % {"name": organisation.name})
    if JoinRequest.objects.filter(
        user=user, organisation=organisation, status=JoinRequest.Status.PENDING
    ).exists():
        raise ValidationError(
            _("You have already asked to join this organisation. Its administrators will answer.")
        )
    join_request = JoinRequest(user=user, organisation=organisation, message=(message or "").strip())
    join_request.full_clean()
    join_request.save()
    notifications.join_request_received(join_request)
    return join_request


def _decide_join_request(*, actor, join_request: JoinRequest, status: str) -> JoinRequest:
    join_request = (
        JoinRequest.objects.select_for_update().select_related("organisation").get(pk=join_request.pk)
    )
    if _active_admin(actor, join_request.organisation) is None:
        raise PermissionDenied("Only the organisation's administrators may answer join requests.")
    if join_request.status != JoinRequest.Status.PENDING:
        raise ValidationError(_("This request has already been answered."))
    join_request.status = status
    join_request.decided_by = actor
    join_request.decided_at = timezone.now()
    join_request.full_clean()
    join_request.save()
    return join_request


@transaction.atomic
def join_request_accept(*, actor, join_request: JoinRequest) -> Membership:
    """An admin lets the person in as a member; the person is told."""
    _require_approved(join_request.organisation)
    join_request = _decide_join_request(
        actor=actor, join_request=join_request, status=JoinRequest.Status.ACCEPTED
    )
    if (
        Membership.objects.active()
        .filter(user=join_request.user, organisation=join_request.organisation)
        .exists()
    ):
        raise ValidationError(_("This person is already a member."))
    membership = Membership(user=join_request.user, organisation=join_request.organisation)
    membership.full_clean()
    membership.save()
    notifications.join_request_decided(join_request)
    return membership


@transaction.atomic
def join_request_decline(*, actor, join_request: JoinRequest) -> JoinRequest:
    """An admin says no; the person is told."""
    join_request = _decide_join_request(
        actor=actor, join_request=join_request, status=JoinRequest.Status.DECLINED
    )
    notifications.join_request_decided(join_request)
    return join_request


# --- memberships ---------------------------------------------------------------------------------


def _other_active_admins(membership: Membership):
    return (
        Membership.objects.select_for_update()
        .active()
        .admins()
        .filter(organisation_id=membership.organisation_id)
        .exclude(pk=membership.pk)
    )


def _refuse_if_last_admin(membership: Membership, message: str) -> None:
    if membership.is_admin and not _other_active_admins(membership).exists():
        raise ValidationError(message, code="last_admin")


def _end(membership: Membership) -> None:
    membership.ended = timezone.now()
    was_primary = membership.is_primary_contact
    membership.is_primary_contact = False
    membership.save(update_fields=["ended", "is_primary_contact"])
    if was_primary:
        successor = _other_active_admins(membership).order_by("started", "pk").first()
        if successor:
            successor.is_primary_contact = True
            successor.save(update_fields=["is_primary_contact"])


def _locked_membership(membership: Membership) -> Membership:
    membership = (
        Membership.objects.select_for_update().select_related("organisation", "user").get(pk=membership.pk)
    )
    if not membership.is_active:
        raise ValidationError(_("This membership has already ended."))
    return membership


@transaction.atomic
def membership_change_role(*, actor, membership: Membership, role: str) -> Membership:
    """An admin makes a member an admin or the reverse. The last admin cannot be demoted."""
    membership = _locked_membership(membership)
    _require_admin_or_coordinator(actor, membership.organisation)
    if role not in Membership.Role.values:
        raise ValidationError({"role": _("Choose a role from the list.")})
    if role == membership.role:
        return membership
    if role != Membership.Role.ADMIN:
        _refuse_if_last_admin(
            membership,
            _("%(name)s is the organisation's only administrator. Make someone else an administrator first.")
            % {"name": membership.user.get_display_name()},
        )
    membership.role = role
    if role != Membership.Role.ADMIN and membership.is_primary_contact:
        membership.is_primary_contact = False
        membership.save(update_fields=["role", "is_primary_contact"])
        successor = _other_active_admins(membership).order_by("started", "pk").first()
        if successor:
            successor.is_primary_contact = True
            successor.save(update_fields=["is_primary_contact"])
    else:
        membership.save(update_fields=["role"])
    if _is_coordinator(actor) and _active_admin(actor, membership.organisation) is None:
        audit_log(actor=actor, action="membership.change_role", target=membership, role=role)
    return membership


@transaction.atomic
def membership_remove(*, actor, membership: Membership) -> Membership:
    """An admin ends someone else's membership. The last admin cannot be removed."""
    membership = _locked_membership(membership)
    _require_admin_or_coordinator(actor, membership.organisation)
    if membership.user_id == getattr(actor, "pk", None):
        raise ValidationError(_("To leave the organisation yourself, use “Leave organisation”."))
    _refuse_if_last_admin(
        membership,
        _(
            "%(name)s is the organisation's only administrator and cannot be removed. Make someone else an "
            "administrator first."
        )
        % {"name": membership.user.get_display_name()},
    )
    _end(membership)
    if _is_coordinator(actor) and _active_admin(actor, membership.organisation) is None:
        audit_log(actor=actor, action="membership.remove", target=membership)
    return membership


@transaction.atomic
def membership_leave(*, user, organisation: Organisation) -> Membership:
    """A person leaves an organisation. The last admin cannot leave: the organisation would have nobody
    to manage it."""
    membership = Membership.objects.active().filter(user=user, organisation=organisation).first()
    if membership is None:
        raise ValidationError(_("You are not a member of this organisation."))
    membership = _locked_membership(membership)
    _refuse_if_last_admin(
        membership,
        _(
            "You are the organisation's only administrator and cannot leave. Make someone else an "
            "administrator first."
        ),
    )
    _end(membership)
    return membership


# --- focus areas ---------------------------------------------------------------------------------


@transaction.atomic
def focus_area_save(*, actor, focus_area: FocusArea) -> FocusArea:
    """A coordinator adds or edits an entry of the focus-area list (in the Wagtail admin); audited."""
    _require_coordinator(actor)
    created = focus_area.pk is None
    focus_area.full_clean()
    focus_area.save()
    audit_log(
        actor=actor,
        action="focus_area.create" if created else "focus_area.update",
        target=focus_area,
        name_sv=focus_area.name_sv,
        name_en=focus_area.name_en,
    )
    return focus_area
