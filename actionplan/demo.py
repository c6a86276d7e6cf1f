# ruff: noqa: E501 (the demo texts are data, one sentence per line)
"""Demo content: the action plan's real structure (its three development areas and their activities with
the responsible city bodies), written for the demo in our own words from the plan's facts, with a few
follow-ups on the six-step model, one knowledge input, and a consultation, an agenda item and two action
items of the other apps' demos linked to activities, so that a new user sees it working.

Called by `manage.py seed_demo` after the portal, organisations, consultations and meetings demos.
Idempotent: the flat `/handlingsplanen/` content page that the portal seeds is turned into the plan's
root page once (same page, same address, same translations); pages are found by slug, follow-ups by
activity and period, the input by its organisation.
"""

import datetime

from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.utils import timezone
from wagtail.models import Locale, Page

from organisations.models import FocusArea, Organisation

from .models import (
    ActionPlanPage,
    ActivityPage,
    ActivityStatus,
    CityBody,
    DevelopmentArea,
    DevelopmentAreaPage,
    FollowUp,
    FollowUpStep,
    KnowledgeInput,
    RightsFocusArea,
    Step,
)
from .services import plan_grant_coordinators

BODIES = [
    ("kommunstyrelsen", "Kommunstyrelsen", "City Executive Board", CityBody.Kind.EXECUTIVE),
    ("utbildningsnamnden", "Utbildningsnämnden", "Education Committee", CityBody.Kind.BOARD),
    ("forskolenamnden", "Förskolenämnden", "Pre-school Committee", CityBody.Kind.BOARD),
    ("kulturnamnden", "Kulturnämnden", "Culture Committee", CityBody.Kind.BOARD),
    ("socialnamnden", "Socialnämnden", "Social Welfare Committee", CityBody.Kind.BOARD),
    ("idrottsnamnden", "Idrottsnämnden", "Sports Committee", CityBody.Kind.BOARD),
    ("stadsdelsnamnderna", "Stadsdelsnämnderna", "District councils", CityBody.Kind.DISTRICT),
    (
        "alla-namnder-och-bolag",
        "Alla nämnder och bolagsstyrelser",
        "All committees and company boards",
        CityBody.Kind.ALL,
    ),
]
FIVE = ["afrofobi", "antisemitism", "antiziganism", "islamofobi", "rasism-mot-samer"]

PLAN_INTRO = {
    "sv": (
        "Stockholms stad vill att alla stadens verksamheter ska vara fria från rasism. Handlingsplanen "
        "gäller alla former av rasism och ger särskild uppmärksamhet åt afrofobi, antisemitism, "
        "antiziganism, islamofobi och rasism mot samer. Här ser du planens tre utvecklingsområden, vem "
        "som ansvarar för varje aktivitet och hur arbetet följs upp."
    ),
    "en": (
        "The City of Stockholm wants all of its services to be free from racism. The action plan covers "
        "every form of racism and gives particular attention to afrophobia, antisemitism, antiziganism, "
        "islamophobia and racism against the Sami. Here you find the plan's three development areas, who "
        "answers for each activity and how the work is followed up."
    ),
}

# code, slug sv, slug en, title sv, title en, intro sv, intro en, [activities]
# activity: slug, title sv, title en, text sv, text en, responsible, [co-operating], forms, rights, status
AREAS = [
    (
        "knowledge",
        "mer-kunskap",
        "more-knowledge",
        "Mer kunskap om rasism och diskriminering",
        "More knowledge about racism and discrimination",
        "Den som ska motverka rasism behöver känna igen den. Området handlar om att samla kunskap om hur "
        "rasism upplevs i stadens verksamheter och att utbilda stadens medarbetare.",
        "To counter racism you must be able to recognise it. This area is about gathering knowledge of how "
        "racism is experienced in the city's services, and about training the city's staff.",
        [
            (
                "egna-mal-kunskap",
                "Egna mål för mer kunskap",
                "Own goals for more knowledge",
                "Varje nämnd och bolagsstyrelse sätter i sin verksamhetsplan egna mål och aktiviteter som ökar kunskapen om rasism.",
                "Each committee and company board sets its own goals and activities for more knowledge about racism in its business plan.",
                "alla-namnder-och-bolag",
                [],
                FIVE + ["alla-former-av-rasism"],
                ["knowledge"],
                ActivityStatus.ONGOING,
            ),
            (
                "utbildning-och-certifiering",
                "Utbildning som leder till certifiering",
                "Training that leads to certification",
                "Staden erbjuder en utbildning om rasismens former och följder, med ett normkritiskt perspektiv, som verksamheter kan certifieras eller diplomeras genom.",
                "The city offers training on the forms and consequences of racism, with a norm-critical perspective, through which services can be certified.",
                "kommunstyrelsen",
                [],
                FIVE,
                ["knowledge"],
                ActivityStatus.ONGOING,
            ),
            (
                "kunskapsunderlag-och-stod",
                "Kunskapsunderlag och stödmaterial",
                "Knowledge base and support material",
                "Tillsammans med forskare och berörda nämnder tas underlag fram som hjälper nämnderna att hitta arbetssätt som fungerar.",
                "Together with researchers and the committees concerned, material is produced that helps committees find ways of working that fit.",
                "kommunstyrelsen",
                ["alla-namnder-och-bolag"],
                ["alla-former-av-rasism"],
                ["knowledge"],
                ActivityStatus.PLANNED,
            ),
            (
                "trygga-rum",
                "Stadens verksamheter som trygga rum",
                "The city's services as safe spaces",
                "Nämnder och bolag visar stockholmarna att verksamheterna är till för alla och att staden aktivt arbetar mot rasism.",
                "Committees and companies show Stockholmers that their services are for everyone and that the city actively works against racism.",
                "alla-namnder-och-bolag",
                [],
                ["alla-former-av-rasism"],
                ["welfare"],
                ActivityStatus.PLANNED,
            ),
            (
                "mata-upplevelser",
                "Följa och mäta upplevelser av rasism",
                "Following and measuring experiences of racism",
                "Staden ser över hur upplevelser av rasism, diskriminering och hatbrott kan följas på ett rättssäkert och samlat sätt.",
                "The city reviews how experiences of racism, discrimination and hate crime can be followed in a lawful and coherent way.",
                "kommunstyrelsen",
                ["alla-namnder-och-bolag"],
                FIVE,
                ["knowledge"],
                ActivityStatus.ONGOING,
            ),
            (
                "trygghetsarbetet",
                "Rasism i det trygghetsskapande arbetet",
                "Racism in the work for safety",
                "Arbetet mot rasism ska synas tydligare i stadsdelarnas trygghetsarbete.",
                "The work against racism is to be more visible in the districts' work for safety.",
                "kommunstyrelsen",
                ["stadsdelsnamnderna"],
                ["alla-former-av-rasism"],
                ["welfare"],
                ActivityStatus.PLANNED,
            ),
            (
                "agera-vid-incidenter",
                "Agera och rapportera vid incidenter",
                "Acting on and reporting incidents",
                "Chefer och medarbetare ska veta hur de agerar och rapporterar när något rasistiskt händer i verksamheten.",
                "Managers and staff should know how to act and report when a racist incident happens at work.",
                "kommunstyrelsen",
                ["alla-namnder-och-bolag"],
                ["alla-former-av-rasism"],
                ["knowledge"],
                ActivityStatus.PLANNED,
            ),
        ],
    ),
    (
        "children",
        "barn-och-unga",
        "children-and-young-people",
        "Förebygga rasism mot barn och unga",
        "Preventing racism against children and young people",
        "Barn ska kunna känna sig trygga i stadens verksamheter, både på plats och på nätet. Barnen själva "
        "ska vara med när arbetet planeras och följs upp.",
        "Children should feel safe in the city's services, on site and online. Children themselves are to "
        "take part when the work is planned and followed up.",
        [
            (
                "egna-mal-barn",
                "Egna mål för barn och unga",
                "Own goals for children and young people",
                "Nämnder och bolagsstyrelser sätter egna mål för att barn och unga inte ska utsättas för rasism.",
                "Committees and company boards set their own goals so that children and young people are not exposed to racism.",
                "alla-namnder-och-bolag",
                [],
                FIVE,
                ["knowledge", "welfare", "participation"],
                ActivityStatus.ONGOING,
            ),
            (
                "metoder-for-barn",
                "Metoder och kunskapsutbyte",
                "Methods and sharing knowledge",
                "Staden stödjer nya metoder och utbyte mellan verksamheterna, och stärker barns och ungas inflytande.",
                "The city supports new methods and exchange between services, and strengthens children's and young people's influence.",
                "kommunstyrelsen",
                [
                    "utbildningsnamnden",
                    "forskolenamnden",
                    "kulturnamnden",
                    "socialnamnden",
                    "idrottsnamnden",
                    "stadsdelsnamnderna",
                ],
                ["alla-former-av-rasism"],
                ["participation"],
                ActivityStatus.PLANNED,
            ),
            (
                "kompetens-i-skolan",
                "Kompetens för skolans medarbetare",
                "Competence for school staff",
                "Skolans medarbetare får mer kunskap om rasism mot barn och unga och om rutiner för att motverka den.",
                "School staff gain more knowledge of racism against children and young people and of routines to counter it.",
                "utbildningsnamnden",
                ["kommunstyrelsen"],
                FIVE,
                ["knowledge"],
                ActivityStatus.ONGOING,
            ),
            (
                "antisemitism-i-skolan",
                "Åtgärder mot antisemitism i skolan",
                "Measures against antisemitism at school",
                "Åtgärder från stadens kartläggning av antisemitism i skolorna genomförs, med stöd av den judiska minoriteten och experter.",
                "Measures from the city's survey of antisemitism in its schools are carried out, supported by the Jewish minority and experts.",
                "utbildningsnamnden",
                ["forskolenamnden", "stadsdelsnamnderna", "kommunstyrelsen"],
                ["antisemitism"],
                ["welfare"],
                ActivityStatus.ONGOING,
            ),
            (
                "digitala-plattformar",
                "Rasism i sociala medier",
                "Racism on social media",
                "Skolan arbetar mot rasism som barn möter i sociala medier och på andra digitala plattformar.",
                "Schools work against the racism children meet on social media and other digital platforms.",
                "utbildningsnamnden",
                ["kommunstyrelsen"],
                FIVE,
                ["welfare"],
                ActivityStatus.PLANNED,
            ),
        ],
    ),
    (
        "collaboration",
        "samverkan",
        "collaboration",
        "Starkare samverkan med civilsamhället",
        "Stronger collaboration with civil society",
        "Civilsamhällets organisationer möter varje dag människor som utsätts för rasism. Staden ska "
        "samråda och samarbeta med dem när insatser tas fram.",
        "Civil-society organisations meet people exposed to racism every day. The city is to consult and "
        "work with them when measures are designed.",
        [
            (
                "egna-mal-samverkan",
                "Egna mål för samverkan",
                "Own goals for collaboration",
                "Nämnder och bolagsstyrelser sätter egna mål för att samverka med civilsamhället i arbetet mot rasism.",
                "Committees and company boards set their own goals for working with civil society against racism.",
                "alla-namnder-och-bolag",
                [],
                ["alla-former-av-rasism"],
                ["participation"],
                ActivityStatus.ONGOING,
            ),
            (
                "samrad-med-civilsamhallet",
                "Samråd med civilsamhällets organisationer",
                "Consulting civil-society organisations",
                "När staden utvecklar arbetet mot rasism samråder och samarbetar den med civilsamhällets organisationer.",
                "When the city develops its work against racism, it consults and works with civil-society organisations.",
                "alla-namnder-och-bolag",
                [],
                ["alla-former-av-rasism"],
                ["participation"],
                ActivityStatus.ONGOING,
            ),
            (
                "referensgrupp",
                "En referensgrupp mot rasism",
                "A reference group against racism",
                "Staden inrättar en referensgrupp där civilsamhället och andra aktörer samverkar med staden. Den här portalen är gruppens arbetsplats.",
                "The city sets up a reference group where civil society and others work with the city. This portal is the group's workplace.",
                "kommunstyrelsen",
                [],
                FIVE + ["alla-former-av-rasism"],
                ["participation", "knowledge"],
                ActivityStatus.ONGOING,
            ),
        ],
    ),
]


def seed(command):
    locale_sv = Locale.objects.get(language_code="sv")
    locale_en = Locale.objects.filter(language_code="en").first()
    bodies = {}
    for slug, name_sv, name_en, kind in BODIES:
        bodies[slug], _ = CityBody.objects.get_or_create(
            slug=slug, defaults={"name_sv": name_sv, "name_en": name_en, "kind": kind}
        )
    forms = {f.slug: f for f in FocusArea.objects.all()}
    rights = {r.code: r for r in RightsFocusArea.objects.all()}
    coordinator = get_user_model().objects.filter(email="samordnare@example.org").first()

    plan = _plan_root(locale_sv)
    if plan is None:
        return
    plan_grant_coordinators(plan)
    activities = {}
    for code, slug_sv, slug_en, title_sv, title_en, intro_sv, intro_en, specs in AREAS:
        area = DevelopmentArea.objects.get(code=code)
        area_page = _child(plan, DevelopmentAreaPage, slug=slug_sv, title=title_sv, area=area, intro=intro_sv)
        _translate(area_page, locale_en, slug=slug_en, title=title_en, intro=intro_en)
        for slug, t_sv, t_en, d_sv, d_en, responsible, co, form_slugs, right_codes, status in specs:
            page = Page.objects.child_of(area_page).filter(slug=slug).first()
            if page is None:
                page = ActivityPage(
                    locale=locale_sv,
                    slug=slug,
                    title=t_sv,
                    description=f"<p>{d_sv}</p>",
                    responsible_body=bodies[responsible],
                    period_start=2024,
                    period_end=2027,
                    status=status,
                    coordinator=coordinator,
                )
                page.cooperating_bodies.set([bodies[b] for b in co])
                page.forms_of_racism.set([forms[f] for f in form_slugs if f in forms])
                page.rights_focus_areas.set([rights[r] for r in right_codes])
                area_page.add_child(instance=page)
                page.save_revision().publish()
            page = page.specific
            _translate(page, locale_en, slug=slug, title=t_en, description=f"<p>{d_en}</p>")
            activities[slug] = page
    _link_and_follow_up(activities, coordinator)


def _plan_root(locale_sv):
    """The plan's root: the portal's flat /handlingsplanen/ page, turned into an ActionPlanPage in place
    (same id, address, translations and history), or made new if the portal seeded none."""
    from portal.models import ContentPage, HomePage

    home = HomePage.objects.filter(depth=2, locale=locale_sv).first()
    if home is None:
        return None
    page = Page.objects.child_of(home).filter(slug="handlingsplanen").first()
    if page is None:
        plan = ActionPlanPage(
            locale=locale_sv,
            slug="handlingsplanen",
            title="Handlingsplanen mot rasism",
            intro=PLAN_INTRO["sv"],
            show_in_menus=True,
        )
        home.add_child(instance=plan)
        plan.save_revision().publish()
        return plan
    for translation in Page.objects.filter(translation_key=page.translation_key):
        if isinstance(translation.specific, ContentPage):
            _convert(translation.specific, "en" if translation.locale.language_code == "en" else "sv")
    return ActionPlanPage.objects.get(pk=page.pk)


def _convert(content_page, language):
    """Change a ContentPage into an ActionPlanPage without touching the wagtailcore_page row."""
    from portal.models import ContentPage

    plan = ActionPlanPage(page_ptr_id=content_page.pk, intro=PLAN_INTRO[language], body=[])
    plan.__dict__.update({f.attname: getattr(content_page, f.attname) for f in Page._meta.concrete_fields})
    plan.intro = PLAN_INTRO[language]
    plan.save_base(raw=True)
    ContentPage.objects.filter(pk=content_page.pk)._raw_delete(using="default")
    Page.objects.filter(pk=content_page.pk).update(
        content_type=ContentType.objects.get_for_model(ActionPlanPage)
    )
    plan = ActionPlanPage.objects.get(pk=content_page.pk)
    plan.save_revision().publish()


def _child(parent, model, slug, **fields):
    existing = Page.objects.child_of(parent).filter(slug=slug).first()
    if existing is not None:
        return existing.specific
    page = model(locale=parent.locale, slug=slug, **fields)
    parent.add_child(instance=page)
    page.save_revision().publish()
    return page


def _translate(page, locale, slug, **fields):
    if locale is None:
        return None
    existing = page.get_translation_or_none(locale)
    if existing is not None:
        return existing.specific
    if page.get_parent().get_translation_or_none(locale) is None:
        return None
    translation = page.copy_for_translation(locale).specific
    url_path = f"{translation.get_parent().url_path}{slug}/"
    Page.objects.filter(pk=translation.pk).update(slug=slug, url_path=url_path)
    translation.slug, translation.url_path = slug, url_path
    for name, value in fields.items():
        setattr(translation, name, value)
    translation.save()
    translation.save_revision().publish()
    return translation


def _link_and_follow_up(activities, coordinator):
    from consultations.models import Consultation
    from meetings.demo import plan_action_item
    from meetings.models import ActionItem, AgendaItem

    training = activities["utbildning-och-certifiering"]
    group = activities["referensgrupp"]
    Consultation.objects.filter(slug="kunskapslyft-om-rasism-for-stadens-medarbetare", activity=None).update(
        activity=training
    )
    AgendaItem.objects.filter(activity=None, meeting__title="Referensgruppens möte om barn och unga").filter(
        title__icontains="handlingsplan"
    ).update(activity=activities["kompetens-i-skolan"])
    # Two action items from the held demo meeting's minutes belong to activities: the activity page lists
    # them and the minutes name the activity. (Written directly, as the consultation link above: the demo
    # coordinator has no two-factor device yet, which action_item_set_activity asks of its actor.)
    for key, slug in [("utbildning", "utbildning-och-certifiering"), ("chattar", "digitala-plattformar")]:
        item = plan_action_item(key)
        if item is not None and item.activity_id is None:
            ActionItem.objects.filter(pk=item.pk).update(activity=activities[slug])

    now = timezone.now()
    if not FollowUp.objects.filter(activity=training).exists():
        consultation = Consultation.objects.filter(activity=training).first()
        follow_up = FollowUp.objects.create(
            activity=training,
            period="2025",
            period_end=datetime.date(2025, 12, 31),
            activity_status=ActivityStatus.ONGOING,
            narrative=(
                "Grundutbildningen har getts i två stadsdelsförvaltningar. Innehållet bygger på synpunkter "
                "från referensgruppen, och nästa steg är att ta in utbildningen i introduktionen för nyanställda."
            ),
            created_by=coordinator,
            published_at=now - datetime.timedelta(days=40),
            published_by=coordinator,
        )
        FollowUpStep.objects.create(
            follow_up=follow_up,
            step=Step.COMPETENCE,
            sort_order=0,
            justification="Utbildningen ges två gånger per termin och är öppen för alla medarbetare.",
            evidence_url="https://start.stockholm/",
        )
        FollowUpStep.objects.create(
            follow_up=follow_up,
            step=Step.PARTICIPATION,
            sort_order=1,
            justification="Civilsamhällets organisationer har lämnat synpunkter på innehållet i ett samråd.",
            evidence_consultation=consultation,
        )
    if not FollowUp.objects.filter(activity=group).exists():
        first = FollowUp.objects.create(
            activity=group,
            period="2025",
            period_end=datetime.date(2025, 12, 31),
            activity_status=ActivityStatus.ONGOING,
            narrative="Referensgruppen har bildats och haft sitt första möte.",
            created_by=coordinator,
            published_at=now - datetime.timedelta(days=60),
            published_by=coordinator,
        )
        FollowUpStep.objects.create(
            follow_up=first,
            step=Step.PARTICIPATION,
            sort_order=0,
            justification="Organisationerna deltar i möten och lämnar samrådssvar i portalen.",
        )
        correction = FollowUp.objects.create(
            activity=group,
            period="2025",
            period_end=datetime.date(2025, 12, 31),
            activity_status=ActivityStatus.ONGOING,
            narrative="Referensgruppen har bildats och haft två möten. Arbetsordningen är antagen.",
            supersedes=first,
            correction_note="Antalet möten var fel, och arbetsordningen saknades.",
            created_by=coordinator,
            published_at=now - datetime.timedelta(days=50),
            published_by=coordinator,
        )
        FollowUpStep.objects.create(
            follow_up=correction,
            step=Step.PARTICIPATION,
            sort_order=0,
            justification="Organisationerna deltar i möten och lämnar samrådssvar i portalen.",
        )
        FollowUpStep.objects.create(
            follow_up=correction,
            step=Step.STEERING,
            sort_order=1,
            justification="Gruppens arbetsordning beskriver hur synpunkter tas om hand.",
        )
    organisation = Organisation.objects.filter(status=Organisation.Status.APPROVED).order_by("pk").first()
    if organisation is not None and not KnowledgeInput.objects.filter(organisation=organisation).exists():
        knowledge_input = KnowledgeInput.objects.create(
            organisation=organisation,
            activity=activities["digitala-plattformar"],
            area=activities["digitala-plattformar"].area,
            settings=["digital", "school"],
            city_districts=["rinkeby-kista", "skarholmen"],
            text=(
                "Unga i våra läxhjälpsgrupper berättar att rasistiska kommentarer i klassens chattar sällan "
                "tas upp av skolan. Många säger att de slutat berätta för vuxna."
            ),
            suggestions="Ta med elever när skolan gör regler för klasschattar.",
        )
        knowledge_input.forms_of_racism.set(FocusArea.objects.filter(slug__in=["afrofobi", "islamofobi"]))
