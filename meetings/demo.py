"""Demo content: one coming reference-group meeting with an agenda, so the home page and the meeting
list show what the portal is for, and two held meetings whose minutes are approved and published: one with
decisions, action items, attendance and a document (the archive demo), one whose action items the action
plan's demo files under its activities. Called by `manage.py seed_demo` after the
consultations demo (agenda items point at its consultations). Idempotent: a meeting with a demo title is
left as it is."""

from datetime import datetime, time, timedelta

from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.utils import timezone
from wagtail.documents.models import Document

from consultations.models import Consultation
from organisations.models import Organisation
from portal.demo.files import tiny_pdf
from portal.models import AuditEntry
from portal.services import audit_log

from .models import (
    ActionItem,
    AgendaItem,
    AgendaItemNote,
    Attendance,
    Decision,
    Meeting,
    MeetingDocument,
    Minutes,
)
from .services import minutes_fingerprint

TITLE = "Referensgruppens möte om barn och unga"

AGENDA = [
    ("1", "Välkommen och genomgång av dagordningen", "Samordnaren", 10, True),
    ("2", "Samrådet om kunskapslyftet för stadens medarbetare", "Samordnaren", 30, True),
    ("3", "Hur förebygger vi att barn och unga utsätts för rasism?", "Ungdomsföreningen Bron", 45, True),
    ("4", "Övriga frågor", "", 5, False),
]


def seed(command):
    coordinator = get_user_model().objects.get(email="samordnare@example.org")
    _seed_held(coordinator)
    _seed_plan_meeting(coordinator)
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


# --- A held meeting with approved minutes ------------------------------------------------------------

HELD_TITLE = "Referensgruppens möte om stöd till lokala initiativ"

# number, title, presenter, public, note, decision (text, result)
HELD_AGENDA = [
    (
        "1",
        "Välkommen och genomgång av dagordningen",
        "Samordnaren",
        True,
        "Samordnaren hälsade alla välkomna. Dagordningen godkändes.",
        None,
    ),
    (
        "2",
        "Samrådet om stöd till lokala initiativ mot rasism",
        "Samordnaren",
        True,
        "Samordnaren presenterade förslaget. Flera organisationer tyckte att två ansökningsomgångar per "
        "år är för få för initiativ som unga tar.",
        (
            "Referensgruppen ställer sig bakom förslaget och ber staden pröva en tredje ansökningsomgång.",
            "adopted",
        ),
    ),
    (
        "3",
        "Erfarenheter från stadsdelarna",
        "Ungdomsföreningen Bron",
        True,
        "Ungdomsföreningen Bron berättade om läxhjälp med samtal om vardagsrasism i Järva.",
        ("Exemplen samlas och skickas med till samrådet.", "adopted"),
    ),
    (
        "4",
        "Referensgruppens budget för nästa år",
        "Samordnaren",
        False,
        "Samordnaren gick igenom budgeten för resor och tolkning.",
        ("Frågan tas upp igen på nästa möte.", "postponed"),
    ),
]


def _seed_held(coordinator):
    """The held meeting, written straight to the rows (as the coming meeting is) without the services'
    coordinator check or their notices; the audit trail gets the entries the services would write, at
    the times the steps would have had."""
    if Meeting.objects.filter(title=HELD_TITLE).exists():
        return
    day = timezone.localdate() - timedelta(days=52)
    start = timezone.make_aware(datetime.combine(day, time(17, 30)))
    meeting = Meeting.objects.create(
        title=HELD_TITLE,
        kind=Meeting.Kind.REFERENCE_GROUP,
        start=start,
        end=start + timedelta(hours=2),
        place="Stadshuset, Hantverkargatan 1, sal 3",
        description="Vi går igenom samrådet om stöd till lokala initiativ och delar erfarenheter.",
        state=Meeting.State.HELD,
        is_public=True,
        invite_all_approved=True,
        rsvp_deadline=start - timedelta(days=3),
        created_by=coordinator,
    )
    consultation = Consultation.objects.filter(slug__startswith="stod-till-lokala-initiativ").first()
    items = []
    for order, (number, title, presenter, public, _note, _decision) in enumerate(HELD_AGENDA):
        items.append(
            AgendaItem.objects.create(
                meeting=meeting,
                sort_order=order,
                number=number,
                title=title,
                presenter=presenter,
                planned_minutes=20,
                is_public=public,
                consultation=consultation if number == "2" else None,
            )
        )
    document = Document.objects.create(
        title="Underlag: stöd till lokala initiativ",
        file=ContentFile(
            tiny_pdf(
                "Underlag till referensgruppens möte",
                "Förslag: ett samlat stöd till lokala initiativ mot rasism,",
                "upp till 50 000 kronor per förening och år.",
            ),
            name="underlag-lokala-initiativ.pdf",
        ),
    )
    MeetingDocument.objects.create(meeting=meeting, document=document, sort_order=0)
    organisations = list(Organisation.objects.filter(status=Organisation.Status.APPROVED).order_by("name"))
    Attendance.objects.bulk_create(
        [Attendance(meeting=meeting, organisation=organisation) for organisation in organisations]
        + [Attendance(meeting=meeting, user=coordinator)]
    )

    minutes = Minutes.objects.create(
        meeting=meeting,
        introduction="Mötet hölls i Stadshuset. Tolkning till engelska fanns.",
        review_days=7,
        review_deadline=start + timedelta(days=8),
    )
    for item, (_n, _t, _p, _public, note, decision) in zip(items, HELD_AGENDA, strict=True):
        AgendaItemNote.objects.create(minutes=minutes, agenda_item=item, text=note)
        if decision is not None:
            Decision.objects.create(minutes=minutes, agenda_item=item, text=decision[0], result=decision[1])
    bron = next((o for o in organisations if o.slug == "ungdomsforeningen-bron"), None)
    ActionItem.objects.create(
        minutes=minutes,
        agenda_item=items[1],
        description="Skicka referensgruppens synpunkter till samrådet.",
        responsible_unit="Stadsledningskontoret",
        due_date=day + timedelta(days=7),
        status=ActionItem.Status.DONE,
    )
    if bron is not None:
        ActionItem.objects.create(
            minutes=minutes,
            agenda_item=items[2],
            description="Samla exempel på lokala initiativ från Järva.",
            responsible_organisation=bron,
            due_date=timezone.localdate() + timedelta(days=30),
        )
    approved, published = start + timedelta(days=9), start + timedelta(days=10)
    minutes.approved_at, minutes.approved_by = approved, coordinator
    minutes.sha256 = minutes_fingerprint(minutes)
    minutes.state, minutes.audience, minutes.published_at = (
        Minutes.State.PUBLISHED,
        Minutes.Audience.PUBLIC,
        published,
    )
    minutes.save()
    for action, target, when, details in (
        ("meetings.meeting_mark_held", meeting, start + timedelta(hours=2), {}),
        (
            "meetings.attendance_record",
            meeting,
            start + timedelta(hours=2),
            {"organisations": len(organisations)},
        ),
        ("meetings.minutes_start", minutes, start + timedelta(days=1), {}),
        ("meetings.minutes_approve", minutes, approved, {"sha256": minutes.sha256}),
        ("meetings.minutes_publish", minutes, published, {"audience": minutes.audience}),
    ):
        entry = audit_log(actor=coordinator, action=action, target=target, **details)
        AuditEntry.objects.filter(pk=entry.pk).update(created=when)


# --- A held meeting whose action items the action plan's demo files under activities --------------

PLAN_TITLE = "Referensgruppens möte om arbetsordning och utbildning"

# number, title, note, decision
PLAN_AGENDA = [
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
PLAN_ACTIONS = [
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


def plan_action_item(key: str) -> ActionItem | None:
    """An action item of the demo meeting on the rules and the training, by its key in PLAN_ACTIONS
    (for the plan's demo)."""
    text = next((spec[2] for spec in PLAN_ACTIONS if spec[0] == key), None)
    return ActionItem.objects.filter(minutes__meeting__title=PLAN_TITLE, description=text).first()


def _seed_plan_meeting(coordinator):
    if Meeting.objects.filter(title=PLAN_TITLE).exists():
        return
    day = timezone.localdate() - timedelta(days=35)
    start = timezone.make_aware(datetime.combine(day, time(17, 30)))
    meeting = Meeting.objects.create(
        title=PLAN_TITLE,
        kind=Meeting.Kind.REFERENCE_GROUP,
        start=start,
        end=start + timedelta(hours=2),
        place="Stadshuset, Hantverkargatan 1, sal 3",
        description="Referensgruppen gick igenom arbetsordningen, utbildningen för stadens medarbetare "
        "och rasism som unga möter på nätet.",
        is_public=True,
        invite_all_approved=True,
        state=Meeting.State.HELD,
        created_by=coordinator,
    )
    items = {}
    for order, (number, title, _note, _decision) in enumerate(PLAN_AGENDA):
        items[number] = AgendaItem.objects.create(
            meeting=meeting, sort_order=order, number=number, title=title, presenter="Samordnaren"
        )
    for organisation in Organisation.objects.filter(status=Organisation.Status.APPROVED).order_by("pk")[:2]:
        Attendance.objects.create(meeting=meeting, organisation=organisation)
    minutes = Minutes.objects.create(
        meeting=meeting,
        introduction="Samordnaren hälsade välkommen. Alla organisationer presenterade sig kort.",
    )
    for number, _title, note, decision in PLAN_AGENDA:
        AgendaItemNote.objects.create(minutes=minutes, agenda_item=items[number], text=note)
        Decision.objects.create(minutes=minutes, agenda_item=items[number], text=decision)
    organisations = {o.slug: o for o in Organisation.objects.all()}
    for _key, number, text, organisation, unit, days in PLAN_ACTIONS:
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
