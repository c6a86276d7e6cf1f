"""Demo content: one coming reference-group meeting with an agenda, so the home page and the meeting
list show what the portal is for. Called by `manage.py seed_demo` after the consultations demo (an agenda
item points at its consultation). Idempotent: a meeting with the demo title is left as it is."""

from datetime import datetime, time, timedelta

from django.contrib.auth import get_user_model
from django.utils import timezone

from consultations.models import Consultation

from .models import AgendaItem, Meeting

TITLE = "Referensgruppens möte om barn och unga"

AGENDA = [
    ("1", "Välkommen och genomgång av dagordningen", "Samordnaren", 10, True),
    ("2", "Samrådet om kunskapslyftet för stadens medarbetare", "Samordnaren", 30, True),
    ("3", "Hur förebygger vi att barn och unga utsätts för rasism?", "Ungdomsföreningen Bron", 45, True),
    ("4", "Övriga frågor", "", 5, False),
]


def seed(command):
    if Meeting.objects.filter(title=TITLE).exists():
        return
    coordinator = get_user_model().objects.get(email="samordnare@example.org")
    day = timezone.localdate() + timedelta(days=14)
    start = timezone.make_aware(datetime.combine(day, time(17, 30)))
    meeting = Meeting.objects.create(
        title=TITLE,
        kind=Meeting.Kind.REFERENCE_GROUP,
        start=start,
        end=start + timedelta(hours=2),
        place="Stadshuset, Hantverkargatan 1, sal 3",
        online_link="https://meet.example.org/referensgruppen",
        description=(
            "Vi fortsätter arbetet med handlingsplanens andra utvecklingsområde och går igenom det pågående "
            "samrådet. Tolkning till engelska kan ordnas: skriv det i ert svar."
        ),
        is_public=True,
        invite_all_approved=True,
        rsvp_deadline=start - timedelta(days=3),
        created_by=coordinator,
    )
    consultation = Consultation.objects.filter(slug__startswith="kunskapslyft").first()
    for order, (number, title, presenter, minutes, public) in enumerate(AGENDA):
        AgendaItem.objects.create(
            meeting=meeting,
            sort_order=order,
            number=number,
            title=title,
            presenter=presenter,
            planned_minutes=minutes,
            is_public=public,
            consultation=consultation if number == "2" else None,
        )
