"""The workspace's archive page: a coordinator asks for a package, a Celery task builds it with progress,
and the coordinator downloads it; nobody else sees or gets one."""

import hashlib
import io
import zipfile

import pytest
from django.urls import reverse

from consultations.models import Consultation
from opendata import services
from opendata.models import ArchivePackage
from portal.models import AuditEntry
from tests.factories import ConsultationFactory, MembershipFactory

pytestmark = pytest.mark.django_db
ARCHIVE = "/admin/workspace/archive/"


def _content(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def test_a_coordinator_makes_and_downloads_a_package(client, world, django_capture_on_commit_callbacks):
    concluded = world.public["concluded"]
    client.force_login(world.coord)
    page = client.get(ARCHIVE)
    assert page.status_code == 200
    text = page.content.decode()
    assert concluded.title in text and world.public["held"].title in text
    assert "Pågående" not in text  # only what can be archived is offered
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(ARCHIVE, {"target": f"consultation:{concluded.pk}"})
    package = ArchivePackage.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse(
        "workspace_archive_package", args=[package.pk]
    )
    assert package.status == ArchivePackage.Status.DONE and package.progress == 100
    assert package.consultation == concluded and package.requested_by == world.coord
    assert AuditEntry.objects.filter(action="opendata.archive_package", actor=world.coord).count() == 1
    status = client.get(reverse("workspace_archive_package", args=[package.pk]), {"format": "json"}).json()
    assert status["status"] == "done" and status["progress"] == 100
    shown = client.get(reverse("workspace_archive_package", args=[package.pk])).content.decode()
    assert package.sha256 in shown and "Ladda ner paketet" in shown
    download = client.get(reverse("workspace_archive_download", args=[package.pk]))
    assert download.status_code == 200
    body = _content(download)
    assert hashlib.sha256(body).hexdigest() == package.sha256 and len(body) == package.size
    names = zipfile.ZipFile(io.BytesIO(body)).namelist()
    assert any(name.endswith("/METS.xml") for name in names)
    assert any("/representations/rep1/data/responses/" in name for name in names)


def test_a_consultation_not_concluded_is_refused_with_the_reason(client, world):
    open_one = ConsultationFactory(title="Pågående samråd")
    client.force_login(world.coord)
    response = client.post(ARCHIVE, {"target": f"consultation:{open_one.pk}"}, follow=True)
    assert "Bara ett avslutat samråd" in response.content.decode()
    assert not ArchivePackage.objects.exists()
    response = client.post(ARCHIVE, {"target": "meeting:999999"}, follow=True)
    assert not ArchivePackage.objects.exists() and response.status_code == 200


def test_asking_twice_while_it_is_made_gives_one_package(world):
    concluded = world.public["concluded"]
    first = services.archive_package_request(actor=world.coord, target=concluded)
    second = services.archive_package_request(actor=world.coord, target=concluded)
    assert first.pk == second.pk and ArchivePackage.objects.count() == 1
    assert first.status == ArchivePackage.Status.PENDING


def test_others_get_no_package_and_cannot_ask_for_one(client, world):
    concluded = world.public["concluded"]
    package = services.archive_package_request(actor=world.coord, target=concluded)
    member = MembershipFactory().user
    client.force_login(member)
    for url in (
        ARCHIVE,
        reverse("workspace_archive_package", args=[package.pk]),
        reverse("workspace_archive_download", args=[package.pk]),
    ):
        assert client.get(url).status_code in (302, 403), url
    assert client.post(ARCHIVE, {"target": f"consultation:{concluded.pk}"}).status_code in (302, 403)
    assert ArchivePackage.objects.count() == 1
    assert Consultation.objects.filter(pk=concluded.pk).exists()
