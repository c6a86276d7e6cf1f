from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone, translation

from organisations import services
from organisations.models import (
    FocusArea,
    Invitation,
    JoinRequest,
    Membership,
    Organisation,
    OrganisationStatusChange,
)
from portal.models import AuditEntry
from tests.factories import MembershipFactory, OrganisationFactory, UserFactory, coordinator

pytestmark = pytest.mark.django_db


def register(user, **overrides):
    data = {
        "user": user,
        "name": "Föreningen Gemenskap",
        "kind": Organisation.Kind.NON_PROFIT,
        "org_number": "802001-5569",
        "focus_areas": FocusArea.objects.filter(slug__in=["afrofobi", "barn-och-unga"]),
        "description": "Läxhjälp och samtal.",
        "listed_publicly": True,
    }
    data.update(overrides)
    return services.organisation_register(**data)


def test_focus_areas_are_seeded_by_the_migration():
    slugs = list(FocusArea.objects.values_list("slug", flat=True))
    assert slugs == [
        "afrofobi",
        "antisemitism",
        "antiziganism",
        "islamofobi",
        "rasism-mot-samer",
        "alla-former-av-rasism",
        "barn-och-unga",
    ]
    area = FocusArea.objects.get(slug="rasism-mot-samer")
    with translation.override("en"):
        assert area.localized_name == "Racism against the Sami"
    with translation.override("sv"):
        assert area.localized_name == "Rasism mot samer"


def test_register_creates_pending_organisation_admin_and_history(
    django_capture_on_commit_callbacks, mailoutbox
):
    coordinator("samordnare@example.org", preferred_language="en")
    applicant = UserFactory(email="anna@example.org", display_name="Anna Andersson")
    with django_capture_on_commit_callbacks(execute=True):
        org = register(applicant)

    org.refresh_from_db()
    assert org.status == Organisation.Status.PENDING
    assert org.org_number == "8020015569"
    assert org.org_number_display == "802001-5569"
    assert org.slug == "foreningen-gemenskap"
    assert org.listing_consent_at is not None
    assert sorted(org.focus_areas.values_list("slug", flat=True)) == ["afrofobi", "barn-och-unga"]
    membership = Membership.objects.get(organisation=org)
    assert (membership.user, membership.role, membership.is_primary_contact) == (applicant, "admin", True)
    change = OrganisationStatusChange.objects.get(organisation=org)
    assert (change.from_status, change.to_status, change.actor) == ("", "pending", applicant)
    # The coordinator is told, in the coordinator's language (English).
    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == ["samordnare@example.org"]
    assert "New organisation application: Föreningen Gemenskap" in mailoutbox[0].subject
    assert "/en/organisationer/foreningen-gemenskap/ansokan/" in mailoutbox[0].body


def test_register_without_number_and_consent():
    org = register(UserFactory(), org_number="", listed_publicly=False)
    assert org.org_number == ""
    assert org.listing_consent_at is None
    # Two organisations without a number do not clash.
    register(UserFactory(), name="Nätverket Utan Nummer", org_number="")


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"name": "föreningen GEMENSKAP", "org_number": ""}, "name"),
        ({"name": "Helt Annat Namn", "org_number": "8020015569"}, "org_number"),
    ],
)
def test_duplicate_name_or_number_is_refused_and_nothing_stored(overrides, field, mailoutbox):
    existing = register(UserFactory())
    translation.activate("en")
    before = (
        Organisation.objects.count(),
        Membership.objects.count(),
        OrganisationStatusChange.objects.count(),
    )
    with pytest.raises(ValidationError) as excinfo:
        register(UserFactory(), **overrides)
    assert field in excinfo.value.error_dict
    message = excinfo.value.error_dict[field][0].messages[0]
    assert existing.name in message
    assert "ask to join" in message
    assert (
        Organisation.objects.count(),
        Membership.objects.count(),
        OrganisationStatusChange.objects.count(),
    ) == before


def test_invalid_org_number_is_refused_and_nothing_stored():
    with pytest.raises(ValidationError) as excinfo:
        register(UserFactory(), org_number="811228-9874")
    assert "org_number" in excinfo.value.error_dict
    assert Organisation.objects.count() == 0
    assert Membership.objects.count() == 0


def test_rejected_name_can_be_used_again(coordinator_user):
    org = register(UserFactory())
    services.organisation_reject(actor=coordinator_user, organisation=org, reason="Inte en förening.")
    again = register(UserFactory())
    assert again.slug == "foreningen-gemenskap-2"


def test_approve_writes_history_audit_and_mail(
    coordinator_user, django_capture_on_commit_callbacks, mailoutbox
):
    applicant = UserFactory(email="anna@example.org", preferred_language="sv", display_name="Anna")
    org = register(applicant)
    with django_capture_on_commit_callbacks(execute=True):
        services.organisation_approve(actor=coordinator_user, organisation=org)
    org.refresh_from_db()
    assert org.status == "approved"
    assert org.status_changes.first().to_status == "approved"
    assert org.status_changes.first().actor == coordinator_user
    entry = AuditEntry.objects.get(action="organisation.approve")
    assert entry.actor == coordinator_user and entry.object_id == str(org.pk)
    assert [m.to for m in mailoutbox] == [["anna@example.org"]]
    assert mailoutbox[0].subject.endswith("Föreningen Gemenskap har godkänts")
    # A second approval (double click) is refused and changes nothing.
    with pytest.raises(ValidationError):
        services.organisation_approve(actor=coordinator_user, organisation=org)
    assert org.status_changes.count() == 2


def test_reject_needs_a_reason_and_sends_it_in_the_applicants_language(
    coordinator_user, django_capture_on_commit_callbacks, mailoutbox
):
    applicant = UserFactory(email="sam@example.org", preferred_language="en", display_name="Sam")
    org = register(applicant)
    with pytest.raises(ValidationError):
        services.organisation_reject(actor=coordinator_user, organisation=org, reason="   ")
    org.refresh_from_db()
    assert org.status == "pending"
    assert not AuditEntry.objects.exists()
    with django_capture_on_commit_callbacks(execute=True):
        services.organisation_reject(
            actor=coordinator_user, organisation=org, reason="Please add a description."
        )
    org.refresh_from_db()
    assert org.status == "rejected"
    assert org.status_changes.first().reason == "Please add a description."
    assert AuditEntry.objects.get(action="organisation.reject").details == {
        "reason": "Please add a description."
    }
    assert len(mailoutbox) == 1
    assert mailoutbox[0].subject.startswith("[") is False
    assert "Your application for Föreningen Gemenskap" in mailoutbox[0].subject
    assert "Please add a description." in mailoutbox[0].body
    assert "has not approved" in mailoutbox[0].body


def test_only_coordinators_decide(org_admin, organisation):
    org = register(UserFactory())
    with pytest.raises(PermissionDenied):
        services.organisation_approve(actor=org_admin, organisation=org)
    assert Organisation.objects.get(pk=org.pk).status == "pending"


def test_suspend_and_reinstate(coordinator_user, organisation):
    services.organisation_suspend(actor=coordinator_user, organisation=organisation, reason="Utreds.")
    organisation.refresh_from_db()
    assert organisation.status == "suspended"
    assert not Organisation.objects.approved().listed().filter(pk=organisation.pk).exists()
    services.organisation_approve(actor=coordinator_user, organisation=organisation)
    assert Organisation.objects.get(pk=organisation.pk).status == "approved"
    assert list(AuditEntry.objects.order_by("pk").values_list("action", flat=True)) == [
        "organisation.suspend",
        "organisation.approve",
    ]


def test_withdraw_by_admin(org_admin, organisation):
    services.organisation_withdraw(actor=org_admin, organisation=organisation)
    assert Organisation.objects.get(pk=organisation.pk).status == "withdrawn"
    assert not AuditEntry.objects.exists()


def test_update_records_consent_time_and_refuses_duplicates(org_admin, organisation):
    OrganisationFactory(name="Redan Finns")
    with pytest.raises(ValidationError):
        services.organisation_update(actor=org_admin, organisation=organisation, name="REDAN FINNS")
    assert Organisation.objects.get(pk=organisation.pk).name == "Unga mot rasism"
    services.organisation_update(actor=org_admin, organisation=organisation, listed_publicly=False)
    organisation.refresh_from_db()
    assert (organisation.listed_publicly, organisation.listing_consent_at) == (False, None)
    services.organisation_update(
        actor=org_admin, organisation=organisation, listed_publicly=True, phone="08-123"
    )
    organisation.refresh_from_db()
    assert organisation.listed_publicly and organisation.listing_consent_at and organisation.phone == "08-123"


def test_member_cannot_update(member, organisation):
    with pytest.raises(PermissionDenied):
        services.organisation_update(actor=member, organisation=organisation, phone="1")


def test_coordinator_focus_area_change_is_audited(coordinator_user, org_admin, organisation):
    services.organisation_set_focus_areas(
        actor=org_admin, organisation=organisation, focus_areas=FocusArea.objects.filter(slug="afrofobi")
    )
    assert not AuditEntry.objects.exists()
    services.organisation_set_focus_areas(
        actor=coordinator_user,
        organisation=organisation,
        focus_areas=FocusArea.objects.filter(slug="islamofobi"),
    )
    entry = AuditEntry.objects.get(action="organisation.set_focus_areas")
    assert entry.details == {"before": ["afrofobi"], "after": ["islamofobi"]}


# --- last admin ------------------------------------------------------------------------------------


def test_last_admin_cannot_leave_be_demoted_or_removed(org_admin, member, organisation, coordinator_user):
    translation.activate("en")
    admin_membership = Membership.objects.get(user=org_admin, organisation=organisation)
    with pytest.raises(ValidationError) as excinfo:
        services.membership_leave(user=org_admin, organisation=organisation)
    assert "only administrator" in excinfo.value.messages[0]
    with pytest.raises(ValidationError) as excinfo:
        services.membership_change_role(actor=org_admin, membership=admin_membership, role="member")
    assert "only administrator" in excinfo.value.messages[0]
    # A coordinator cannot remove the last admin either.
    with pytest.raises(ValidationError):
        services.membership_remove(actor=coordinator_user, membership=admin_membership)
    admin_membership.refresh_from_db()
    assert admin_membership.is_active and admin_membership.role == "admin"


def test_last_admin_message_is_translated(org_admin, organisation):
    with translation.override("sv"), pytest.raises(ValidationError) as excinfo:
        services.membership_leave(user=org_admin, organisation=organisation)
    assert "enda administratör" in excinfo.value.messages[0]


def test_second_admin_lets_first_one_leave_and_takes_over_as_contact(org_admin, member, organisation):
    member_membership = Membership.objects.get(user=member, organisation=organisation)
    services.membership_change_role(actor=org_admin, membership=member_membership, role="admin")
    services.membership_leave(user=org_admin, organisation=organisation)
    old = Membership.objects.get(user=org_admin, organisation=organisation)
    assert old.ended is not None and not old.is_primary_contact
    member_membership.refresh_from_db()
    assert member_membership.is_primary_contact
    # Rejoining later is possible: only one *active* membership is unique.
    MembershipFactory(user=org_admin, organisation=organisation)


def test_remove_member(org_admin, member, organisation):
    membership = Membership.objects.get(user=member, organisation=organisation)
    services.membership_remove(actor=org_admin, membership=membership)
    assert not Membership.objects.active().filter(user=member, organisation=organisation).exists()
    with pytest.raises(ValidationError):
        services.membership_remove(actor=org_admin, membership=membership)


def test_member_cannot_remove_others(org_admin, member, organisation):
    with pytest.raises(PermissionDenied):
        services.membership_remove(
            actor=member, membership=Membership.objects.get(user=org_admin, organisation=organisation)
        )


def test_unique_active_membership_constraint(member, organisation):
    with pytest.raises(ValidationError):
        Membership(user=member, organisation=organisation).full_clean()


# --- invitations -----------------------------------------------------------------------------------


def test_invitation_flow_sends_mail_in_invitee_language(
    org_admin, organisation, django_capture_on_commit_callbacks, mailoutbox
):
    invitee = UserFactory(email="ny@example.org", preferred_language="en", verified=True)
    with django_capture_on_commit_callbacks(execute=True):
        invitation = services.invitation_create(
            actor=org_admin, organisation=organisation, email="NY@example.org", role="member"
        )
    assert invitation.email == "ny@example.org"
    assert invitation.expires_at - invitation.created > timedelta(days=13, hours=23)
    assert len(mailoutbox) == 1
    mail = mailoutbox[0]
    assert mail.to == ["ny@example.org"]
    assert "You are invited to join Unga mot rasism" in mail.subject
    assert "/en/organisationer/inbjudan/" in mail.body

    membership = services.invitation_accept(user=invitee, invitation=invitation)
    assert membership.role == "member" and membership.organisation == organisation
    invitation.refresh_from_db()
    assert invitation.status == "accepted" and invitation.accepted_by == invitee
    # Reuse is refused.
    with pytest.raises(ValidationError) as excinfo:
        services.invitation_accept(user=invitee, invitation=invitation)
    assert excinfo.value.error_list[0].code == "used"


def test_invitation_to_unknown_address_is_in_swedish(
    org_admin, organisation, django_capture_on_commit_callbacks, mailoutbox
):
    with django_capture_on_commit_callbacks(execute=True):
        services.invitation_create(actor=org_admin, organisation=organisation, email="okand@example.org")
    assert mailoutbox[0].subject.startswith("Du är inbjuden")


def test_expired_invitation_is_refused_and_replaceable(org_admin, organisation):
    invitee = UserFactory(email="ny@example.org")
    invitation = services.invitation_create(
        actor=org_admin, organisation=organisation, email="ny@example.org"
    )
    Invitation.objects.filter(pk=invitation.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    invitation.refresh_from_db()
    with pytest.raises(ValidationError) as excinfo:
        services.invitation_accept(user=invitee, invitation=invitation)
    assert excinfo.value.error_list[0].code == "expired"
    assert not Membership.objects.filter(user=invitee).exists()
    # An open invitation blocks a second one; an expired one is replaced.
    again = services.invitation_create(actor=org_admin, organisation=organisation, email="ny@example.org")
    invitation.refresh_from_db()
    assert invitation.status == "expired" and again.status == "pending"
    with pytest.raises(ValidationError):
        services.invitation_create(actor=org_admin, organisation=organisation, email="ny@example.org")


def test_invitation_must_be_answered_by_the_invited_address(org_admin, organisation, outsider):
    invitation = services.invitation_create(
        actor=org_admin, organisation=organisation, email="ny@example.org"
    )
    with pytest.raises(ValidationError) as excinfo:
        services.invitation_accept(user=outsider, invitation=invitation)
    assert excinfo.value.error_list[0].code == "wrong_user"
    assert not Membership.objects.filter(user=outsider).exists()


def test_revoke_and_decline(org_admin, organisation):
    invitee = UserFactory(email="ny@example.org")
    first = services.invitation_create(actor=org_admin, organisation=organisation, email="ny@example.org")
    services.invitation_revoke(actor=org_admin, invitation=first)
    with pytest.raises(ValidationError):
        services.invitation_accept(user=invitee, invitation=first)
    second = services.invitation_create(actor=org_admin, organisation=organisation, email="ny@example.org")
    services.invitation_decline(user=invitee, invitation=second)
    second.refresh_from_db()
    assert second.status == "declined"
    with pytest.raises(ValidationError):
        services.invitation_revoke(actor=org_admin, invitation=second)


def test_cannot_invite_existing_member_or_into_pending_org(org_admin, member, organisation):
    with pytest.raises(ValidationError):
        services.invitation_create(actor=org_admin, organisation=organisation, email="member@example.org")
    pending = register(UserFactory(email="p@example.org"), name="Väntande", org_number="")
    admin = Membership.objects.get(organisation=pending).user
    with pytest.raises(ValidationError):
        services.invitation_create(actor=admin, organisation=pending, email="x@example.org")
    assert not Invitation.objects.exists()


def test_member_cannot_invite(member, organisation):
    with pytest.raises(PermissionDenied):
        services.invitation_create(actor=member, organisation=organisation, email="x@example.org")


def test_invitation_tokens():
    from django.core import signing

    from organisations.tokens import SALT, InvalidToken, invitation_from_token

    org = OrganisationFactory()
    invitation = Invitation.objects.create(organisation=org, email="a@example.org")
    token = invitation.get_token()
    assert invitation_from_token(token) == invitation
    for forged in [
        token[:-2] + "xx",
        "nonsense",
        # Signed by someone else (another salt stands for another secret).
        signing.TimestampSigner(salt="not-the-portal").sign_object({"i": invitation.pk, "k": invitation.key}),
        # Correctly signed, but guessing the random key.
        signing.TimestampSigner(salt=SALT).sign_object({"i": invitation.pk, "k": "guess"}),
        # Correctly signed, naming a row that does not exist.
        signing.TimestampSigner(salt=SALT).sign_object({"i": invitation.pk + 1000, "k": invitation.key}),
    ]:
        with pytest.raises(InvalidToken):
            invitation_from_token(forged)
    # A token for a row whose key changed (re-keyed by hand) no longer matches.
    Invitation.objects.filter(pk=invitation.pk).update(key="different")
    with pytest.raises(InvalidToken):
        invitation_from_token(token)


# --- join requests ---------------------------------------------------------------------------------


def test_join_request_accept(
    org_admin, organisation, outsider, django_capture_on_commit_callbacks, mailoutbox
):
    with django_capture_on_commit_callbacks(execute=True):
        jr = services.join_request_create(user=outsider, organisation=organisation, message="Hej!")
    assert [m.to for m in mailoutbox] == [["admin@example.org"]]
    assert "Olle Utanför" in mailoutbox[0].subject
    with pytest.raises(ValidationError):
        services.join_request_create(user=outsider, organisation=organisation)
    with django_capture_on_commit_callbacks(execute=True):
        membership = services.join_request_accept(actor=org_admin, join_request=jr)
    assert membership.role == "member"
    jr.refresh_from_db()
    assert jr.status == "accepted" and jr.decided_by == org_admin and jr.decided_at
    assert mailoutbox[-1].to == ["outsider@example.org"]
    assert "Du är nu medlem" in mailoutbox[-1].subject
    with pytest.raises(ValidationError):
        services.join_request_decline(actor=org_admin, join_request=jr)


def test_join_request_decline_and_permissions(
    org_admin, member, organisation, outsider, mailoutbox, django_capture_on_commit_callbacks
):
    jr = services.join_request_create(user=outsider, organisation=organisation)
    with pytest.raises(PermissionDenied):
        services.join_request_accept(actor=member, join_request=jr)
    with django_capture_on_commit_callbacks(execute=True):
        services.join_request_decline(actor=org_admin, join_request=jr)
    assert JoinRequest.objects.get(pk=jr.pk).status == "declined"
    assert not Membership.objects.filter(user=outsider).exists()
    assert mailoutbox[-1].to == ["outsider@example.org"]


def test_join_request_refused_for_members_and_unapproved(member, organisation):
    with pytest.raises(ValidationError):
        services.join_request_create(user=member, organisation=organisation)
    pending = OrganisationFactory(status="pending")
    with pytest.raises(ValidationError):
        services.join_request_create(user=UserFactory(), organisation=pending)
    assert not JoinRequest.objects.exists()


def test_no_mail_when_transaction_rolls_back(
    org_admin, organisation, django_capture_on_commit_callbacks, mailoutbox
):
    from django.db import transaction

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        try:
            with transaction.atomic():
                services.invitation_create(actor=org_admin, organisation=organisation, email="z@example.org")
                raise RuntimeError("boom")
        except RuntimeError:
            pass
    assert callbacks == []
    assert mailoutbox == []
    assert not Invitation.objects.exists()


# --- attribution -----------------------------------------------------------------------------------


def test_attribution_and_speaking_for(member, organisation):
    from organisations.attribution import attribution, organisation_for_choice, speaking_for_choices

    second = OrganisationFactory(name="Andra Föreningen")
    MembershipFactory(user=member, organisation=second)
    MembershipFactory(user=member, organisation=OrganisationFactory(name="Väntar", status="pending"))
    assert attribution(member, organisation) == "Mats Medlem, Unga mot rasism"
    assert attribution(member) == "Mats Medlem"
    assert [name for _, name in speaking_for_choices(member)] == ["Andra Föreningen", "Unga mot rasism"]
    assert organisation_for_choice(member, str(second.pk)) == second
    with pytest.raises(ValidationError):
        organisation_for_choice(member, OrganisationFactory().pk)
