"""Demo content: one open consultation with a comment, so a new user sees the main job of the portal.

Called by `manage.py seed_demo` after the portal and organisations demos (it needs their coordinator,
member and organisation). Idempotent: a consultation with the demo slug is left as it is.
"""

from datetime import timedelta

from django.contrib.auth import get_user_model
from django.utils import timezone

from organisations.models import FocusArea, Membership

from . import services
from .models import Consultation, ConsultationVersion, GuidingQuestion, Section

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
    if Consultation.objects.filter(slug=SLUG).exists():
        return
    users = get_user_model().objects
    coordinator = users.get(email="samordnare@example.org")
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
