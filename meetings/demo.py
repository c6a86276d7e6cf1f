"""Demo content: one coming reference-group meeting with an agenda, so the home page and the meeting
list show what the portal is for, and one held meeting with published minutes (notes, decisions, action
items and the organisations that attended), so a new user sees what minutes look like. Called by
`manage.py seed_demo` after the consultations demo (an agenda item points at its consultation); the action
plan's demo then files some of the action items under its activities. Idempotent: a meeting with a demo
title is left as it is. Sends nothing: the rows are written as they stand after the meeting's workflow."""

from datetime import datetime, time, timedelta

from django.contrib.auth import get_user_model
from django.utils import timezone

from consultations.models import Consultation
from organisations.models import Organisation

from .models import ActionItem, AgendaItem, AgendaItemNote, Attendance, Decision, Meeting, Minutes
from .services import minutes_fingerprint

TITLE = "Referensgruppens möte om barn och unga"

AGENDA = [
    ("1", "Välkommen och genomgång av dagordningen", "Samordnaren", 10, True),
    ("2", "Samrådet om kunskapslyftet för stadens medarbetare", "Samordnaren", 30, True),
    ("3", "Hur förebygger vi att barn och unga utsätts för rasism?", "Ungdomsföreningen Bron", 45, True),
    ("4", "Övriga frågor", "", 5, False),
]


HELD_TITLE = "Referensgruppens första möte"

# number, title, note, decision
HELD_AGENDA = [
    (
        "1",
        "Referensgruppens arbetsordning",
        "Samordnaren gick igenom förslaget. Flera organisationer ville kunna följa mötena på distans.",
        "Arbetsordningen antas, med tillägget att alla möten ska gå att följa digitalt.",
    ),
    (
        "2",
        "Utbildningen om rasism för stadens medarbetare",
        "Organisationerna berättade vad deras medlemmar saknar när de möter stadens personal. Det gällde "
        "särskilt hur man bemöter föräldrar och hur man gör när någon berättar om en rasistisk händelse.",
        "Synpunkterna tas med i samrådet om kunskapslyftet.",
    ),
    (
        "3",
        "Rasism som unga möter på nätet",
        "Ungdomsföreningen Bron beskrev vad unga i läxhjälpen berättar om klassens chattar.",
        "Skolorna tillfrågas om hur de i dag hanterar rasism i digitala kanaler.",
    ),
]

# key (the action plan's demo finds the item by it), agenda number, text, organisation, unit, days
HELD_ACTIONS = [
    (
        "utbildning",
        "2",
        "Sammanställa organisationernas synpunkter på utbildningens innehåll och skicka dem till samrådet.",
        "",
        "Kommunstyrelsens kansli",
        14,
    ),
    (
        "chattar",
        "3",
        "Fråga tre skolor hur de hanterar rasistiska kommentarer i klassens chattar och redovisa svaren på "
        "nästa möte.",
        "ungdomsforeningen-bron",
        "Utbildningsförvaltningen",
        45,
    ),
    (
        "distans",
        "1",
        "Ordna så att referensgruppens möten kan följas digitalt.",
        "",
        "Kommunstyrelsens kansli",
        30,
    ),
]


def seed(command):
    coordinator = get_user_model().objects.get(email="samordnare@example.org")
    _seed_held_meeting(coordinator)
    if Meeting.objects.filter(title=TITLE).exists():
        return
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


def held_action_item(key: str) -> ActionItem | None:
    """One of the held demo meeting's action items, by its key in HELD_ACTIONS (for the plan's demo)."""
    text = next((spec[2] for spec in HELD_ACTIONS if spec[0] == key), None)
    return ActionItem.objects.filter(minutes__meeting__title=HELD_TITLE, description=text).first()


def _seed_held_meeting(coordinator):
    if Meeting.objects.filter(title=HELD_TITLE).exists():
        return
    day = timezone.localdate() - timedelta(days=35)
    start = timezone.make_aware(datetime.combine(day, time(17, 30)))
    meeting = Meeting.objects.create(
        title=HELD_TITLE,
        kind=Meeting.Kind.REFERENCE_GROUP,
        start=start,
        end=start + timedelta(hours=2),
        place="Stadshuset, Hantverkargatan 1, sal 3",
        description="Referensgruppens första möte: arbetsordningen, utbildningen för stadens medarbetare "
        "och rasism som unga möter på nätet.",
        is_public=True,
        invite_all_approved=True,
        state=Meeting.State.HELD,
        created_by=coordinator,
    )
    items = {}
    for order, (number, title, _note, _decision) in enumerate(HELD_AGENDA):
        items[number] = AgendaItem.objects.create(
            meeting=meeting, sort_order=order, number=number, title=title, presenter="Samordnaren"
        )
    for organisation in Organisation.objects.filter(status=Organisation.Status.APPROVED).order_by("pk")[:2]:
        Attendance.objects.create(meeting=meeting, organisation=organisation)
    minutes = Minutes.objects.create(
        meeting=meeting,
        introduction="Samordnaren hälsade välkommen. Alla organisationer presenterade sig kort.",
    )
    for number, _title, note, decision in HELD_AGENDA:
        AgendaItemNote.objects.create(minutes=minutes, agenda_item=items[number], text=note)
        Decision.objects.create(minutes=minutes, agenda_item=items[number], text=decision)
    organisations = {o.slug: o for o in Organisation.objects.all()}
    for _key, number, text, organisation, unit, days in HELD_ACTIONS:
        ActionItem.objects.create(
            minutes=minutes,
            agenda_item=items[number],
            description=text,
            responsible_organisation=organisations.get(organisation),
            responsible_unit=unit,
            due_date=day + timedelta(days=days),
        )
    # Approved a week after the meeting and published to everyone, as minutes_approve/minutes_publish
    # would leave them (the fingerprint covers the approval, so it is taken after it is set).
    minutes.approved_at = start + timedelta(days=7)
    minutes.approved_by = coordinator
    minutes.sha256 = minutes_fingerprint(minutes)
    minutes.state = Minutes.State.PUBLISHED
    minutes.audience = Minutes.Audience.PUBLIC
    minutes.published_at = minutes.approved_at
    minutes.save()
