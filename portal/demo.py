"""Demo content of the portal: the site's pages in Swedish and English, the site settings, and a site
admin and a coordinator account. Called by `manage.py seed_demo`.

Idempotent: pages are found by their slug under their parent (and by translation for English), users by
e-mail; whatever exists is left as it is, so an editor's changes and a changed password survive a re-run.
The texts are written for the demo from the facts of the city's action plan against racism.
"""

import datetime
import json

from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from wagtail.models import Locale, Page, Site

from portal.models import (
    ContactFormField,
    ContactFormPage,
    ContentPage,
    HomePage,
    NewsArticlePage,
    NewsIndexPage,
    SiteSettings,
)

DEMO_ACCOUNTS = [
    # email, password, display name, superuser, groups
    ("admin@example.org", "demo-admin-2026", "Webbredaktör (demo)", True, []),
    (
        "samordnare@example.org",
        "demo-samordnare-2026",
        "Samordnare (demo)",
        False,
        [settings.COORDINATORS_GROUP, "Moderators"],
    ),
]


# --- Small builders for StreamField content (stored as raw JSON) -----------------------------------


def _heading(text, level="h2"):
    return {"type": "heading", "value": {"text": text, "level": level}}


def _text(*paragraphs):
    html = "".join(p if p.startswith("<") else f"<p>{p}</p>" for p in paragraphs)
    return {"type": "paragraph", "value": html}


def _list(*items):
    return {"type": "paragraph", "value": "<ul>" + "".join(f"<li>{i}</li>" for i in items) + "</ul>"}


def _quote(text, attribution=""):
    return {"type": "quote", "value": {"text": text, "attribution": attribution}}


def _cta(heading, text, page, button_label):
    return {
        "type": "call_to_action",
        "value": {"heading": heading, "text": text, "page": page.pk, "url": "", "button_label": button_label},
    }


def _stream(*blocks):
    return json.dumps(list(blocks))


# --- Page content ----------------------------------------------------------------------------------

HOME = {
    "sv": {
        "title": "Referensgruppen mot rasism",
        "slug": "hem",
        "seo_title": "Start",
        "introduction": (
            "<p>Här samarbetar Stockholms stad och civilsamhällets organisationer i arbetet mot rasism. "
            "Organisationer i referensgruppen lämnar synpunkter på stadens förslag, följer gruppens möten "
            "och bidrar med sina erfarenheter.</p>"
        ),
    },
    "en": {
        "title": "Reference group against racism",
        "slug": "home",
        "seo_title": "Home",
        "introduction": (
            "<p>This is where the City of Stockholm and civil-society organisations work together against "
            "racism. Organisations in the reference group comment on the city's proposals, follow the "
            "group's meetings and contribute their experience.</p>"
        ),
    },
}

ABOUT = {
    "sv": {
        "title": "Om referensgruppen",
        "slug": "om-referensgruppen",
        "intro": "Referensgruppen är stadens forum för dialog med civilsamhället om arbetet mot rasism.",
        "body": lambda pages: _stream(
            _heading("Varför en referensgrupp?"),
            _text(
                "Föreningar, trossamfund och stiftelser möter varje dag människor som utsätts för rasism. "
                "Den kunskapen behöver staden när nya insatser tas fram. Referensgruppen gör det möjligt "
                "att pröva förslag tidigt och att följa upp vad som blev av synpunkterna.",
            ),
            _heading("Vad gör gruppen?"),
            _list(
                "Lämnar remissvar på utkast till aktiviteter i handlingsplanen.",
                "Träffas regelbundet, med dagordning och protokoll här i portalen.",
                "Delar erfarenheter av rasism som invånare berättar om.",
            ),
            _heading("Vem kan vara med?"),
            _text(
                "Ideella organisationer som arbetar i Stockholm och vill bidra i arbetet mot rasism kan "
                "registrera sig. Staden granskar ansökan innan organisationen blir medlem.",
            ),
            _cta(
                "Har du frågor?",
                "Skriv till stadens samordnare, så svarar vi så snart vi kan.",
                pages["contact"],
                "Kontakta oss",
            ),
        ),
    },
    "en": {
        "title": "About the reference group",
        "slug": "about",
        "intro": (
            "The reference group is the city's forum for dialogue with civil society on work against racism."
        ),
        "body": lambda pages: _stream(
            _heading("Why a reference group?"),
            _text(
                "Associations, faith communities and foundations meet people exposed to racism every day. "
                "The city needs that knowledge when it designs new measures. The reference group lets "
                "proposals be tested early and shows what became of the comments.",
            ),
            _heading("What does the group do?"),
            _list(
                "Gives formal responses to draft activities of the action plan.",
                "Meets regularly, with agendas and minutes here in the portal.",
                "Shares experiences of racism that residents tell about.",
            ),
            _heading("Who can take part?"),
            _text(
                "Non-profit organisations active in Stockholm that want to contribute to the work against "
                "racism can register. The city reviews each application before the organisation joins.",
            ),
            _cta(
                "Any questions?",
                "Write to the city's coordinators and we will answer as soon as we can.",
                pages["contact"],
                "Contact us",
            ),
        ),
    },
}

ACTION_PLAN = {
    "sv": {
        "title": "Handlingsplanen mot rasism",
        "slug": "handlingsplanen",
        "intro": (
            "Stadens handlingsplan ska göra att alla stadens verksamheter blir fria från rasism. "
            "Den pekar ut tre utvecklingsområden och fem former av rasism som får särskild uppmärksamhet."
        ),
        "body": lambda pages: _stream(
            _heading("Tre utvecklingsområden"),
            _heading("1. Mer kunskap om rasism och diskriminering", "h3"),
            _text(
                "Medarbetare och chefer i staden ska känna igen rasism, även den som är inbyggd i rutiner "
                "och strukturer, och veta vad de kan göra åt den.",
            ),
            _heading("2. Barn och unga ska inte utsättas för rasism", "h3"),
            _text(
                "Rasism drabbar barn redan tidigt, i skolan, på nätet och i det offentliga rummet. "
                "Stadens verksamheter för barn och unga ska förebygga det och agera när det händer.",
            ),
            _heading("3. Starkare samverkan med civilsamhället", "h3"),
            _text(
                "Staden ska arbeta tillsammans med civilsamhällets organisationer, bland annat genom "
                "den här referensgruppen, när nya insatser tas fram och följs upp.",
            ),
            _heading("Fem former av rasism i fokus"),
            _text("Planen gäller alla former av rasism och lyfter särskilt fram:"),
            _list("afrofobi", "antisemitism", "antiziganism", "islamofobi", "rasism mot samer"),
            _quote(
                "Arbetet mot rasism ska vara en självklar del av stadens arbete för allas lika värde.",
                "Sammanfattning av handlingsplanens utgångspunkt",
            ),
        ),
    },
    "en": {
        "title": "The action plan against racism",
        "slug": "action-plan",
        "intro": (
            "The city's action plan aims to make all of the city's services free from racism. It names "
            "three development areas and five forms of racism that get particular attention."
        ),
        "body": lambda pages: _stream(
            _heading("Three development areas"),
            _heading("1. More knowledge about racism and discrimination", "h3"),
            _text(
                "City staff and managers should recognise racism, including the kind built into routines "
                "and structures, and know what they can do about it.",
            ),
            _heading("2. Children and young people should not be exposed to racism", "h3"),
            _text(
                "Racism reaches children early: at school, online and in public spaces. The city's "
                "services for children and young people should prevent it and act when it happens.",
            ),
            _heading("3. Stronger collaboration with civil society", "h3"),
            _text(
                "The city is to work together with civil-society organisations, not least through this "
                "reference group, when new measures are designed and followed up.",
            ),
            _heading("Five forms of racism in focus"),
            _text("The plan covers all forms of racism and gives particular attention to:"),
            _list(
                "Afrophobia (afrofobi)",
                "Antisemitism",
                "Antigypsyism (antiziganism)",
                "Islamophobia (islamofobi)",
                "Racism against the Sami (rasism mot samer)",
            ),
            _quote(
                "Work against racism should be a natural part of the city's work for the equal worth of "
                "everyone.",
                "Summary of the action plan's starting point",
            ),
        ),
    },
}

NEWS_INDEX = {
    "sv": {"title": "Nyheter", "slug": "nyheter", "intro": "Nytt från referensgruppen och staden."},
    "en": {"title": "News", "slug": "news", "intro": "News from the reference group and the city."},
}

NEWS = [
    {
        "date": datetime.date(2026, 9, 8),
        "sv": {
            "title": "Referensgruppen startar sitt arbete",
            "slug": "referensgruppen-startar",
            "intro": (
                "Det första mötet hölls i Stadshuset med representanter för ett tjugotal organisationer."
            ),
            "body": _stream(
                _text(
                    "På mötet presenterade staden handlingsplanen och hur referensgruppen ska arbeta. "
                    "Deltagarna diskuterade vilka frågor gruppen ska ta upp under det första året.",
                ),
            ),
        },
        "en": {
            "title": "The reference group starts its work",
            "slug": "reference-group-starts",
            "intro": (
                "The first meeting took place in the City Hall with people from about twenty organisations."
            ),
            "body": _stream(
                _text(
                    "At the meeting the city presented the action plan and how the reference group will "
                    "work. Participants discussed which questions the "
                    "group should take up in its first year.",
                ),
            ),
        },
    },
    {
        "date": datetime.date(2026, 10, 1),
        "sv": {
            "title": "Nu kan organisationer registrera sig i portalen",
            "slug": "registrering-oppnar",
            "intro": "Ideella organisationer kan nu ansöka om att delta i referensgruppen direkt i portalen.",
            "body": _stream(
                _text(
                    "Skapa ett konto, bekräfta din e-postadress och fyll i organisationens uppgifter. "
                    "Stadens samordnare går igenom ansökan och hör av sig.",
                ),
            ),
        },
        "en": {
            "title": "Organisations can now register in the portal",
            "slug": "registration-opens",
            "intro": (
                "Non-profit organisations can now apply to take part in the reference group in the portal."
            ),
            "body": _stream(
                _text(
                    "Create an account, confirm your e-mail address and fill in your organisation's details. "
                    "The city's coordinators review the application and get back to you.",
                ),
            ),
        },
    },
    {
        "date": datetime.date(2026, 10, 27),
        "sv": {
            "title": "Första remissen: kunskapshöjande insatser för stadens medarbetare",
            "slug": "forsta-remissen",
            "intro": (
                "Staden vill ha synpunkter på ett utkast till "
                "utbildningsinsatser om rasism och diskriminering."
            ),
            "body": _stream(
                _text(
                    "Utkastet hör till handlingsplanens första utvecklingsområde. Organisationerna i "
                    "referensgruppen kan kommentera varje avsnitt och lämna ett samlat remissvar.",
                ),
            ),
        },
        "en": {
            "title": "First consultation: raising knowledge among city staff",
            "slug": "first-consultation",
            "intro": (
                "The city asks for comments on a draft of training measures on racism and discrimination."
            ),
            "body": _stream(
                _text(
                    "The draft belongs to the action plan's first development area. Organisations in the "
                    "reference group can comment on each section and submit one formal response.",
                ),
            ),
        },
    },
    {
        "date": datetime.date(2026, 11, 16),
        "sv": {
            "title": "Barn och ungas erfarenheter i fokus på nästa möte",
            "slug": "barn-och-unga-i-fokus",
            "intro": "Nästa möte handlar om hur staden kan förebygga att barn och unga utsätts för rasism.",
            "body": _stream(
                _text(
                    "Organisationer som arbetar med barn och unga berättar om vad de ser i skolan, "
                    "på fritiden och på nätet. Dagordningen publiceras i portalen före mötet.",
                ),
            ),
        },
        "en": {
            "title": "Children's and young people's experiences at the next meeting",
            "slug": "children-and-young-people",
            "intro": "The next meeting is about how the city can prevent children and young people being "
            "exposed to racism.",
            "body": _stream(
                _text(
                    "Organisations working with children and young people tell what they see at school, "
                    "in their free time and online. The agenda is "
                    "published in the portal before the meeting.",
                ),
            ),
        },
    },
]

CONTACT = {
    "sv": {
        "title": "Kontakt",
        "slug": "kontakt",
        "intro": "<p>Har du frågor om referensgruppen eller portalen? Skriv till stadens samordnare.</p>",
        "thank_you_text": "<p>Tack! Vi har tagit emot ditt meddelande och svarar inom en vecka.</p>",
        "subject": "",
        "fields": [
            ("Namn", "singleline", True, ""),
            ("E-postadress", "email", True, "Vi använder adressen bara för att svara dig."),
            ("Meddelande", "multiline", True, "Skriv inte känsliga personuppgifter, till exempel om hälsa."),
        ],
    },
    "en": {
        "title": "Contact",
        "slug": "contact",
        "intro": (
            "<p>Questions about the reference group or the portal? Write to the city's coordinators.</p>"
        ),
        "thank_you_text": "<p>Thank you! We have received your message and will answer within a week.</p>",
        "subject": "",
        "fields": [
            ("Name", "singleline", True, ""),
            ("E-mail address", "email", True, "We only use the address to answer you."),
            ("Message", "multiline", True, "Please do not include sensitive personal data, such as health."),
        ],
    },
}

PRIVACY = {
    "sv": {
        "title": "Personuppgifter",
        "slug": "personuppgifter",
        "intro": "Så behandlar vi dina personuppgifter i portalen. (Demotext.)",
        "body": lambda pages: _stream(
            _heading("Personuppgiftsansvarig"),
            _text(
                "Stockholms stad, kommunstyrelsen, är ansvarig för behandlingen av personuppgifter "
                "i portalen."
            ),
            _heading("Vilka uppgifter vi behandlar"),
            _list(
                "Namn och e-postadress för ditt konto.",
                "Den organisation du företräder och din roll i den.",
                "Det du skriver i kommentarer, remissvar och kontaktformulär.",
            ),
            _text(
                "Vi ber aldrig om uppgifter om etniskt ursprung, religion eller hälsa. Skriv inte sådana "
                "uppgifter om dig själv eller andra i kommentarer eller meddelanden.",
            ),
            _heading("Varför och hur länge"),
            _text(
                "Uppgifterna behövs för att staden ska kunna samverka med civilsamhället, vilket är en "
                "uppgift av allmänt intresse. Ditt konto finns kvar tills du tar bort det. Remissvar som "
                "en organisation har lämnat är allmänna handlingar och sparas enligt stadens regler.",
            ),
            _heading("Dina rättigheter"),
            _text(
                "Du kan ladda ner och ta bort dina uppgifter från ditt konto. Du har rätt att begära "
                "rättelse och att klaga hos Integritetsskyddsmyndigheten (IMY).",
            ),
        ),
    },
    "en": {
        "title": "Privacy",
        "slug": "privacy",
        "intro": "How we process your personal data in the portal. (Demo text.)",
        "body": lambda pages: _stream(
            _heading("Controller"),
            _text(
                "The City of Stockholm, City Executive Board, is responsible for personal data in the portal."
            ),
            _heading("What data we process"),
            _list(
                "Name and e-mail address for your account.",
                "The organisation you represent and your role in it.",
                "What you write in comments, formal responses and the contact form.",
            ),
            _text(
                "We never ask for data about ethnic origin, religion or health. Please do not write such "
                "data about yourself or others in comments or messages.",
            ),
            _heading("Why and for how long"),
            _text(
                "The data is needed for the city to work together with civil society, which is a task in "
                "the public interest. Your account remains until you delete it. Formal responses submitted "
                "by an organisation are official documents and are kept according to the city's rules.",
            ),
            _heading("Your rights"),
            _text(
                "You can download and delete your data from your account. You have the right to ask for "
                "correction and to complain to the Swedish Authority for Privacy Protection (IMY).",
            ),
        ),
    },
}

ACCESSIBILITY = {
    "sv": {
        "title": "Tillgänglighetsredogörelse",
        "slug": "tillganglighet",
        "intro": "Stockholms stad står bakom den här webbplatsen och vill att alla ska kunna använda den.",
        "body": lambda pages: _stream(
            _heading("Hur tillgänglig är webbplatsen?"),
            _text(
                "Webbplatsen är delvis förenlig med lagen om tillgänglighet till digital offentlig service, "
                "på grund av de brister som beskrivs nedan. Målet är att den ska uppfylla WCAG 2.1 nivå AA.",
            ),
            _heading("Kända brister"),
            _list(
                "Vissa dokument som bifogas remisser är PDF-filer som inte är helt tillgängliga.",
                "Äldre bilder i nyheter kan sakna bra alternativtexter.",
                "Inbäddade videor från andra tjänster kan sakna textning.",
            ),
            _heading("Rapportera brister"),
            _text(
                "Om du stöter på hinder eller behöver innehåll i ett annat format, skriv till "
                '<a href="mailto:referensgruppen@example.org">referensgruppen@example.org</a> '
                "eller använd kontaktformuläret. Vi svarar inom fem arbetsdagar.",
            ),
            _heading("Tillsyn"),
            _text(
                "Myndigheten för digital förvaltning (DIGG) har tillsyn över lagen. Om du inte är nöjd "
                "med hur vi hanterar dina synpunkter kan du anmäla det till DIGG på "
                '<a href="https://www.digg.se/tdosanmalan">digg.se/tdosanmalan</a>.',
            ),
            _heading("Hur vi har testat webbplatsen"),
            _text(
                "Vi har granskat webbplatsen själva med automatiska verktyg, tangentbord och skärmläsare. "
                "Redogörelsen uppdaterades senast den 23 november 2026.",
            ),
        ),
    },
    "en": {
        "title": "Accessibility statement",
        "slug": "accessibility",
        "intro": "The City of Stockholm runs this website and wants everyone to be able to use it.",
        "body": lambda pages: _stream(
            _heading("How accessible is the website?"),
            _text(
                "The website is partially compliant with the Swedish Act on accessibility to digital public "
                "services, because of the shortcomings listed below. The aim is WCAG 2.1 level AA.",
            ),
            _heading("Known shortcomings"),
            _list(
                "Some documents attached to consultations are PDF files that are not fully accessible.",
                "Older images in news articles may lack good alternative texts.",
                "Videos embedded from other services may lack captions.",
            ),
            _heading("Report a problem"),
            _text(
                "If you meet a barrier or need content in another format, write to "
                '<a href="mailto:referensgruppen@example.org">referensgruppen@example.org</a> '
                "or use the contact form. We answer within five working days.",
            ),
            _heading("Supervision"),
            _text(
                "The Agency for Digital Government (DIGG) supervises the act. If you are not satisfied with "
                "how we handle your report, you can notify DIGG at "
                '<a href="https://www.digg.se/tdosanmalan">digg.se/tdosanmalan</a>.',
            ),
            _heading("How we tested the website"),
            _text(
                "We reviewed the website ourselves with automated tools, the keyboard and screen readers. "
                "The statement was last updated on 23 November 2026.",
            ),
        ),
    },
}

SITE_SETTINGS = {
    "contact_email": "referensgruppen@example.org",
    "postal_address": "Stockholms stad\nStadshuset, Hantverkargatan 1\n105 35 Stockholm",
    "footer_text": "Referensgruppen mot rasism – Stockholms stad samarbetar med civilsamhället. "
    "Reference group against racism – the City of Stockholm works with civil society.",
}


# --- Seeding -------------------------------------------------------------------------------------


def seed(command):
    locale_sv, _ = Locale.objects.get_or_create(language_code="sv")
    locale_en, _ = Locale.objects.get_or_create(language_code="en")

    home_sv, site = _ensure_home(locale_sv)
    home_en = _ensure_translation(home_sv, locale_en, _fields(HOME["en"]))

    pages = {}
    # The contact page first: the other pages' calls to action link to it.
    pages["contact"] = _ensure_contact(home_sv, home_en, locale_sv, locale_en)
    for key, model, spec, menu in [
        ("about", ContentPage, ABOUT, True),
        ("action_plan", ContentPage, ACTION_PLAN, True),
        ("news", NewsIndexPage, NEWS_INDEX, True),
        ("privacy", ContentPage, PRIVACY, False),
        ("accessibility", ContentPage, ACCESSIBILITY, False),
    ]:
        fields_sv = _fields(spec["sv"], pages)
        page_sv = _ensure_child(home_sv, model, locale_sv, fields_sv, show_in_menus=menu)
        _ensure_translation(page_sv, locale_en, _fields(spec["en"], pages))
        pages[key] = page_sv

    _place_contact_last(home_sv, home_en, pages["contact"])

    for article in NEWS:
        fields_sv = {**_fields(article["sv"]), "date": article["date"]}
        page_sv = _ensure_child(pages["news"], NewsArticlePage, locale_sv, fields_sv)
        _ensure_translation(page_sv, locale_en, {**_fields(article["en"]), "date": article["date"]})

    _ensure_site_settings(site, pages)
    _ensure_accounts(command)


def _fields(spec, pages=None):
    return {
        name: (value(pages) if callable(value) else value)
        for name, value in spec.items()
        if name not in ("fields",)
    }


def _publish(page):
    page.save_revision().publish()


def _ensure_home(locale_sv):
    """Replace Wagtail's welcome page with the Swedish home page and point the default site at it."""
    root = Page.get_first_root_node()
    home = HomePage.objects.filter(depth=2, locale=locale_sv).first()
    if home is None:
        home = HomePage(locale=locale_sv, **_fields(HOME["sv"]))
        root.add_child(instance=home)
        _publish(home)
    site = Site.objects.filter(is_default_site=True).first()
    if site is None:
        site = Site(hostname="localhost", port=80, is_default_site=True)
    if site.root_page_id != home.pk or site.site_name != settings.WAGTAIL_SITE_NAME:
        site.root_page = home
        site.site_name = settings.WAGTAIL_SITE_NAME
        site.save()
    # Wagtail's "Welcome to your new Wagtail site!" page: a plain Page with nothing under it.
    plain_page = ContentType.objects.get_for_model(Page)
    for welcome in Page.objects.filter(depth=2, content_type=plain_page, numchild=0):
        if not Site.objects.filter(root_page=welcome).exists():
            welcome.delete()
    return home, site


def _ensure_child(parent, model, locale, fields, show_in_menus=False):
    # child_of() rather than get_children(): the latter trusts the in-memory numchild, stale here.
    existing = Page.objects.child_of(parent).filter(slug=fields["slug"]).first()
    if existing is not None:
        return existing.specific
    page = model(locale=locale, show_in_menus=show_in_menus, **fields)
    parent.add_child(instance=page)
    _publish(page)
    return page


def _ensure_translation(page, locale, fields):
    """The page's translation into `locale`: copied from the Swedish page, then given its own text."""
    existing = page.get_translation_or_none(locale)
    if existing is not None:
        return existing.specific
    translation = page.copy_for_translation(locale).specific
    _rename_new_copy(translation, fields["slug"])
    for name, value in fields.items():
        setattr(translation, name, value)
    translation.save()
    _publish(translation)
    return translation


def _rename_new_copy(page, slug):
    """Give a copy made a moment ago its own slug without Wagtail's slug-change machinery: nobody can
    have visited the copy's first address, so no redirect from it is wanted."""
    url_path = f"{page.get_parent().url_path}{slug}/"
    Page.objects.filter(pk=page.pk).update(slug=slug, url_path=url_path)
    page.slug = slug
    page.url_path = url_path


def _ensure_contact(home_sv, home_en, locale_sv, locale_en):
    def with_fields(page, spec):
        page.form_fields = [
            ContactFormField(label=label, field_type=kind, required=required, help_text=help_text)
            for label, kind, required, help_text in spec["fields"]
        ]
        return page

    contact_sv = Page.objects.child_of(home_sv).filter(slug=CONTACT["sv"]["slug"]).first()
    if contact_sv is None:
        contact_sv = with_fields(
            ContactFormPage(locale=locale_sv, show_in_menus=True, **_fields(CONTACT["sv"])), CONTACT["sv"]
        )
        home_sv.add_child(instance=contact_sv)
        _publish(contact_sv)
    contact_sv = contact_sv.specific
    if contact_sv.get_translation_or_none(locale_en) is None:
        contact_en = contact_sv.copy_for_translation(locale_en).specific
        _rename_new_copy(contact_en, CONTACT["en"]["slug"])
        for name, value in _fields(CONTACT["en"]).items():
            setattr(contact_en, name, value)
        with_fields(contact_en, CONTACT["en"]).save()
        _publish(contact_en)
    return contact_sv


def _place_contact_last(home_sv, home_en, contact_sv):
    """The contact page is created first (others link to it) but belongs last in the menu."""
    for home, contact in [
        (home_sv, contact_sv),
        (home_en, contact_sv.get_translation_or_none(home_en.locale)),
    ]:
        if contact is None:
            continue
        last = Page.objects.child_of(home).order_by("path").last()
        if last is not None and last.pk != contact.pk:
            Page.objects.get(pk=contact.pk).move(last, pos="right")


def _ensure_site_settings(site, pages):
    site_settings = SiteSettings.for_site(site)
    changed = False
    for name, value in SITE_SETTINGS.items():
        if not getattr(site_settings, name):
            setattr(site_settings, name, value)
            changed = True
    for name, key in [("privacy_page", "privacy"), ("accessibility_page", "accessibility")]:
        if getattr(site_settings, f"{name}_id") is None:
            setattr(site_settings, name, pages[key])
            changed = True
    if changed:
        site_settings.save()


def _ensure_accounts(command):
    User = get_user_model()
    for email, password, name, is_superuser, group_names in DEMO_ACCOUNTS:
        user, created = User.objects.get_or_create(
            email=email,
            defaults={"display_name": name, "is_staff": is_superuser, "is_superuser": is_superuser},
        )
        if created:
            user.set_password(password)
            user.save()
        if group_names:
            user.groups.add(*Group.objects.filter(name__in=group_names))
        EmailAddress.objects.update_or_create(
            user=user, email=email, defaults={"verified": True, "primary": True}
        )
        if user.check_password(password):
            command.demo_passwords[email] = password
