"""The Done-when of the open-data issue: packages of the demo's concluded consultation and of its
approved minutes pass eark-validator, with the same allowed errors as the test world's packages.

One test, so the demo is seeded once (seeding is most of the time)."""

import json
import zipfile

import pytest
from django.core.management import call_command

from consultations.demo import CONCLUDED_SLUG
from consultations.models import Consultation, ResponseVersionFile
from meetings.demo import HELD_TITLE
from meetings.models import Meeting
from opendata.archive import build_package

from .test_archive_validator import KNOWN, _problems, _validate, eark_python  # noqa: F401

pytestmark = pytest.mark.django_db


def test_packages_of_the_demos_concluded_consultation_and_approved_minutes_pass_eark_validator(
    tmp_path,
    eark_python,  # noqa: F811
):
    call_command("seed_demo", verbosity=0)
    consultation = Consultation.objects.get(slug=CONCLUDED_SLUG)
    meeting = Meeting.objects.get(title=HELD_TITLE)
    assert consultation.status == "concluded"
    assert meeting.minutes.is_locked

    paths, summaries = [], []
    for name, target in (("consultation", consultation), ("minutes", meeting)):
        path = tmp_path / f"demo-{name}.zip"
        with open(path, "wb") as out:
            summaries.append(build_package(target, out))
        paths.append(path)

    # What the demo puts in: the response's attached file with the receipt's checksum, the minutes
    # with their decisions, action items and attendance, and the meeting's document.
    consultation_files = {f["path"]: f for f in summaries[0]["files"]}
    attached = ResponseVersionFile.objects.get(version__response__consultation=consultation)
    receipt = attached.version.receipt_number
    path = f"representations/rep1/data/responses/{receipt}/{attached.name}"
    assert consultation_files[path]["sha256"] == attached.sha256
    with zipfile.ZipFile(paths[1]) as zf:
        root = summaries[1]["objid"]
        record = json.loads(zf.read(f"{root}/representations/rep1/data/meeting.json"))
        names = zf.namelist()
    assert [row["decision"] for row in record["agenda"] if row["decision"]][0].startswith(
        "Referensgruppen ställer sig bakom förslaget"
    )
    assert {a["description"] for a in record["action_items"]} >= {
        "Skicka referensgruppens synpunkter till samrådet."
    }
    assert any("Ungdomsföreningen Bron" in a for a in record["attendance"])
    assert any(n.endswith("underlag-lokala-initiativ.pdf") for n in names), names
    assert f"{root}/representations/rep1/data/minutes.pdf" in names

    reports = _validate(eark_python, paths)
    assert [report["path"] for report in reports] == [str(path) for path in paths]
    for report in reports:
        assert report["structure"] == "WellFormed", report["report"]["structure"]
        assert report["metadata"], report["report"]
        assert report["report"]["metadata"]["schema_results"]["status"] == "VALID", _problems(report)
        errors = {error["rule_id"] for error in report["errors"]}
        assert errors <= set(KNOWN), _problems(report)
