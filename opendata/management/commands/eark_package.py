"""Writes an E-ARK SIP (CSIP 2.x) of a concluded consultation or of a meeting with approved minutes.

manage.py eark_package consultation <slug or id> [--output file.zip]
manage.py eark_package meeting <id> [--output file.zip]
"""

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from consultations.models import Consultation
from meetings.models import Meeting
from opendata.archive import build_package


class Command(BaseCommand):
    help = "Write an E-ARK information package (SIP) of a concluded consultation or of approved minutes."

    def add_arguments(self, parser):
        parser.add_argument("kind", choices=["consultation", "meeting"])
        parser.add_argument("ident", help="the consultation's slug or id, or the meeting's id")
        parser.add_argument("--output", "-o", help="the ZIP file to write (default: <kind>-<id>-sip.zip)")

    def handle(self, kind, ident, output=None, **options):
        if kind == "consultation":
            lookup = {"pk": int(ident)} if ident.isdigit() else {"slug": ident}
            target = Consultation.objects.filter(**lookup).first()
        else:
            target = Meeting.objects.filter(pk=int(ident)).first() if ident.isdigit() else None
        if target is None:
            raise CommandError(f"No {kind} {ident!r}.")
        output = output or f"{kind}-{target.pk}-sip.zip"
        try:
            summary = build_package(target, output)
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from exc
        self.stdout.write(f"{output}: {summary['objid']}, {len(summary['files'])} files")
