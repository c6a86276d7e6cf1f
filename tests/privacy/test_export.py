"""My data: the export service, its task, and the views that only ever show a person their own export."""

import datetime as dt
import io
import json
import zipfile

import pytest
from django.utils import timezone

from portal.models import DataExport
from privacy import services
from tests.factories import UserFactory
from tests.privacy.helpers import EMAIL, NAME, person_with_data_everywhere

pytestmark = pytest.mark.django_db


def _zip(export) -> zipfile.ZipFile:
    with export.file.open("rb") as handle:
        return zipfile.ZipFile(io.BytesIO(handle.read()))


def test_export_holds_the_persons_data_from_every_app(django_capture_on_commit_callbacks, mailoutbox):
    world = person_with_data_everywhere()
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        export = services.export_request(user=world.user)
    export.refresh_from_db()
    assert export.status == "done" and export.progress == 100
    archive = _zip(export)
    names = set(archive.namelist())
    assert {
        "index.html",
        "profile.json",
        "memberships.json",
        "comments.json",
        "response_drafts.json",
        "submitted_responses.json",
        "meeting_rsvps.json",
        "meeting_attendance.json",
        "notifications.json",
        "notification_preferences.json",
        "consents.json",
        "audit_entries.json",
        "invitations.json",
    } <= names
    profile = json.loads(archive.read("profile.json"))
    assert profile["email"] == EMAIL and profile["name"] == NAME
    comments = json.loads(archive.read("comments.json"))
    assert {c["text"] for c in comments} == {"Barnperspektivet saknas.", "Bra poäng."}
    drafts = json.loads(archive.read("response_drafts.json"))
    assert {d["text"] for d in drafts} == {"Föreningen Beta tillstyrker förslaget.", "Ett första utkast."}
    rsvps = json.loads(archive.read("meeting_rsvps.json"))
    assert rsvps[0]["needs"] == "Teckenspråkstolk behövs." and rsvps[0]["you_attend"] is True
    assert json.loads(archive.read("notification_preferences.json")) == [
        {"event": "consultations.opened", "frequency": "daily"}
    ]
    assert [c["version"] for c in json.loads(archive.read("consents.json"))] == ["2026-11-01"]
    authenticators = archive.read("two_factor_authenticators.json").decode()
    assert "totp" in authenticators and "secret" not in authenticators
    # Nobody else's comment is in it.
    assert "Håller med." not in archive.read("comments.json").decode()
    index = archive.read("index.html").decode()
    assert '<html lang="sv">' in index
    assert "Kommentarer i samråd" in index and "Barnperspektivet saknas." in index
    # The person is told by e-mail, in their language, with a link to the status page.
    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == [EMAIL]
    assert mailoutbox[0].subject == "En kopia av dina uppgifter är klar"
    assert f"https://portal.example.org/konto/mina-uppgifter/export/{export.public_id}/" in mailoutbox[0].body


def test_running_the_task_twice_builds_once_and_mails_once(django_capture_on_commit_callbacks, mailoutbox):
    from privacy.tasks import build_data_export

    user = UserFactory()
    export = services.export_request(user=user)  # not committed: the task has not run
    with django_capture_on_commit_callbacks(execute=True):
        build_data_export(export.pk)
    export.refresh_from_db()
    first_file = export.file.name
    with django_capture_on_commit_callbacks(execute=True):
        assert build_data_export(export.pk) == "done"
    export.refresh_from_db()
    assert export.file.name == first_file
    assert len(mailoutbox) == 1


def test_asking_again_while_one_is_prepared_returns_the_same_export():
    user = UserFactory()
    first = services.export_request(user=user)
    assert services.export_request(user=user) == first
    assert DataExport.objects.filter(user=user).count() == 1


def test_english_speaker_gets_english_index_and_mail(django_capture_on_commit_callbacks, mailoutbox):
    user = UserFactory(preferred_language="en", display_name="Sam Lee")
    with django_capture_on_commit_callbacks(execute=True):
        export = services.export_request(user=user)
    export.refresh_from_db()
    index = _zip(export).read("index.html").decode()
    assert '<html lang="en">' in index and "Your data in the reference group portal" in index
    assert mailoutbox[-1].subject == "A copy of your data is ready"


def test_the_file_is_outside_the_public_media_path(settings, django_capture_on_commit_callbacks):
    from pathlib import Path

    user = UserFactory()
    with django_capture_on_commit_callbacks(execute=True):
        export = services.export_request(user=user)
    export.refresh_from_db()
    path = Path(export.file.path)
    assert path.is_file()
    assert Path(settings.PRIVATE_MEDIA_ROOT).resolve() / "exports" in path.parents
    assert Path(settings.MEDIA_ROOT).resolve() not in path.parents
    # A random directory per export: the name cannot be guessed.
    assert len(path.parent.name) >= 30


# --- views ---------------------------------------------------------------------------------------


def test_my_data_page_requests_an_export_and_links_the_download(client, django_capture_on_commit_callbacks):
    user = UserFactory(display_name="Nora Nilsson")
    client.force_login(user)
    page = client.get("/konto/mina-uppgifter/")
    html = page.content.decode()
    assert "<h1>Mina uppgifter</h1>" in html
    assert "Ta fram en kopia av mina uppgifter" in html
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/konto/mina-uppgifter/export/")
    export = DataExport.objects.get(user=user)
    assert response.status_code == 302 and response["Location"] == export.get_absolute_url()
    status = client.get(export.get_absolute_url())
    assert "Ladda ner zip-filen" in status.content.decode()
    assert client.get(export.get_absolute_url() + "?format=json").json()["status"] == "done"
    download = client.get(export.get_download_url())
    assert download.status_code == 200
    assert download["Content-Type"] == "application/zip"
    assert "attachment" in download["Content-Disposition"]
    assert "no-store" in download["Cache-Control"]
    archive = zipfile.ZipFile(io.BytesIO(b"".join(download.streaming_content)))
    assert json.loads(archive.read("profile.json"))["name"] == "Nora Nilsson"


def test_someone_elses_export_is_not_found(client, django_capture_on_commit_callbacks):
    owner = UserFactory()
    with django_capture_on_commit_callbacks(execute=True):
        export = services.export_request(user=owner)
    other = UserFactory()
    client.force_login(other)
    assert client.get(export.get_download_url()).status_code == 404
    assert client.get(export.get_absolute_url()).status_code == 404
    assert client.get(export.get_absolute_url() + "?format=json").status_code == 404
    client.logout()
    anonymous = client.get(export.get_download_url())
    assert anonymous.status_code == 302 and "/accounts/login/" in anonymous["Location"]


def test_an_expired_export_cannot_be_downloaded_and_is_deleted(client, django_capture_on_commit_callbacks):
    from pathlib import Path

    user = UserFactory()
    with django_capture_on_commit_callbacks(execute=True):
        export = services.export_request(user=user)
    export.refresh_from_db()
    path = Path(export.file.path)
    DataExport.objects.filter(pk=export.pk).update(expires_at=timezone.now() - dt.timedelta(minutes=1))
    client.force_login(user)
    assert client.get(export.get_download_url()).status_code == 404
    with django_capture_on_commit_callbacks(execute=True):
        assert services.delete_expired_exports() == 1
    assert not DataExport.objects.filter(pk=export.pk).exists()
    assert not path.exists()
    assert services.delete_expired_exports() == 0


def test_private_media_is_not_served_as_media(client, django_capture_on_commit_callbacks):
    user = UserFactory()
    with django_capture_on_commit_callbacks(execute=True):
        export = services.export_request(user=user)
    export.refresh_from_db()
    assert client.get(f"/media/private/exports/{export.file.name}").status_code == 404
