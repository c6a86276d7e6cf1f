from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from organisations import services
from organisations.models import FocusArea, Invitation, JoinRequest, Membership, Organisation
from tests.factories import MembershipFactory, OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db


def form_data(**overrides):
    data = {
        "name": "Kvinnor mot rasism",
        "org_number": "802001-5569",
        "kind": "ideell_forening",
        "focus_areas": [FocusArea.objects.get(slug="afrofobi").pk],
        "description": "Samtalsgrupper.",
        "city_districts": "Rinkeby-Kista",
        "website": "",
        "public_email": "",
        "phone": "",
        "listed_publicly": "on",
    }
    data.update(overrides)
    return data


def test_register_needs_a_verified_address(client):
    user = UserFactory(email="unverified@example.org", verified=False)
    client.force_login(user)
    response = client.get(reverse("organisations:register"))
    # allauth shows its "verify your e-mail" page instead of the form.
    assert b'name="org_number"' not in response.content


def test_register_and_follow_status(client, coordinator_user, mailoutbox, django_capture_on_commit_callbacks):
    user = UserFactory(email="anna@example.org", display_name="Anna")
    client.force_login(user)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("organisations:register"), form_data(), follow=True)
    assert response.redirect_chain[-1][0] == reverse("organisations:mine")
    org = Organisation.objects.get(name="Kvinnor mot rasism")
    assert org.status == "pending" and org.org_number == "8020015569"
    content = response.content.decode()
    assert "Kvinnor mot rasism" in content
    assert "väntar på godkännande" in content  # the status, in Swedish
    assert len(mailoutbox) == 1

    services.organisation_reject(
        actor=coordinator_user, organisation=org, reason="Saknar verksamhet i Stockholm."
    )
    content = client.get(reverse("organisations:mine")).content.decode()
    assert "Saknar verksamhet i Stockholm." in content


@pytest.mark.parametrize(
    ("number", "fragment"),
    [
        ("802001-5568", "kontrollsiffra"),
        ("811228-9874", "personnummer"),
        ("1234", "NNNNNN-NNNN"),
    ],
)
def test_register_with_bad_number_shows_accessible_error_and_stores_nothing(client, number, fragment):
    client.force_login(UserFactory())
    response = client.post(reverse("organisations:register"), form_data(org_number=number))
    assert response.status_code == 200
    content = response.content.decode()
    assert fragment in content
    assert "NNNNNN-NNNN" in content
    assert 'aria-invalid="true"' in content
    assert 'id="id_org_number-errors"' in content
    assert 'aria-describedby="id_org_number-help id_org_number-errors"' in content
    assert not Organisation.objects.exists()


def test_duplicate_name_points_to_the_existing_organisation(client, organisation):
    client.force_login(UserFactory())
    response = client.post(
        reverse("organisations:register"), form_data(name="UNGA MOT RASISM", org_number="")
    )
    content = response.content.decode()
    assert "redan registrerad" in content
    assert organisation.get_absolute_url() in content
    assert Organisation.objects.count() == 1


def test_directory_search_filter_and_public_fields_only(client, organisation, member):
    organisation.focus_areas.set(FocusArea.objects.filter(slug="antiziganism"))
    OrganisationFactory(name="Stiftelsen Bro", kind="stiftelse")
    OrganisationFactory(name="Dold förening", listed_publicly=False, listing_consent_at=None)
    OrganisationFactory(name="Väntande förening", status="pending")
    url = reverse("organisations:directory")

    content = client.get(url).content.decode()
    assert "Unga mot rasism" in content and "Stiftelsen Bro" in content
    assert "Dold förening" not in content and "Väntande förening" not in content

    content = client.get(url, {"q": "bro"}).content.decode()
    assert "Stiftelsen Bro" in content and "Unga mot rasism" not in content
    content = client.get(url, {"focus_area": "antiziganism"}).content.decode()
    assert "Unga mot rasism" in content and "Stiftelsen Bro" not in content
    content = client.get(url, {"kind": "stiftelse"}).content.decode()
    assert "Stiftelsen Bro" in content and "Unga mot rasism" not in content

    profile = client.get(organisation.get_absolute_url()).content.decode()
    assert "Unga mot rasism" in profile
    assert member.get_display_name() not in profile
    assert member.email not in profile


def test_directory_paginates_by_twenty(client):
    for i in range(25):
        OrganisationFactory(name=f"Org {i:02d}")
    first = client.get(reverse("organisations:directory")).content.decode()
    second = client.get(reverse("organisations:directory"), {"page": 2}).content.decode()
    assert "Org 19" in first and "Org 20" not in first
    assert "Org 20" in second and "Org 24" in second


def test_directory_in_english(client, organisation):
    organisation.focus_areas.set(FocusArea.objects.filter(slug="rasism-mot-samer"))
    with translation.override("en"):
        url = reverse("organisations:directory")
    assert url.startswith("/en/")
    content = client.get(url).content.decode()
    assert "Member organisations" in content
    assert "Racism against the Sami" in content


def test_ask_to_join_and_admin_accepts(client, organisation, org_admin, outsider):
    client.force_login(outsider)
    profile = client.get(organisation.get_absolute_url()).content.decode()
    assert reverse("organisations:join", args=[organisation.slug]) in profile
    response = client.post(reverse("organisations:join", args=[organisation.slug]), {"message": "Hej"})
    assert response.status_code == 302
    jr = JoinRequest.objects.get(user=outsider)

    client.force_login(org_admin)
    settings_page = client.get(reverse("organisations:settings", args=[organisation.slug])).content.decode()
    assert outsider.get_display_name() in settings_page
    client.post(reverse("organisations:join_request", args=[organisation.slug, jr.pk]), {"action": "accept"})
    assert Membership.objects.active().filter(user=outsider, organisation=organisation).exists()


def test_remove_member_needs_confirmation(client, organisation, org_admin, member):
    membership = Membership.objects.get(user=member, organisation=organisation)
    url = reverse("organisations:member_remove", args=[organisation.slug, membership.pk])
    client.force_login(org_admin)
    confirm = client.get(url)
    assert confirm.status_code == 200 and "Mats Medlem" in confirm.content.decode()
    membership.refresh_from_db()
    assert membership.is_active
    client.post(url)
    membership.refresh_from_db()
    assert not membership.is_active


def test_last_admin_leaving_is_refused_with_a_reason(client, organisation, org_admin):
    client.force_login(org_admin)
    response = client.post(reverse("organisations:leave", args=[organisation.slug]), follow=True)
    assert "enda administratör" in response.content.decode()
    assert Membership.objects.active().filter(user=org_admin).exists()


def test_role_change_refused_for_last_admin(client, organisation, org_admin):
    membership = Membership.objects.get(user=org_admin)
    client.force_login(org_admin)
    response = client.post(
        reverse("organisations:member_role", args=[organisation.slug, membership.pk]),
        {"role": "member"},
        follow=True,
    )
    assert "enda administratör" in response.content.decode()
    assert Membership.objects.get(pk=membership.pk).role == "admin"


def test_invite_revoke_and_landing_pages(client, organisation, org_admin):
    client.force_login(org_admin)
    client.post(
        reverse("organisations:invite", args=[organisation.slug]),
        {"invite-email": "ny@example.org", "invite-role": "member"},
    )
    invitation = Invitation.objects.get(email="ny@example.org")
    url = invitation.get_absolute_url()

    invitee = UserFactory(email="ny@example.org")
    client.force_login(invitee)
    page = client.get(url)
    assert page.status_code == 200 and 'value="accept"' in page.content.decode()

    # Forged
    assert client.get(url[:-3] + "abc/").status_code == 404
    # Withdrawn
    client.force_login(org_admin)
    revoke = reverse("organisations:invitation_revoke", args=[organisation.slug, invitation.pk])
    assert client.get(revoke).status_code == 200  # the confirmation step
    assert Invitation.objects.get(pk=invitation.pk).status == "pending"
    client.post(revoke)
    assert Invitation.objects.get(pk=invitation.pk).status == "revoked"
    client.force_login(invitee)
    response = client.get(url)
    assert response.status_code == 410
    assert "dragits tillbaka" in response.content.decode()


def test_accept_invitation_via_page_and_reuse(client, organisation, org_admin):
    invitation = services.invitation_create(
        actor=org_admin, organisation=organisation, email="ny@example.org"
    )
    url = invitation.get_absolute_url()
    anonymous = client.get(url)
    assert anonymous.status_code == 200
    assert reverse("account_signup") in anonymous.content.decode()
    invitee = UserFactory(email="ny@example.org")
    client.force_login(invitee)
    response = client.post(url, {"action": "accept"})
    assert response.status_code == 302
    assert Membership.objects.active().filter(user=invitee, organisation=organisation).exists()
    used = client.get(url)
    assert used.status_code == 410
    assert "redan använts" in used.content.decode()


def test_expired_invitation_page(client, organisation, org_admin):
    invitation = services.invitation_create(
        actor=org_admin, organisation=organisation, email="ny@example.org"
    )
    Invitation.objects.filter(pk=invitation.pk).update(expires_at=timezone.now() - timedelta(minutes=1))
    client.force_login(UserFactory(email="ny@example.org"))
    response = client.get(invitation.get_absolute_url())
    assert response.status_code == 410
    assert "har gått ut" in response.content.decode()
    client.post(invitation.get_absolute_url(), {"action": "accept"})
    assert not Membership.objects.filter(user__email="ny@example.org").exists()


def test_coordinator_approves_and_rejects_via_pages(
    client, coordinator_user, mailoutbox, django_capture_on_commit_callbacks
):
    applicant = UserFactory(email="a@example.org")
    first = services.organisation_register(user=applicant, name="Första", kind="annan")
    second = services.organisation_register(user=applicant, name="Andra", kind="annan")
    client.force_login(coordinator_user)
    queue = client.get(reverse("organisations:coordinator_queue")).content.decode()
    assert "Första" in queue and "Andra" in queue
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("organisations:approve", args=[first.slug]), {"message": ""})
    assert Organisation.objects.get(pk=first.pk).status == "approved"
    # A rejection without a reason is refused.
    response = client.post(reverse("organisations:reject", args=[second.slug]), {"reason": ""})
    assert response.status_code == 200 and 'aria-invalid="true"' in response.content.decode()
    assert Organisation.objects.get(pk=second.pk).status == "pending"
    client.post(reverse("organisations:reject", args=[second.slug]), {"reason": "Dubblett."})
    assert Organisation.objects.get(pk=second.pk).status == "rejected"


def test_exports(client, coordinator_user, organisation, org_admin):
    client.force_login(coordinator_user)
    csv = client.get(reverse("organisations:coordinator_export", args=["csv"]))
    assert csv["Content-Type"].startswith("text/csv")
    text = csv.content.decode()
    assert "Unga mot rasism" in text and "admin@example.org" in text
    filtered = client.get(reverse("organisations:coordinator_export", args=["csv"]), {"status": "pending"})
    assert "Unga mot rasism" not in filtered.content.decode()
    xlsx = client.get(reverse("organisations:coordinator_export", args=["xlsx"]))
    assert xlsx.content[:2] == b"PK"
    import tablib

    data = tablib.Dataset().load(xlsx.content, format="xlsx")
    assert data[0][0] == "Unga mot rasism"
    assert client.get(reverse("organisations:coordinator_export", args=["pdf"])).status_code == 404


def test_coordinator_list_filters_by_status(client, coordinator_user, organisation):
    OrganisationFactory(name="Pausad", status="suspended")
    client.force_login(coordinator_user)
    content = client.get(reverse("organisations:coordinator_list"), {"status": "suspended"}).content.decode()
    assert "Pausad" in content and "Unga mot rasism" not in content


def test_settings_edit_profile(client, organisation, org_admin):
    client.force_login(org_admin)
    url = reverse("organisations:settings", args=[organisation.slug])
    page = client.get(url).content.decode()
    assert "<legend>" in page  # checkbox groups sit in fieldsets with legends
    response = client.post(
        url,
        form_data(
            name="Unga mot rasism",
            org_number="556036-0793",
            focus_areas=[FocusArea.objects.get(slug="barn-och-unga").pk],
        ),
    )
    assert response.status_code == 302
    organisation.refresh_from_db()
    assert organisation.org_number == "5560360793"
    assert list(organisation.focus_areas.values_list("slug", flat=True)) == ["barn-och-unga"]


def test_an_admin_takes_the_organisation_out_of_the_portal_after_confirming(
    client, organisation, org_admin, member
):
    url = reverse("organisations:withdraw", args=[organisation.slug])
    client.force_login(org_admin)
    settings_page = client.get(reverse("organisations:settings", args=[organisation.slug])).content.decode()
    assert f'href="{url}"' in settings_page

    confirm = client.get(url)
    html = confirm.content.decode()
    assert confirm.status_code == 200
    assert "Ta Unga mot rasism ur portalen" in html
    assert "registrera organisationen på nytt" in html
    organisation.refresh_from_db()
    assert organisation.status == Organisation.Status.APPROVED  # looking is not doing

    response = client.post(url, {"reason": "Föreningen läggs ner vid årsskiftet."}, follow=True)
    assert response.redirect_chain[-1][0] == reverse("organisations:mine")
    assert "Unga mot rasism har lämnat portalen." in response.content.decode()
    organisation.refresh_from_db()
    assert organisation.status == Organisation.Status.WITHDRAWN
    change = organisation.status_changes.latest("created")
    assert change.to_status == Organisation.Status.WITHDRAWN and change.actor == org_admin
    assert change.reason == "Föreningen läggs ner vid årsskiftet."
    assert "Unga mot rasism" not in client.get(reverse("organisations:directory")).content.decode()
    # Once out, there is nothing left to withdraw.
    assert client.get(url).status_code in (403, 404)


def test_a_member_cannot_take_the_organisation_out(client, organisation, org_admin, member):
    client.force_login(member)
    url = reverse("organisations:withdraw", args=[organisation.slug])
    assert client.post(url, {"reason": ""}).status_code == 403
    organisation.refresh_from_db()
    assert organisation.status == Organisation.Status.APPROVED


def test_a_pending_application_can_be_withdrawn_from_its_page(client, org_admin):
    pending = OrganisationFactory(name="Nya föreningen", slug="nya-foreningen", status="pending")
    MembershipFactory(user=org_admin, organisation=pending, role="admin")
    client.force_login(org_admin)
    page = client.get(reverse("organisations:application", args=[pending.slug])).content.decode()
    assert "Dra tillbaka ansökan" in page
    client.post(reverse("organisations:withdraw", args=[pending.slug]), {"reason": ""})
    pending.refresh_from_db()
    assert pending.status == Organisation.Status.WITHDRAWN


def test_an_overlong_reason_is_refused_and_nothing_changes(client, organisation, org_admin):
    client.force_login(org_admin)
    url = reverse("organisations:withdraw", args=[organisation.slug])
    response = client.post(url, {"reason": "x" * 4001})
    assert response.status_code == 400
    assert "som mest 4000 tecken (den har 4001)" in response.content.decode()
    organisation.refresh_from_db()
    assert organisation.status == Organisation.Status.APPROVED
