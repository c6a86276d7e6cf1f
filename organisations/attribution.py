"""How a contribution is signed: "Name, Organisation". Consultations and meetings use these helpers for
every comment, response and minute entry, so that attribution looks and behaves the same everywhere."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from .models import Membership, Organisation


def attribution(author, organisation: Organisation | None = None) -> str:
    """ "Anna Svensson, Föreningen X", or just the name when the person speaks for themselves."""
    name = author.get_display_name() if author is not None else _("Former member")
    if organisation is None:
        return name
    return _("%(name)s, %(organisation)s") % {"name": name, "organisation": organisation.name}


def speaking_for_memberships(user):
    """The active memberships through which `user` may speak: approved organisations only."""
    if not getattr(user, "is_authenticated", False):
        return Membership.objects.none()
    return (
        Membership.objects.active()
        .filter(user=user, organisation__status=Organisation.Status.APPROVED)
        .select_related("organisation")
        .order_by("-is_primary_contact", "organisation__name")
    )


def speaking_for_choices(user) -> list[tuple[int, str]]:
    """Choices for a "speaking for" form field: [(organisation id, organisation name), ...].

    A person in one organisation gets one choice (the form can then hide the field); a person in none
    gets an empty list, and the form should explain that only members of approved organisations take part.
    """
    return [(m.organisation_id, m.organisation.name) for m in speaking_for_memberships(user)]


def organisation_for_choice(user, value) -> Organisation:
    """The organisation that `user` chose to speak for, re-checked on the server."""
    try:
        pk = int(value)
    except (TypeError, ValueError) as exc:
        raise ValidationError(_("Choose which organisation you speak for.")) from exc
    membership = speaking_for_memberships(user).filter(organisation_id=pk).first()
    if membership is None:
        raise ValidationError(_("You can only speak for an approved organisation that you are a member of."))
    return membership.organisation


def default_organisation(organisations, last_used_ids=()):
    """Which of `organisations` (those that may act here, already filtered) a form preselects.

    The only one; else the one last used (`last_used_ids`, newest first); else None, so the person
    chooses. Never "the first by name": that signed contributions for the wrong organisation."""
    organisations = list(organisations)
    if len(organisations) == 1:
        return organisations[0]
    by_id = {org.pk: org for org in organisations}
    for pk in last_used_ids:
        if pk in by_id:
            return by_id[pk]
    return None
