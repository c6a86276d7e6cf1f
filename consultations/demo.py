"""Demo content: one open consultation with a comment, so a new user sees the main job of the portal, and
one concluded consultation with a submitted response and a published outcome, so the rest of its life
(and the city archive's package) can be seen too.

Called by `manage.py seed_demo` after the portal and organisations demos (it needs their coordinator,
member and organisation). Idempotent: a consultation with the demo slug is left as it is.
"""

import hashlib
from datetime import timedelta

from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.utils import timezone

from organisations.models import FocusArea, Membership
from portal.demo.files import tiny_pdf
from portal.models import AuditEntry
from portal.services import audit_log

from . import services
from .models import (
    Consultation,
    ConsultationVersion,
    GuidingQuestion,
    InputMark,
    Outcome,
    Response,
    ResponseVersion,
    ResponseVersionFile,
    Section,
    SectionOutcome,
)

SLUG = "kunskapslyft-om-rasism-for-stadens-medarbetare"

SECTIONS = [
    (
        "Bakgrund",
        "<p>Många av stadens medarbetare möter invånare som utsätts för rasism, men få har fått utbildning "
        "i hur rasism och diskriminering tar sig uttryck. Staden vill därför erbjuda ett gemensamt "
        "kunskapslyft.</p>",
    ),
    (
        "Förslag till insats",
        "<p>Ett grundutbildningspaket i tre delar: historik och begrepp, de former av rasism som "
        "handlingsplanen särskilt lyfter fram (bland annat afrofobi, antisemitism, antiziganism, "
        "islamofobi och rasism mot samer), samt hur man agerar när någon berättar om en upplevelse "
        "av rasism.</p>",
    ),
    (
        "Genomförande och uppföljning",
        "<p>Utbildningen ges först i två stadsdelsförvaltningar och följs upp med en enkät efter sex "
        "månader. Civilsamhällets organisationer bjuds in att medverka som föreläsare.</p>",
    ),
]

QUESTIONS = [
    "Vilka erfarenheter från er organisation bör utbildningen bygga på?",
    "Hur vill ni medverka i genomförandet?",
]


def seed(command):
    users = get_user_model().objects
    coordinator = users.get(email="samordnare@example.org")
    _seed_concluded(coordinator)
    if Consultation.objects.filter(slug=SLUG).exists():
        return
    now = timezone.now()
    consultation = Consultation.objects.create(
        title="Kunskapslyft om rasism för stadens medarbetare",
        slug=SLUG,
        summary=(
            "Staden föreslår en gemensam grundutbildning om rasism och diskriminering för medarbetare som "
            "möter invånare. Vi vill veta vad ni tycker om innehållet och hur civilsamhället kan medverka."
        ),
        easy_read_summary=("Staden vill lära sina anställda mer om rasism. Säg vad du tycker om planen."),
        development_area_id="knowledge",
        reference_number="KS 2026/0417",
        coordinator=coordinator,
        contact_name="Samordnaren för referensgruppen",
        contact_email="samordnare@example.org",
        opens_at=now - timedelta(days=2),
        closes_at=now + timedelta(days=21),
        audience=Consultation.Audience.ALL,
        responses_visibility=Consultation.ResponsesVisibility.PUBLIC,
    )
    consultation.focus_areas.set(FocusArea.objects.filter(slug__in=["alla-former-av-rasism", "afrofobi"]))
    for order, (heading, body) in enumerate(SECTIONS):
        Section.objects.create(consultation=consultation, sort_order=order, heading=heading, body=body)
    for order, text in enumerate(QUESTIONS):
        GuidingQuestion.objects.create(consultation=consultation, sort_order=order, text=text)
    # Published as consultation_publish would, without its coordinator check: the demo coordinator has
    # not set up two-factor yet (they must at first log-in), and a demo announces nothing.
    Consultation.objects.filter(pk=consultation.pk).update(
        published_at=now, published_by=coordinator, current_version=1, opened_notified_at=now
    )
    ConsultationVersion.objects.create(
        consultation=consultation,
        number=1,
        snapshot=services.consultation_snapshot(consultation),
        created_by=coordinator,
    )
    consultation.refresh_from_db()

    membership = (
        Membership.objects.filter(user__email="medlem@example.org", ended__isnull=True)
        .select_related("organisation", "user")
        .first()
    )
    if membership is not None:
        services.comment_create(
            author=membership.user,
            consultation=consultation,
            organisation=membership.organisation,
            section=consultation.sections.order_by("sort_order")[1],
            text=(
                "Bra förslag. Vi saknar dock rasism mot samer som ett eget avsnitt i utbildningen, med "
                "medverkan av samiska organisationer."
            ),
        )


# --- A concluded consultation ------------------------------------------------------------------------
# Closed, answered by one organisation (with an attached file) and concluded with a published outcome,
# so the demo shows the whole life of a consultation and the city archive's package can be tried on it.

CONCLUDED_SLUG = "stod-till-lokala-initiativ-mot-rasism"

CONCLUDED_SECTIONS = [
    (
        "Bakgrund",
        "<p>Många föreningar arbetar redan mot rasism där de finns, men söker stöd från staden i olika "
        "kanaler. Staden vill samla stödet i en enda ansökan som är lätt att förstå.</p>",
        "Vi gör ansökan kortare och samlar all information på en sida.",
    ),
    (
        "Förslag till stödform",
        "<p>Föreningar kan söka upp till 50 000 kronor per år för lokala initiativ mot rasism. Ansökan görs "
        "två gånger per år och besvaras inom sex veckor.</p>",
        "Vi inför en tredje ansökningsomgång för unga ledare, som Ungdomsföreningen Bron föreslog.",
    ),
]

CONCLUDED_RESPONSE = (
    "Ungdomsföreningen Bron välkomnar förslaget. Två ansökningsomgångar per år räcker inte för "
    "initiativ som unga själva tar: de behöver kunna söka oftare och med kortare svarstid. Se vår "
    "bilaga med exempel från Järva."
)


def _seed_concluded(coordinator):
    """The concluded consultation, written straight to the rows (as `seed` does) without the services'
    coordinator check or their notices; the audit trail gets the entries the services would write."""
    if Consultation.objects.filter(slug=CONCLUDED_SLUG).exists():
        return
    organisation_admin = get_user_model().objects.filter(email="org-admin@example.org").first()
    organisation = (
        Membership.objects.filter(user=organisation_admin, ended__isnull=True, role="admin")
        .select_related("organisation")
        .order_by("organisation__name")
        .first()
    )
    now = timezone.now()
    opened, closed, concluded = (now - timedelta(days=days) for days in (80, 45, 20))
    consultation = Consultation.objects.create(
        title="Stöd till lokala initiativ mot rasism",
        slug=CONCLUDED_SLUG,
        summary=(
            "Staden föreslog ett samlat stöd till föreningars lokala initiativ mot rasism. Samrådet är "
            "avslutat: här ser du svaren och vad staden gjorde med dem."
        ),
        easy_read_summary="Staden ville ge pengar till föreningar som arbetar mot rasism. Nu är det klart.",
        development_area_id="collaboration",
        reference_number="KS 2026/0212",
        coordinator=coordinator,
        contact_name="Samordnaren för referensgruppen",
        contact_email="samordnare@example.org",
        opens_at=opened,
        closes_at=closed,
        audience=Consultation.Audience.ALL,
        responses_visibility=Consultation.ResponsesVisibility.PUBLIC,
    )
    sections = [
        Section.objects.create(consultation=consultation, sort_order=order, heading=heading, body=body)
        for order, (heading, body, _answer) in enumerate(CONCLUDED_SECTIONS)
    ]
    Consultation.objects.filter(pk=consultation.pk).update(
        published_at=opened, published_by=coordinator, current_version=1, opened_notified_at=opened
    )
    ConsultationVersion.objects.create(
        consultation=consultation,
        number=1,
        snapshot=services.consultation_snapshot(consultation),
        created_by=coordinator,
        created=opened,
    )
    published = audit_log(actor=coordinator, action="consultations.consultation_publish", target=consultation)

    version = None
    if organisation is not None:
        pdf = tiny_pdf(
            "Ungdomsföreningen Bron: exempel på lokala initiativ i Järva",
            "1. Läxhjälp med samtal om vardagsrasism, varje vecka.",
            "2. Unga ledare som håller workshoppar i skolor.",
        )
        sha256 = hashlib.sha256(pdf).hexdigest()
        response = Response.objects.create(
            consultation=consultation,
            organisation=organisation.organisation,
            text=CONCLUDED_RESPONSE,
            revision=1,
            last_edited_by=organisation_admin,
        )
        submitted = closed - timedelta(days=3)
        number = 1
        version = ResponseVersion.objects.create(
            response=response,
            number=number,
            text=CONCLUDED_RESPONSE,
            answers=[],
            submitted_at=submitted,
            submitted_by=organisation_admin,
            submitted_by_name=organisation_admin.get_display_name(),
            sha256=services.response_hash(
                text=CONCLUDED_RESPONSE,
                answers=[],
                file_hashes=[sha256],
                meta={
                    "consultation": consultation.pk,
                    "organisation": organisation.organisation_id,
                    "version": number,
                    "submitted_at": submitted.isoformat(),
                },
            ),
            receipt_number=f"R{consultation.pk:04d}-{organisation.organisation_id:04d}-{number:02d}",
        )
        copy = ResponseVersionFile(
            version=version,
            name="exempel-fran-jarva.pdf",
            content_type="application/pdf",
            size=len(pdf),
            sha256=sha256,
        )
        copy.file.save(copy.name, ContentFile(pdf), save=False)
        copy.save()

    Consultation.objects.filter(pk=consultation.pk).update(concluded_at=concluded)
    outcome = Outcome.objects.create(
        consultation=consultation,
        summary=(
            "Tack för era synpunkter. Stödet införs från och med nästa år, med en kortare ansökan och en "
            "extra ansökningsomgång för initiativ som unga ledare tar."
        ),
        published_at=concluded,
        published_by=coordinator,
    )
    for section, (_heading, _body, answer) in zip(sections, CONCLUDED_SECTIONS, strict=True):
        SectionOutcome.objects.create(outcome=outcome, section=section, text=answer)
    if version is not None:
        InputMark.objects.create(
            outcome=outcome,
            response=version.response,
            mark="taken",
            rationale="Vi inför en tredje ansökningsomgång för unga ledare.",
        )
    outcome_published = audit_log(
        actor=coordinator, action="consultations.outcome_publish", target=consultation
    )
    # The trail keeps the times the steps would have had, not the time of seeding.
    AuditEntry.objects.filter(pk=published.pk).update(created=opened)
    AuditEntry.objects.filter(pk=outcome_published.pk).update(created=concluded)
