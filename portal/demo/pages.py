"""The portal's demo pages in Swedish and English and its site settings, as data for
`portal.demo.seeding`. The long texts (the privacy page, the accessibility statement) are templates in
templates/portal/demo/. The texts are written for the demo from the facts of the city's action plan
against racism.
"""

import datetime
import json
import re

from django.conf import settings
from django.template.loader import render_to_string

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


def _body_from_template(template_name, **context):
    """A StreamField body written as a template (templates/portal/demo/): blocks are separated by a blank
    line; `<h2>`/`<h3>` is a heading block, anything else (paragraphs, a list) one paragraph block. Line
    breaks inside a block are spaces, and none are kept around the paragraph and list tags."""
    blocks = []
    for chunk in re.split(r"\n\s*\n", render_to_string(template_name, context)):
        chunk = " ".join(line.strip() for line in chunk.splitlines() if line.strip())
        if not chunk:
            continue
        heading = re.fullmatch(r"<(h[23])>(.*)</\1>", chunk)
        if heading:
            blocks.append(_heading(heading[2], heading[1]))
        else:
            blocks.append({"type": "paragraph", "value": re.sub(r"\s*(</?(?:p|ul|li)>)\s*", r"\1", chunk)})
    return _stream(*blocks)


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
                "Lämnar samrådssvar på utkast till aktiviteter i handlingsplanen.",
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
            _heading("2. Förebygga rasism mot barn och unga", "h3"),
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
            _heading("2. Preventing racism against children and young people", "h3"),
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
            "title": "Första samrådet: kunskapshöjande insatser för stadens medarbetare",
            "slug": "forsta-remissen",
            "intro": (
                "Staden vill ha synpunkter på ett utkast till "
                "utbildningsinsatser om rasism och diskriminering."
            ),
            "body": _stream(
                _text(
                    "Utkastet hör till handlingsplanens första utvecklingsområde. Organisationerna i "
                    "referensgruppen kan kommentera varje avsnitt och lämna ett samlat samrådssvar.",
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

# The privacy page and the accessibility statement are rebuilt from their templates
# (templates/portal/demo/) by seed_demo as long as nobody has edited them in the admin (see
# seeding._refresh_if_unedited). The figures come from the retention settings, so the page says what
# the portal actually does.


def _months(days):
    return max(1, round(days / 30.4))


def _retention():
    return {
        "unverified": getattr(settings, "PRIVACY_UNVERIFIED_ACCOUNT_DAYS", 30),
        "inactive": getattr(settings, "PRIVACY_INACTIVE_ACCOUNT_MONTHS", 24),
        "grace": getattr(settings, "PRIVACY_INACTIVE_GRACE_DAYS", 30),
        "export": getattr(settings, "PRIVACY_EXPORT_RETENTION_DAYS", 7),
        "logs": _months(getattr(settings, "PRIVACY_LOG_RETENTION_DAYS", 365)),
        "read": _months(getattr(settings, "NOTIFICATIONS_READ_RETENTION_DAYS", 180)),
        "version": getattr(settings, "PRIVACY_TERMS_VERSION", "1"),
    }


PRIVACY = {
    "sv": {
        "title": "Personuppgifter",
        "slug": "personuppgifter",
        "intro": "Här förklarar vi vilka uppgifter portalen sparar om dig, varför vi gör det, hur länge och "
        "vilka rättigheter du har.",
        "body": lambda pages: _body_from_template("portal/demo/privacy_sv.html", retention=_retention()),
    },
    "en": {
        "title": "Privacy",
        "slug": "privacy",
        "intro": "What the portal keeps about you, why, for how long, and what your rights are.",
        "body": lambda pages: _body_from_template("portal/demo/privacy_en.html", retention=_retention()),
    },
}

STATEMENT_DATE_SV = "24 november 2026"
STATEMENT_DATE_EN = "24 November 2026"

ACCESSIBILITY = {
    "sv": {
        "title": "Tillgänglighetsredogörelse",
        "slug": "tillganglighet",
        "intro": "Stockholms stad står bakom webbplatsen Referensgruppen mot rasism. Vi vill att så många "
        "som möjligt ska kunna använda den. Här beskriver vi hur webbplatsen uppfyller lagen om "
        "tillgänglighet till digital offentlig service, vilka brister vi känner till och hur "
        "du rapporterar problem.",
        "body": lambda pages: _body_from_template(
            "portal/demo/accessibility_sv.html", statement_date=STATEMENT_DATE_SV
        ),
    },
    "en": {
        "title": "Accessibility statement",
        "slug": "accessibility",
        "intro": "The City of Stockholm runs the website Reference group against racism. We want as many "
        "people as possible to be able to use it. This statement describes how the website meets the "
        "Swedish Act on accessibility to digital public services, the shortcomings we know of and how to "
        "report problems.",
        "body": lambda pages: _body_from_template(
            "portal/demo/accessibility_en.html", statement_date=STATEMENT_DATE_EN
        ),
    },
}

SITE_SETTINGS = {
    "contact_email": "referensgruppen@example.org",
    "postal_address": "Stockholms stad\nStadshuset, Hantverkargatan 1\n105 35 Stockholm",
    "footer_text": "Referensgruppen mot rasism – Stockholms stad samarbetar med civilsamhället. "
    "Reference group against racism – the City of Stockholm works with civil society.",
}
