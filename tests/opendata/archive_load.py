"""A concluded consultation with many submitted responses and large attached files, for the archive's
memory test (tests/opendata/test_archive_memory.py) and benchmark (bench/archive_memory.py).

The files are random bytes (they do not compress, as scanned PDFs hardly do), saved through the real
private storage the response files use, so the package reads them from disk as it does in production."""

import datetime as dt
import hashlib
import os
import uuid

from django.core.files.base import ContentFile
from django.utils import timezone

from consultations.models import Consultation, Response, ResponseVersion, ResponseVersionFile
from tests.factories import ConsultationFactory, OrganisationFactory


def concluded_consultation_with_files(
    *, responses: int, file_size: int, files_per_response: int = 1, label: str = ""
) -> Consultation:
    """`responses` organisations have each submitted one version with `files_per_response` files of
    `file_size` random bytes; the outcome is published (only `concluded_at` matters to the archive)."""
    now = timezone.now()
    run = uuid.uuid4().hex[:8]  # unique names, also in a database kept from an earlier run
    consultation = ConsultationFactory(
        title=f"Samråd med många svar {label}".strip(),
        slug=f"samrad-med-manga-svar-{run}",
        opens_at=now - dt.timedelta(days=40),
        closes_at=now - dt.timedelta(days=10),
        published_at=now - dt.timedelta(days=40),
        reference_number=f"KS 2026/{label or 'bench'}",
    )
    for n in range(responses):
        organisation = OrganisationFactory(name=f"Föreningen {run} {n}", slug=f"foreningen-{run}-{n}")
        text = f"Samrådssvar nummer {n} från {organisation.name}. " * 20
        response = Response.objects.create(consultation=consultation, organisation=organisation, text=text)
        version = ResponseVersion.objects.create(
            response=response,
            number=1,
            text=text,
            submitted_at=now - dt.timedelta(days=11),
            submitted_by_name="Bench Benchsson",
            sha256=hashlib.sha256(text.encode()).hexdigest(),
            receipt_number=f"R{consultation.pk:04d}-{organisation.pk:05d}-01",
        )
        for f in range(files_per_response):
            content = os.urandom(file_size)
            attached = ResponseVersionFile(
                version=version,
                name=f"bilaga-{f + 1}.pdf",
                content_type="application/pdf",
                size=file_size,
                sha256=hashlib.sha256(content).hexdigest(),
            )
            attached.file.save(attached.name, ContentFile(content), save=False)
            attached.save()
            del content
    Consultation.objects.filter(pk=consultation.pk).update(concluded_at=now - dt.timedelta(days=1))
    consultation.refresh_from_db()
    return consultation
