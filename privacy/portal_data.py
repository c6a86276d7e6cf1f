"""The portal's own part of a person's data: profile, addresses, consents, log-ins, audit entries."""

from django.contrib.contenttypes.models import ContentType
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from portal.models import AuditEntry, DataExport, LoginEvent, PrivacyConsent
from privacy.registry import register


def export(user) -> dict:
    from allauth.account.models import EmailAddress
    from allauth.mfa.models import Authenticator

    user_type = ContentType.objects.get_for_model(type(user))
    audit = AuditEntry.objects.filter(
        Q(actor=user) | Q(content_type=user_type, object_id=str(user.pk))
    ).order_by("created", "pk")
    return {
        "profile": {
            "email": user.email,
            "name": user.display_name,
            "first_name": user.first_name,
            "last_name": user.last_name,
            "preferred_language": user.preferred_language,
            "date_joined": user.date_joined,
            "last_login": user.last_login,
            "is_coordinator": user.is_coordinator,
            "groups": list(user.groups.values_list("name", flat=True)),
        },
        "email_addresses": [
            {"email": a.email, "verified": a.verified, "primary": a.primary}
            for a in EmailAddress.objects.filter(user=user).order_by("pk")
        ],
        "two_factor_authenticators": [
            # The secrets themselves stay out of the export: a stolen file must not log anyone in.
            {"type": a.type, "created_at": a.created_at, "last_used_at": a.last_used_at}
            for a in Authenticator.objects.filter(user=user).order_by("pk")
        ],
        "consents": [
            {"version": c.version, "accepted_at": c.accepted_at}
            for c in PrivacyConsent.objects.filter(user=user).order_by("accepted_at")
        ],
        "logins": [
            {"time": e.created, "network": e.network}
            for e in LoginEvent.objects.filter(user=user).order_by("created")
        ],
        "data_exports": [
            {"requested": e.created, "status": e.status, "expires_at": e.expires_at}
            for e in DataExport.objects.filter(user=user).order_by("created")
        ],
        "audit_entries": [
            {
                "time": e.created,
                "action": e.action,
                "by_you": e.actor_id == user.pk,
                "object": e.object_repr,
                "details": e.details,
            }
            for e in audit
        ],
    }


def blockers(user) -> list:
    """The last site administrator cannot go: nobody could then run the site's admin."""
    from django.contrib.auth import get_user_model

    from privacy.services import Blocker

    if not user.is_superuser:
        return []
    others = get_user_model().objects.filter(is_superuser=True, is_active=True).exclude(pk=user.pk)
    if others.exists():
        return []
    return [
        Blocker(
            message=_("You are the site's only administrator. Make someone else a site administrator first.")
        )
    ]


def erase(user) -> None:
    from privacy.services import _portal_erase

    _portal_erase(user)


register(
    "portal",
    exporter=export,
    eraser=erase,
    blocker=blockers,
    titles={
        "profile": _("Your profile"),
        "email_addresses": _("E-mail addresses"),
        "two_factor_authenticators": _("Two-factor authentication"),
        "consents": _("Acceptance of the privacy terms"),
        "logins": _("Log-ins"),
        "data_exports": _("Data exports"),
        "audit_entries": _("Audit trail entries about you or by you"),
    },
)
