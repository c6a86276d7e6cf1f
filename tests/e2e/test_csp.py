"""The Content-Security-Policy in a real browser: the main pages of the portal, for a visitor, a member
and a site admin, raise no `securitypolicyviolation` event and log no console error, and what runs on
JavaScript still works under the policy (the menu on a phone, the export page that polls, Wagtail's
userbar and the admin's preview panel)."""

import pytest
from django.core.management import call_command
from django.urls import NoReverseMatch, reverse

from consultations.demo import SLUG as DEMO_CONSULTATION
from consultations.models import Consultation, Export
from meetings.models import Meeting
from organisations.models import Organisation
from portal.models import ContactFormPage, ContentPage
from tests.e2e.helpers import login
from tests.factories import add_totp, totp_code

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

# Runs in every document before the page's own scripts; CDP-injected, so the policy does not block it.
LISTENER = """
document.addEventListener("securitypolicyviolation", (e) => {
  window.__cspViolation(
    `${e.effectiveDirective} refused ${e.blockedURI || "inline"} in ${e.documentURI}`
    + ` (${e.sourceFile || "-"}:${e.lineNumber}) ${e.sample || ""}`
  );
}, true);
"""


class Watch:
    """Collects policy violations, console errors and uncaught exceptions of one browser page."""

    def __init__(self, page):
        self.page = page
        self.problems = []
        page.expose_function("__cspViolation", lambda text: self.problems.append(f"CSP: {text}"))
        page.add_init_script(LISTENER)
        page.on("console", self._console)
        page.on("pageerror", lambda error: self.problems.append(f"uncaught {error} on {page.url}"))

    def _console(self, message):
        if message.type == "error":
            self.problems.append(f"console: {message.text} on {self.page.url}")

    def visit(self, url):
        response = self.page.goto(url)
        assert response.status < 400, f"{url} answered {response.status}"
        self.page.wait_for_load_state("networkidle")
        return response

    def assert_clean(self):
        assert not self.problems, "\n".join(self.problems)


@pytest.fixture
def seeded(django_db_blocker):
    call_command("seed_demo", verbosity=0)


def _log_in_site_admin(page, live_server):
    """The demo site admin with an authenticator, as the admin requires."""
    from django.contrib.auth import get_user_model

    secret = add_totp(get_user_model().objects.get(email="admin@example.org"))
    login(page, live_server, "admin@example.org", "demo-admin-2026")
    page.locator("input[name=code]").fill(totp_code(secret))
    page.locator("input[name=code]").press("Enter")
    page.wait_for_url(lambda url: "/2fa/" not in url)
    account = page.get_by_role("navigation", name="Konto")
    assert account.get_by_role("button", name="Logga ut").count() == 1, page.locator("main").inner_text()


def test_the_policy_catches_an_inline_script(seeded, live_server, page):
    """The listener is live: an inline script added to a page is refused and reported."""
    watch = Watch(page)
    watch.visit(live_server.url + "/")
    page.evaluate(
        "() => { const s = document.createElement('script'); s.textContent = 'window.__ran = true';"
        " document.body.append(s); }"
    )
    page.wait_for_timeout(200)
    assert page.evaluate("() => window.__ran === undefined")
    assert len(watch.problems) >= 1
    assert any("script-src" in problem for problem in watch.problems), watch.problems


def test_public_pages_keep_to_the_policy(seeded, live_server, page):
    watch = Watch(page)
    consultation = Consultation.objects.get(slug=DEMO_CONSULTATION)
    meeting = Meeting.objects.order_by("start").first()
    organisation = Organisation.objects.approved().listed().first()
    urls = [
        "/",
        "/en/",
        *[ContentPage.objects.live().get(slug=slug).url for slug in ["personuppgifter", "tillganglighet"]],
        *[ContentPage.objects.live().get(slug=slug).url for slug in ["privacy", "accessibility"]],
        ContactFormPage.objects.live().filter(locale__language_code="sv").first().url,
        "/search/?q=rasism",
        reverse("consultations:list"),
        consultation.get_absolute_url(),
        "/en" + consultation.get_absolute_url(),
        reverse("meetings:list"),
        reverse("organisations:directory"),
        "/accounts/login/",
        "/accounts/signup/",
        "/accounts/password/reset/",
        "/en/accounts/login/",
    ]
    if organisation is not None:
        urls.append(organisation.get_absolute_url())
    if meeting is not None and meeting.is_public:
        urls.append(meeting.get_absolute_url())
    for url in urls:
        watch.visit(live_server.url + url)
    watch.assert_clean()


def test_member_pages_keep_to_the_policy(seeded, live_server, page):
    watch = Watch(page)
    login(page, live_server, "medlem@example.org", "demo-medlem-2026")
    consultation = Consultation.objects.get(slug=DEMO_CONSULTATION)

    watch.visit(live_server.url + consultation.get_absolute_url())
    # The comment form is there and usable.
    comment = page.locator("main form textarea").first
    assert comment.is_visible()
    comment.fill("En kommentar som inte skickas.")

    urls = [
        reverse("notifications:inbox"),
        reverse("notifications:preferences"),
        reverse("organisations:mine"),
        reverse("meetings:list"),
        "/accounts/email/",
        "/accounts/password/change/",
    ]
    meeting = Meeting.objects.order_by("start").first()
    if meeting is not None:
        urls.append(meeting.get_absolute_url())
    try:
        urls.append(reverse("privacy:home"))
    except NoReverseMatch:
        pass
    for url in urls:
        watch.visit(live_server.url + url)
    watch.assert_clean()


def test_menu_opens_on_a_phone(seeded, live_server, browser):
    context = browser.new_context(viewport={"width": 360, "height": 740}, locale="sv-SE")
    page = context.new_page()
    try:
        watch = Watch(page)
        watch.visit(live_server.url + "/")
        menu = page.locator("details.menu")
        link = page.get_by_role("navigation", name="Huvudmeny").get_by_role("link", name="Samråd")
        # portal.js closes the menu on a narrow screen; the summary opens it.
        assert menu.evaluate("(el) => el.open") is False
        assert not link.is_visible()
        page.locator("details.menu > summary").click()
        assert menu.evaluate("(el) => el.open") is True
        assert link.is_visible()
        link.click()
        page.wait_for_url(f"{live_server.url}{reverse('consultations:list')}")
        watch.assert_clean()
    finally:
        context.close()


def test_site_admin_pages_userbar_export_progress_and_preview(seeded, live_server, page):
    watch = Watch(page)
    _log_in_site_admin(page, live_server)

    # Wagtail's userbar on a page: loads and opens under the public policy.
    watch.visit(live_server.url + "/")
    trigger = page.locator("#wagtail-userbar-trigger")
    trigger.click()
    assert trigger.get_attribute("aria-expanded") == "true"
    assert page.locator("#wagtail-userbar-items").is_visible()

    # The participation figures draw their bars without inline styles.
    consultation = Consultation.objects.get(slug=DEMO_CONSULTATION)
    watch.visit(live_server.url + reverse("consultations:participation", args=[consultation.slug]))
    assert page.locator(".bar-chart svg rect").count() >= 2

    # Exports are listed on the consultation's workspace page (the old status page redirects there).
    Export.objects.create(consultation=consultation, kind=Export.Kind.XLSX, progress=10)
    watch.visit(live_server.url + reverse("workspace_consultation", args=[consultation.pk]))
    page.wait_for_load_state("networkidle")

    # The admin has its own, looser policy; its preview panel frames the page from the same origin.
    privacy = ContentPage.objects.live().get(slug="personuppgifter")
    watch.visit(live_server.url + reverse("wagtailadmin_home"))
    watch.visit(live_server.url + reverse("wagtailadmin_pages:edit", args=[privacy.pk]))
    page.locator("[data-side-panel-toggle='preview']").first.click()
    frame = page.frame_locator("#w-preview-iframe")
    frame.locator("main h1").wait_for(timeout=15_000)
    assert frame.locator("main h1").inner_text().strip() == privacy.title
    watch.assert_clean()
