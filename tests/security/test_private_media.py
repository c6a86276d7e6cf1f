"""Private files are never under the public media root: each private kind answers 404 at its direct
path under /media/ (served here exactly as the README's proxy serves MEDIA_ROOT), and its permission-checked
view answers 200 to those who may read it and 403/404 to those who may not. With PRIVATE_MEDIA_SERVE set,
the view hands the transfer to the proxy (X-Accel-Redirect, X-Sendfile) instead of sending the bytes."""

import importlib
from pathlib import Path

import pytest
from django.apps import apps as django_apps
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from tests.factories import (
    AgendaItemFactory,
    ConsultationFactory,
    MeetingFactory,
    MeetingInvitationFactory,
    MembershipFactory,
    OrganisationFactory,
    UserFactory,
    coordinator,
)

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.security.proxy_urls")]

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _client(user=None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def _body(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


@pytest.fixture
def world(settings, tmp_path, django_capture_on_commit_callbacks):
    from wagtail.documents.models import Document

    from consultations import services as consultation_services
    from consultations.models import Export, Response
    from meetings.models import MeetingDocument
    from privacy import services as privacy_services

    settings.MEDIA_ROOT = str(tmp_path / "media")
    org_a = OrganisationFactory(name="Alfa", slug="alfa")
    org_b = OrganisationFactory(name="Beta", slug="beta")
    admin_a = MembershipFactory(organisation=org_a, role="admin").user
    member_a = MembershipFactory(organisation=org_a, role="member").user
    admin_b = MembershipFactory(organisation=org_b, role="admin").user
    outsider = UserFactory()
    coord = coordinator("samordnare-privat@example.org")

    consultation = ConsultationFactory(sections=1)
    draft = consultation_services.response_for(consultation=consultation, organisation=org_a)
    draft = consultation_services.response_save_draft(
        response=draft,
        user=admin_a,
        revision=draft.revision,
        text="Utkast",
        new_files=[SimpleUploadedFile("utkast.pdf", PDF, "application/pdf")],
    )
    attachment = draft.attachments.get()
    submitted = consultation_services.response_for(consultation=consultation, organisation=org_b)
    submitted = consultation_services.response_save_draft(
        response=submitted,
        user=admin_b,
        revision=submitted.revision,
        text="Svar",
        new_files=[SimpleUploadedFile("inskickat.pdf", PDF, "application/pdf")],
    )
    version = consultation_services.response_submit(
        response=submitted, user=admin_b, revision=Response.objects.get(pk=submitted.pk).revision
    )
    version_file = version.files.get()
    export = Export.objects.create(
        consultation=consultation,
        kind="xlsx",
        requested_by=coord,
        status=Export.Status.DONE,
        file=ContentFile(b"PK\x03\x04 export", name="samrad.xlsx"),
    )

    document = Document.objects.create(title="Internt underlag", file=ContentFile(PDF, name="internt.pdf"))
    meeting = MeetingFactory(title="Internt möte", invite_all_approved=False, is_public=False)
    MeetingInvitationFactory(meeting=meeting, organisation=org_a)
    AgendaItemFactory(meeting=meeting, is_public=False)
    MeetingDocument.objects.create(meeting=meeting, document=document)

    with django_capture_on_commit_callbacks(execute=True):
        data_export = privacy_services.export_request(user=member_a)
    data_export.refresh_from_db()

    return {
        "users": {
            "anonymous": None,
            "outsider": outsider,
            "member_a": member_a,
            "admin_a": admin_a,
            "admin_b": admin_b,
            "coordinator": coord,
        },
        # kind -> (field file, permission-checked URL, who gets 200)
        "kinds": {
            "draft attachment": (
                attachment.file,
                reverse("consultations:attachment", kwargs={"pk": attachment.pk}),
                {"admin_a", "member_a"},
            ),
            "submitted response file": (
                version_file.file,
                reverse("consultations:version_file", kwargs={"pk": version_file.pk}),
                {"admin_b", "coordinator"},
            ),
            "coordinator export": (
                export.file,
                reverse("workspace_consultation_export_download", kwargs={"pk": export.pk}),
                {"coordinator"},
            ),
            "members-only meeting document": (
                document.file,
                document.url,
                {"member_a", "admin_a", "coordinator"},
            ),
            "data export": (data_export.file, data_export.get_download_url(), {"member_a"}),
        },
    }


KINDS = [
    "draft attachment",
    "submitted response file",
    "coordinator export",
    "members-only meeting document",
    "data export",
]


@pytest.mark.parametrize("kind", KINDS)
def test_a_private_file_is_stored_outside_media_root_and_404_by_direct_path(world, kind, settings):
    field_file, _url, _allowed = world["kinds"][kind]
    path = Path(field_file.path).resolve()
    assert path.is_file()
    assert Path(settings.PRIVATE_MEDIA_ROOT).resolve() in path.parents
    assert Path(settings.MEDIA_ROOT).resolve() not in path.parents
    # Every name it could have under the public media path: the storage name and the path relative to the
    # private root (which includes e.g. the data exports' folder).
    relative = path.relative_to(Path(settings.PRIVATE_MEDIA_ROOT).resolve()).as_posix()
    for name in {field_file.name, relative}:
        for user in world["users"].values():
            assert _client(user).get(f"/media/{name}").status_code == 404, (kind, name)


def test_public_media_is_still_served_directly(world, settings):
    """The proxy set-up in the tests really serves MEDIA_ROOT: a public file answers 200 at /media/."""
    from django.core.files.storage import default_storage

    name = default_storage.save("organisations/logos/logo.png", ContentFile(b"\x89PNG\r\n\x1a\nlogo"))
    assert (Path(settings.MEDIA_ROOT) / name).is_file()
    assert _client().get(f"/media/{name}").status_code == 200


@pytest.mark.parametrize("kind", KINDS)
def test_the_permission_checked_view_serves_only_those_who_may(world, kind):
    field_file, url, allowed = world["kinds"][kind]
    with field_file.open("rb") as handle:
        content = handle.read()
    for role, user in world["users"].items():
        response = _client(user).get(url)
        if role in allowed:
            assert response.status_code == 200, (kind, role)
            assert _body(response) == content
            assert response["X-Content-Type-Options"] == "nosniff"
            # Wagtail shows PDFs inline, under its own `Content-Security-Policy: default-src 'none'`.
            assert response["Content-Disposition"].split(";")[0] in ("attachment", "inline")
        elif user is None:
            assert response.status_code in (302, 404), (kind, role, response.status_code)
            if response.status_code == 302:
                assert reverse("account_login") in response["Location"]
        elif kind == "coordinator export" and response.status_code == 302:
            # Inside the Wagtail admin (the workspace): who may not enter it is sent to log in.
            assert reverse("account_login") in response["Location"], (kind, role)
        else:
            assert response.status_code in (403, 404), (kind, role, response.status_code)


@pytest.mark.parametrize(
    ("method", "header"), [("x-accel-redirect", "X-Accel-Redirect"), ("x-sendfile", "X-Sendfile")]
)
@pytest.mark.parametrize("kind", ["draft attachment", "members-only meeting document", "data export"])
def test_the_view_hands_the_transfer_to_the_proxy_when_configured(world, settings, kind, method, header):
    settings.PRIVATE_MEDIA_SERVE = method
    settings.PRIVATE_MEDIA_ACCEL_PREFIX = "/_private/"
    field_file, url, allowed = world["kinds"][kind]
    path = Path(field_file.path).resolve()
    user = world["users"][sorted(allowed)[0]]
    response = _client(user).get(url)
    assert response.status_code == 200
    assert _body(response) == b""
    relative = path.relative_to(Path(settings.PRIVATE_MEDIA_ROOT).resolve()).as_posix()
    if method == "x-accel-redirect":
        assert response[header] == "/_private/" + relative
    else:
        assert response[header] == str(path)
    assert "filename=" in response["Content-Disposition"]
    # The body is empty, and the length says so (the proxy sets the file's own when it sends it).
    assert response.get("Content-Length", "0") == "0"
    # Who may not still gets nothing, not even a hand-off.
    refused = _client(world["users"]["outsider"]).get(url)
    assert refused.status_code in (403, 404) and header not in refused


def test_the_data_migrations_move_existing_files_out_of_media_root(world, settings):
    """Files stored before this change (under MEDIA_ROOT) are moved by the migrations, names unchanged."""
    from portal.private_media import move_to_private

    field_file = world["kinds"]["draft attachment"][0]
    private_path = Path(field_file.path)
    public_path = Path(settings.MEDIA_ROOT) / field_file.name
    assert move_to_private([field_file.name], reverse=True) == 1
    assert public_path.is_file() and not private_path.exists()
    migration = importlib.import_module("consultations.migrations.0004_private_storage")
    migration.move_files(django_apps, None)
    assert private_path.is_file() and not public_path.exists()
    # Running it again moves nothing and loses nothing.
    assert move_to_private([field_file.name]) == 0
    assert private_path.is_file()
