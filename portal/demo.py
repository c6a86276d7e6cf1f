"""Demo content of the portal: the site's pages in Swedish and English, the site settings, and a site
admin and a coordinator account. Called by `manage.py seed_demo`.

Idempotent: pages are found by their slug under their parent (and by translation for English), users by
e-mail; whatever exists is left as it is, so an editor's changes and a changed password survive a re-run.
The privacy page and the accessibility statement are the exception: a re-run brings their text up to date
as long as no editor has touched them.
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

# The privacy page and the accessibility statement are rebuilt from these texts by seed_demo as long as
# nobody has edited them in the admin (see _refresh_if_unedited). The figures come from the retention
# settings, so the page says what the portal actually does.


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


def _privacy_sv(pages):
    r = _retention()
    return _stream(
        _heading("Vem ansvarar för dina uppgifter?"),
        _text(
            "Kommunstyrelsen i Stockholms stad är personuppgiftsansvarig för portalen. Kommunstyrelsen leder "
            "stadens arbete mot rasism och samverkar med civilsamhället genom referensgruppen. Frågor om "
            'dina uppgifter skickar du till <a href="mailto:referensgruppen@example.org">'
            "referensgruppen@example.org</a> eller via kontaktformuläret.",
        ),
        _heading("Vilka uppgifter vi sparar och varför"),
        _heading("Ditt konto", "h3"),
        _text(
            "Ditt namn, din e-postadress, vilket språk du vill ha och ditt lösenord (sparat så att ingen "
            "kan läsa det). Samordnare har också tvåstegsverifiering. Vi behöver uppgifterna för att du ska "
            "kunna logga in och få besked om det som berör dig.",
        ),
        _heading("Din organisation", "h3"),
        _text(
            "Organisationens namn, organisationsnummer, kontaktuppgifter och inriktning, vilka som är "
            "medlemmar och vem som är administratör. Staden behöver uppgifterna för att godkänna "
            "organisationer och veta vem som företräder dem.",
        ),
        _heading("Kommentarer och samrådssvar", "h3"),
        _text(
            "Det du skriver i kommentarer och i din organisations samrådssvar. Ett samrådssvar som har "
            "skickats in är en allmän handling hos staden. Det finns kvar även om du tar bort ditt konto, "
            "och portalen tar aldrig bort inskickade samrådssvar eller godkända protokoll. Om du tar bort "
            "ditt konto ersätts ditt namn med ”Borttagen användare” och organisationens namn står kvar.",
        ),
        _heading("Möten", "h3"),
        _text(
            "Dina svar på mötesinbjudningar, om du var med på mötet och de behov du anger, till exempel "
            "tolk eller anpassad lokal. Behoven ser bara stadens samordnare, som använder dem för att "
            "planera mötet.",
        ),
        _heading("Notiser och e-post", "h3"),
        _text(
            "Meddelanden i din inkorg och dina val för e-post. Vi sparar också en logg över vilka "
            "e-postmeddelanden som har skickats, så att inget skickas två gånger och så att vi kan se "
            "fel.",
        ),
        _heading("Inloggningar", "h3"),
        _text(
            "När du har loggat in och från vilket nät. Vi sparar inte hela din IP-adress, bara den del "
            "som visar nätet. Loggen hjälper oss att upptäcka intrång.",
        ),
        _text(
            "<p><strong>Skriv inte känsliga uppgifter.</strong> Vi ber aldrig om uppgifter om etniskt "
            "ursprung, religion eller hälsa. Skriv inte sådana uppgifter om dig själv eller om andra "
            "namngivna personer i kommentarer, samrådssvar eller meddelanden.</p>",
        ),
        _heading("Rättslig grund"),
        _list(
            "<strong>Allmänt intresse:</strong> att staden samverkar med civilsamhället enligt stadens "
            "handlingsplan mot rasism är en uppgift av allmänt intresse. Det gäller konton, organisationer, "
            "kommentarer, samrådssvar, möten och notiser.",
            "<strong>Samtycke:</strong> en organisation visas i den offentliga förteckningen bara om "
            "den har samtyckt till det. Samtycket kan tas tillbaka när som helst i organisationens "
            "inställningar.",
            "<strong>Allmänna handlingar:</strong> inskickade samrådssvar och godkända protokoll bevaras "
            "enligt offentlighets- och sekretesslagen och arkivlagen.",
        ),
        _heading("Hur länge vi sparar uppgifterna"),
        _list(
            "Ditt konto: tills du tar bort det.",
            f"Konton där e-postadressen aldrig har bekräftats: tas bort efter {r['unverified']} dagar.",
            f"Konton som inte har använts på {r['inactive']} månader: du får en varning via e-post, och "
            f"kontot tas bort {r['grace']} dagar senare om du inte loggar in.",
            f"Filer med dina uppgifter som du har laddat ner (Mina uppgifter): tas bort efter {r['export']} "
            "dagar.",
            f"Inloggningsloggen och loggen över skickad e-post: {r['logs']} månader.",
            f"Lästa meddelanden i inkorgen: {r['read']} månader.",
            "Inskickade samrådssvar och godkända protokoll: tas aldrig bort av portalen "
            "(allmänna handlingar).",
        ),
        _heading("Dina rättigheter"),
        _list(
            f"<strong>Få ut dina uppgifter:</strong> under Mina uppgifter kan du ladda ner allt portalen "
            f"sparar om dig. Filen finns kvar i {r['export']} dagar.",
            "<strong>Rätta:</strong> du ändrar namn och e-postadress i ditt konto. Annat rättar vi om du "
            "hör av dig.",
            "<strong>Radera:</strong> du kan ta bort ditt konto under Mina uppgifter. Samrådssvar som har "
            "skickats in finns kvar, utan ditt namn.",
            "<strong>Klaga:</strong> om du tycker att vi behandlar dina uppgifter fel kan du klaga hos "
            'Integritetsskyddsmyndigheten (IMY), <a href="https://www.imy.se">imy.se</a>.',
        ),
        _heading("Version"),
        _text(
            f"Det här är version {r['version']} av villkoren. När villkoren ändras på ett sätt som berör "
            "dig ber vi dig läsa och godkänna dem igen nästa gång du loggar in.",
        ),
    )


def _privacy_en(pages):
    r = _retention()
    return _stream(
        _heading("Who is responsible for your data?"),
        _text(
            "The City Executive Board (Kommunstyrelsen) of the City of Stockholm is the controller of your "
            "personal data in the portal. The board leads the city's work against racism and works with "
            "civil society through the reference group. Send questions about your data to "
            '<a href="mailto:referensgruppen@example.org">referensgruppen@example.org</a> or use the '
            "contact form.",
        ),
        _heading("What we keep and why"),
        _heading("Your account", "h3"),
        _text(
            "Your name, your e-mail address, the language you prefer and your password (stored so that "
            "nobody can read it). Coordinators also have two-factor authentication. We need this so that "
            "you can log in and hear about what concerns you.",
        ),
        _heading("Your organisation", "h3"),
        _text(
            "The organisation's name, organisation number, contact details and focus areas, who its members "
            "are and who is its administrator. The city needs this to approve organisations and to know who "
            "speaks for them.",
        ),
        _heading("Comments and formal responses", "h3"),
        _text(
            "What you write in comments and in your organisation's formal responses. A formal response that "
            "has been submitted is an official document (allmän handling) of the city. It stays even if you "
            "delete your account, and the portal never deletes submitted responses or approved minutes. If "
            "you delete your account, your name is replaced by “Deleted user” and the organisation's name "
            "stays.",
        ),
        _heading("Meetings", "h3"),
        _text(
            "Your replies to meeting invitations, whether you attended, and the needs you tell us about, "
            "such as interpretation or an accessible room. Only the city's coordinators see your needs, and "
            "they use them to plan the meeting.",
        ),
        _heading("Notifications and e-mail", "h3"),
        _text(
            "Messages in your inbox and your e-mail choices. We also keep a log of which e-mails were sent, "
            "so that nothing is sent twice and so that we can find faults.",
        ),
        _heading("Log-ins", "h3"),
        _text(
            "When you logged in and from which network. We do not keep your full IP address, only the part "
            "that shows the network. The log helps us detect break-ins.",
        ),
        _text(
            "<p><strong>Do not write sensitive data.</strong> We never ask for data about ethnic origin, "
            "religion or health. Please do not write such data about yourself or about other named people "
            "in comments, formal responses or messages.</p>",
        ),
        _heading("Legal basis"),
        _list(
            "<strong>Public interest:</strong> the city working with civil society under its action plan "
            "against racism is a task in the public interest. This covers accounts, organisations, comments, "
            "formal responses, meetings and notifications.",
            "<strong>Consent:</strong> an organisation is shown in the public directory only if it has "
            "consented. The consent can be withdrawn at any time in the organisation's settings.",
            "<strong>Official documents:</strong> submitted formal responses and approved minutes are kept "
            "under the Public Access to Information and Secrecy Act and the Archives Act.",
        ),
        _heading("How long we keep the data"),
        _list(
            "Your account: until you delete it.",
            f"Accounts whose e-mail address was never confirmed: deleted after {r['unverified']} days.",
            f"Accounts not used for {r['inactive']} months: you get a warning by e-mail, and the account "
            f"is deleted {r['grace']} days later unless you log in.",
            f"Files with your data that you download (My data): deleted after {r['export']} days.",
            f"The log-in log and the log of sent e-mail: {r['logs']} months.",
            f"Read messages in the inbox: {r['read']} months.",
            "Submitted formal responses and approved minutes: never deleted by the portal (official "
            "documents).",
        ),
        _heading("Your rights"),
        _list(
            f"<strong>Get your data:</strong> under My data you can download everything the portal keeps "
            f"about you. The file is kept for {r['export']} days.",
            "<strong>Correct:</strong> you change your name and e-mail address in your account. We correct "
            "anything else if you contact us.",
            "<strong>Erase:</strong> you can delete your account under My data. Submitted formal responses "
            "stay, without your name.",
            "<strong>Complain:</strong> if you think we handle your data wrongly, you can complain to the "
            'Swedish Authority for Privacy Protection (IMY), <a href="https://www.imy.se">imy.se</a>.',
        ),
        _heading("Version"),
        _text(
            f"This is version {r['version']} of the terms. When the terms change in a way that concerns "
            "you, we ask you to read and accept them again the next time you log in.",
        ),
    )


PRIVACY = {
    "sv": {
        "title": "Personuppgifter",
        "slug": "personuppgifter",
        "intro": "Här förklarar vi vilka uppgifter portalen sparar om dig, varför vi gör det, hur länge och "
        "vilka rättigheter du har.",
        "body": _privacy_sv,
    },
    "en": {
        "title": "Privacy",
        "slug": "privacy",
        "intro": "What the portal keeps about you, why, for how long, and what your rights are.",
        "body": _privacy_en,
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
        "body": lambda pages: _stream(
            _heading("Hur tillgänglig är webbplatsen?"),
            _text(
                "Webbplatsen är <strong>delvis förenlig</strong> med lagen om tillgänglighet till digital "
                "offentlig service, på grund av de brister som beskrivs nedan. Kraven är de i WCAG 2.1 nivå "
                "AA (den europeiska standarden EN 301 549).",
            ),
            _heading("Vad kan du göra om du inte kan använda delar av webbplatsen?"),
            _text(
                "Om du behöver innehåll i ett annat format, till exempel en PDF-fil som vanlig text eller "
                "ett protokoll i större stil, skriv till "
                '<a href="mailto:referensgruppen@example.org">referensgruppen@example.org</a> eller använd '
                "kontaktformuläret. Vi svarar inom fem arbetsdagar.",
            ),
            _heading("Rapportera brister"),
            _text(
                "Vi strävar hela tiden efter att göra webbplatsen bättre. Om du upptäcker problem som inte "
                "står på den här sidan, eller om du tycker att vi inte uppfyller lagen, skriv till "
                '<a href="mailto:referensgruppen@example.org">referensgruppen@example.org</a> eller använd '
                "kontaktformuläret, så att vi får veta att problemet finns.",
            ),
            _heading("Tillsyn"),
            _text(
                "Myndigheten för digital förvaltning (Digg) har ansvar för tillsyn över lagen om "
                "tillgänglighet till digital offentlig service. Om du inte är nöjd med hur vi hanterar dina "
                "synpunkter kan du kontakta Digg och påtala det. Digg har ett formulär för anmälan om "
                "bristande tillgänglighet på "
                '<a href="https://www.digg.se/tdosanmalan">digg.se/tdosanmalan</a>.',
            ),
            _heading("Tekniska uppgifter om webbplatsens tillgänglighet"),
            _text(
                "Webbplatsen är delvis förenlig med lagen om tillgänglighet till digital offentlig service, "
                "på grund av de brister som beskrivs nedan.",
            ),
            _heading("Innehåll som inte är tillgängligt", "h3"),
            _list(
                "PDF-filer som portalen skapar, till exempel mötesprotokoll och sammanställningar av "
                "samrådssvar, är inte taggade. En skärmläsare kan därför ha svårt att följa rubriker och "
                "tabeller i dem (WCAG 1.3.1). Samma innehåll finns som vanliga webbsidor i portalen. Vi "
                "planerar att rätta detta under 2027.",
                "Dokument som staden bifogar till samråd och möten kan sakna rubrikstruktur eller "
                "alternativtexter (WCAG 1.1.1 och 1.3.1). Vi går igenom nya dokument innan de publiceras "
                "och rättar äldre när vi hittar brister.",
            ),
            _heading("Oskäligt betungande anpassning", "h3"),
            _text(
                "Vi åberopar inte undantaget för oskäligt betungande anpassning för något innehåll på "
                "webbplatsen.",
            ),
            _heading("Innehåll som inte omfattas av lagen", "h3"),
            _text(
                "Filer som organisationer själva laddar upp, till exempel en PDF-fil till ett samrådssvar, "
                "är innehåll från tredje part som staden varken har tagit fram eller styr över. Sådant "
                "innehåll omfattas inte av lagen (9 §). Vi ber organisationerna att ladda upp tillgängliga "
                "dokument och hjälper gärna till.",
            ),
            _heading("Hur vi testat webbplatsen"),
            _text(
                "Vi har själva granskat webbplatsen (självskattning). Vid varje ny version av portalen "
                "kontrolleras de viktigaste sidorna automatiskt med verktyget axe i en riktig webbläsare, på "
                "svenska och engelska och i mobilbredd. Dessutom går vi igenom sidorna manuellt med bara "
                "tangentbord, med skärmläsare och med förstoring.",
                f"Den senaste bedömningen gjordes den {STATEMENT_DATE_SV}.",
            ),
            _heading("Om redogörelsen"),
            _text(
                "Webbplatsen publicerades i november 2026. Redogörelsen uppdaterades senast den "
                f"{STATEMENT_DATE_SV}.",
            ),
        ),
    },
    "en": {
        "title": "Accessibility statement",
        "slug": "accessibility",
        "intro": "The City of Stockholm runs the website Reference group against racism. We want as many "
        "people as possible to be able to use it. This statement describes how the website meets the "
        "Swedish Act on accessibility to digital public services, the shortcomings we know of and how to "
        "report problems.",
        "body": lambda pages: _stream(
            _heading("How accessible is the website?"),
            _text(
                "The website is <strong>partially compliant</strong> with the Act on accessibility to "
                "digital public services, because of the shortcomings listed below. The requirements are "
                "those of WCAG 2.1 level AA (the European standard EN 301 549).",
            ),
            _heading("What can you do if you cannot use parts of the website?"),
            _text(
                "If you need content in another format, for example a PDF file as plain text or minutes in "
                "large print, write to "
                '<a href="mailto:referensgruppen@example.org">referensgruppen@example.org</a> or use the '
                "contact form. We answer within five working days.",
            ),
            _heading("Report a problem"),
            _text(
                "We keep working to improve the website. If you find a problem that is not described on "
                "this page, or think that we do not meet the law, write to "
                '<a href="mailto:referensgruppen@example.org">referensgruppen@example.org</a> or use the '
                "contact form so that we know about it.",
            ),
            _heading("Enforcement"),
            _text(
                "The Agency for Digital Government (Digg) supervises the Act on accessibility to digital "
                "public services. If you are not satisfied with how we handle your report, you can contact "
                "Digg and tell them. Digg has a form for reporting inaccessible websites at "
                '<a href="https://www.digg.se/tdosanmalan">digg.se/tdosanmalan</a> (in Swedish).',
            ),
            _heading("Technical information about the website's accessibility"),
            _text(
                "The website is partially compliant with the Act on accessibility to digital public "
                "services, because of the shortcomings listed below.",
            ),
            _heading("Non-accessible content", "h3"),
            _list(
                "PDF files that the portal creates, such as meeting minutes and compilations of formal "
                "responses, are not tagged. A screen reader may therefore have trouble following their "
                "headings and tables (WCAG 1.3.1). The same content is available as ordinary web pages in "
                "the portal. We plan to fix this during 2027.",
                "Documents that the city attaches to consultations and meetings may lack a heading "
                "structure or alternative texts (WCAG 1.1.1 and 1.3.1). We check new documents before they "
                "are published and fix older ones when we find problems.",
            ),
            _heading("Disproportionate burden", "h3"),
            _text(
                "We do not claim the exemption for disproportionate burden for any content on the website."
            ),
            _heading("Content outside the scope of the law", "h3"),
            _text(
                "Files that organisations upload themselves, such as a PDF file attached to a formal "
                "response, are third-party content that the city has neither produced nor controls. Such "
                "content is outside the scope of the law (section 9). We ask organisations to upload "
                "accessible documents and are happy to help.",
            ),
            _heading("How we tested the website"),
            _text(
                "We have reviewed the website ourselves (self-assessment). With every new version of the "
                "portal, the main pages are checked automatically with the axe tool in a real browser, in "
                "Swedish and English and at mobile width. We also go through the pages by hand with the "
                "keyboard only, with screen readers and with magnification.",
                f"The latest assessment was made on {STATEMENT_DATE_EN}.",
            ),
            _heading("About this statement"),
            _text(
                "The website was published in November 2026. The statement was last updated on "
                f"{STATEMENT_DATE_EN}."
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
        fields_en = _fields(spec["en"], pages)
        page_en = _ensure_translation(page_sv, locale_en, fields_en)
        if key in ("privacy", "accessibility"):
            _refresh_if_unedited(page_sv, fields_sv)
            _refresh_if_unedited(page_en, fields_en)
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


def _refresh_if_unedited(page, fields):
    """Bring a page seeded by an earlier version of this module up to date with today's text, but only
    while nobody has edited it: every revision was made by the seed (no user). An editor's change wins."""
    if page.revisions.exclude(user=None).exists():
        return
    wanted = {name: value for name, value in fields.items() if name != "slug"}
    current_body = [{"type": b["type"], "value": b["value"]} for b in page.body.raw_data]
    if all(getattr(page, name) == value for name, value in wanted.items() if name != "body") and (
        "body" not in wanted or current_body == json.loads(wanted["body"])
    ):
        return
    for name, value in wanted.items():
        setattr(page, name, value)
    page.save()
    _publish(page)


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
