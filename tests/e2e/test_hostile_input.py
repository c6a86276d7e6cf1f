"""Hostile and odd input in the real browser.

A corpus of XSS payloads goes through the real forms (posted over HTTP with Django's test client for
speed: comments and replies, the response draft, the organisation profile, the search box), and the pages
that show them are rendered in Chromium with a listener that fails on any dialog and an exposed function
`__xss()` that every payload calls if it runs. Each payload is either refused by the form with a message,
or stored as typed and shown as text. Then long and odd Unicode input is stored exactly and shown.
"""

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation

from tests.e2e.helpers import login
from tests.factories import (
    ConsultationFactory,
    MembershipFactory,
    OrganisationFactory,
    UserFactory,
    totp_code,
)

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

PASSWORD = "correct-horse-battery"

# Every payload calls __xss(<its number>) if a browser ever runs it.
PAYLOADS = [
    "<script>__xss(0)</script>",
    "<img src=x onerror=__xss(1)>",
    "<svg onload=__xss(2)>",
    "<svg><script>__xss(3)</script></svg>",
    "javascript:__xss(4)",
    '"><script>__xss(5)</script>',
    "'><img src=x onerror=__xss(6)>",
    '" onmouseover="__xss(7)" autofocus onfocus="__xss(7)" x="',
    "' onfocus='__xss(8)' autofocus='",
    "</textarea><script>__xss(9)</script>",
    "</title><script>__xss(10)</script>",
    "{{ __xss(11) }} {% now 'Y' %} {{7*7}}",
    "[klicka här](javascript:__xss(12))",
    '<a href="javascript:__xss(13)">länk</a>',
    '<iframe srcdoc="<script>parent.__xss(14)</script>"></iframe>',
    "<details open ontoggle=__xss(15)>",
    "<body onload=__xss(16)>",
    "jaVasCript:/*-/*`/*\\`/*'/*\"/**/(/* */oNcliCk=__xss(17) )//%0D%0A%0d%0a//</stYle/</titLe/"
    "</teXtarEa/</scRipt/--!>\\x3csVg/<sVg/oNloAd=__xss(17)//>\\x3e",
    "<math><mtext><table><mglyph><style><img src=x onerror=__xss(18)>",
    "&lt;img src=x onerror=__xss(19)&gt; &#60;script&#62;__xss(19)&#60;/script&#62;",
    "<style>@import 'javascript:__xss(20)';</style>",
    "${__xss(21)} `${__xss(21)}`",
]

ODD_TEXTS = [
    "مرحبا بكم في المنصة — نحن ضد العنصرية",  # Arabic (RTL)
    "שלום לכולם, אנחנו נגד גזענות",  # Hebrew (RTL)
    "Vi 🤝 tillsammans 👩🏽‍🤝‍👩🏻 mot rasism 🏳️‍🌈",  # emoji with zero-width joiners and modifiers
    "Z̶a̷l̸g̵o̴ och e\u0301 (e + combining acute), Åå",  # combining marks
    "Sámegiella: Sámi čuvgehus, ČŠŽ",
    "a<b, 3 < 5 och <3",  # plain text with "<" is ordinary writing
]


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def world(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    translation.activate("sv")
    org = OrganisationFactory(name="Alfa mot rasism", slug="alfa")
    admin = MembershipFactory(
        organisation=org, role="admin", user=UserFactory(email="xss-admin@example.org", display_name="Amir")
    ).user
    member = MembershipFactory(
        organisation=org, user=UserFactory(email="xss-member@example.org", display_name="Anna")
    ).user
    consultation = ConsultationFactory(slug="xss-samrad", title="Samråd om trygghet", sections=1)
    return {"org": org, "admin": admin, "member": member, "consultation": consultation}


def _guard(page):
    """Fails the test if any payload runs: a dialog, or a call of the exposed __xss()."""
    fired = []
    page.on("dialog", lambda dialog: (fired.append(f"dialog: {dialog.message}"), dialog.dismiss()))
    page.context.expose_function("__xss", lambda n=None: fired.append(f"__xss({n})"))
    return fired


def _visit(page, url, fired, label):
    page.goto(url)
    page.wait_for_load_state("load")
    # Give onerror/onload/autofocus handlers a moment, and move focus and the mouse over the page.
    page.mouse.move(10, 10)
    page.keyboard.press("Tab")
    page.mouse.move(300, 300)
    page.wait_for_timeout(150)
    assert not fired, f"a payload ran on {label} ({url}): {fired}"


def test_xss_corpus_does_not_run_anywhere(world, live_server, page):
    consultation, org, admin, member = (world[k] for k in ("consultation", "org", "admin", "member"))
    section = consultation.sections.first()
    comment_url = reverse("consultations:comment_create", kwargs={"slug": consultation.slug})
    member_client, admin_client = _client(member), _client(admin)
    tried = {"comment": 0, "reply": 0, "response": 0, "org_description": 0, "org_name": 0, "search": 0}
    stored = refused = 0
    shown = []  # payloads stored as comments, which the consultation page must show as plain text

    # Comments and replies: each payload is either refused with the message, or stored exactly.
    parent = None
    for payload in PAYLOADS:
        answer = member_client.post(
            comment_url, {"text": payload, "organisation": org.pk, "section": str(section.key)}
        )
        tried["comment"] += 1
        if answer.status_code == 302:
            stored += 1
            shown.append(payload)
            from consultations.models import Comment

            parent = parent or Comment.objects.latest("pk")
            assert Comment.objects.latest("pk").text == payload
        else:
            refused += 1
            assert "Skriv vanlig text" in answer.content.decode(), payload
        if parent:
            reply = admin_client.post(
                comment_url, {"text": payload, "organisation": org.pk, "parent": parent.pk}
            )
            tried["reply"] += 1
            assert reply.status_code in (302, 400)

    # The response draft: all payloads at once in the free text (refused) and the ones without tags.
    response_url = reverse("consultations:response", kwargs={"slug": consultation.slug})
    for payload in PAYLOADS:
        from consultations.models import Response

        draft = Response.objects.filter(consultation=consultation, organisation=org).first()
        admin_client.post(
            response_url,
            {"revision": draft.revision if draft else 0, "text": payload, "organisation": org.pk},
        )
        tried["response"] += 1

    # The organisation profile: the description holds the whole corpus, the name one payload.
    settings_url = reverse("organisations:settings", kwargs={"slug": org.slug})
    from organisations.models import FocusArea, Organisation

    focus = list(FocusArea.objects.values_list("pk", flat=True)[:1])
    base = {"name": org.name, "kind": org.kind, "listed_publicly": "on", "focus_areas": focus}
    answer = admin_client.post(settings_url, {**base, "description": "\n".join(PAYLOADS)})
    tried["org_description"] += len(PAYLOADS)
    assert answer.status_code in (200, 302)
    for payload in PAYLOADS[:6]:
        answer = admin_client.post(
            settings_url,
            {**base, "name": payload[:80], "description": "Beskrivning", "website": "javascript:x"},
        )
        tried["org_name"] += 1
    org = Organisation.objects.get(pk=org.pk)

    # Render in the browser.
    fired = _guard(page)
    url = live_server.url
    for path, label in (
        (reverse("organisations:directory"), "directory"),
        (reverse("organisations:detail", kwargs={"slug": org.slug}), "organisation page"),
        (consultation.get_absolute_url(), "consultation page (anonymous)"),
    ):
        _visit(page, url + path, fired, label)
    page.goto(url + consultation.get_absolute_url())
    main_text = page.locator("main").inner_text()
    for payload in shown:
        assert payload in main_text, f"stored payload not shown as text: {payload}"
    login(page, live_server, "xss-admin@example.org", PASSWORD)
    for path, label in (
        (consultation.get_absolute_url(), "consultation page (member)"),
        (response_url, "response draft"),
        (settings_url, "organisation settings"),
        (reverse("organisations:mine"), "my organisations"),
    ):
        _visit(page, url + path, fired, label)
    # The search box reflects what was typed.
    for payload in PAYLOADS:
        page.goto(f"{url}{reverse('search')}")
        box = page.locator("main input[type=search], main input[name=q]").first
        box.fill(payload)
        box.press("Enter")
        page.wait_for_load_state("load")
        page.wait_for_timeout(50)
        tried["search"] += 1
        assert not fired, f"search: {payload}: {fired}"
    total = sum(tried.values())
    print(
        f"\nXSS corpus: {len(PAYLOADS)} payloads, {total} submissions ({tried}); "
        f"stored {stored}, refused {refused}"
    )
    assert stored > 0 and refused > 0  # both paths were exercised


def test_long_and_odd_unicode_input_is_stored_exactly_and_shown(world, live_server, page):
    from consultations.models import COMMENT_MAX_LENGTH, Comment

    consultation, org, member = world["consultation"], world["org"], world["member"]
    comment_url = reverse("consultations:comment_create", kwargs={"slug": consultation.slug})
    client = _client(member)
    for text in ODD_TEXTS:
        answer = client.post(comment_url, {"text": text, "organisation": org.pk})
        assert answer.status_code == 302, (text, answer.content.decode()[:500])
        assert Comment.objects.latest("pk").text == text
    # At the limit: accepted; one beyond: refused with a clear message, in Swedish and English.
    at_limit = "å" * COMMENT_MAX_LENGTH
    assert client.post(comment_url, {"text": at_limit, "organisation": org.pk}).status_code == 302
    assert Comment.objects.latest("pk").text == at_limit
    too_long = client.post(comment_url, {"text": at_limit + "x", "organisation": org.pk})
    assert too_long.status_code == 400
    assert "Texten är för lång" in too_long.content.decode() or "för lång" in too_long.content.decode()
    with translation.override("en"):
        en_url = reverse("consultations:comment_create", kwargs={"slug": consultation.slug})
    too_long = client.post(en_url, {"text": at_limit + "x", "organisation": org.pk})
    assert "The text is too long" in too_long.content.decode()
    # Markup is still refused.
    refused = client.post(comment_url, {"text": "<b>fet</b>", "organisation": org.pk})
    assert refused.status_code == 400
    assert "Skriv vanlig text" in refused.content.decode()

    fired = _guard(page)
    page.goto(live_server.url + consultation.get_absolute_url())
    main = page.locator("main").inner_text()
    for text in ODD_TEXTS:
        assert text in main, text
    assert not fired


def test_coordinator_and_admin_views_keep_payloads_inert(world, live_server, page):
    """RSVP needs (seen only by coordinators) and join-request messages (seen by the organisation's
    admins) with the corpus, rendered on the coordinators' and the admin's pages."""
    from django.core.cache import cache

    from meetings.models import Invitation as MeetingInvitation
    from organisations.models import JoinRequest
    from tests.factories import MeetingFactory, MeetingInvitationFactory, add_totp, coordinator

    org, member = world["org"], world["member"]
    coord = coordinator("xss-coord@example.org", totp=False)
    secret = add_totp(coord)
    meeting = MeetingFactory(title="Möte med behov", invite_all_approved=False)
    MeetingInvitationFactory(meeting=meeting, organisation=org)
    needs = "\n".join(PAYLOADS)
    rsvp_url = reverse("meetings:rsvp", kwargs={"pk": meeting.pk, "organisation_pk": org.pk})
    prefix = f"org{org.pk}"
    answer = _client(world["admin"]).post(
        rsvp_url,
        {f"{prefix}-answer": "attending", f"{prefix}-attendees": [member.pk], f"{prefix}-needs": needs},
        follow=True,
    )
    stored_needs = MeetingInvitation.objects.get(meeting=meeting, organisation=org).needs
    assert stored_needs == needs, answer.content.decode()[-3000:]
    join_url = reverse("organisations:join", kwargs={"slug": org.slug})
    for index, payload in enumerate(PAYLOADS):
        asker = UserFactory(email=f"asker{index}@example.org", display_name=payload[:100])
        _client(asker).post(join_url, {"message": payload})
    assert JoinRequest.objects.filter(organisation=org).count() == len(PAYLOADS)
    assert set(JoinRequest.objects.values_list("message", flat=True)) == set(PAYLOADS)

    fired = _guard(page)
    url = live_server.url
    cache.clear()
    login(page, live_server, "xss-coord@example.org", PASSWORD)
    page.locator("input[name=code]").fill(totp_code(secret))
    page.locator("input[name=code]").press("Enter")
    page.wait_for_load_state()
    manage = url + reverse("workspace_meeting", kwargs={"pk": meeting.pk})
    _visit(page, manage, fired, "meeting manage (coordinator)")
    assert PAYLOADS[0] in page.locator("main").inner_text()  # the needs are shown, as text
    for path, label in (
        (reverse("organisations:coordinator_list"), "organisations (coordinator)"),
        (reverse("organisations:application", kwargs={"slug": org.slug}), "application (coordinator)"),
        (reverse("workspace_consultations"), "consultations in the workspace (coordinator)"),
        (reverse("coordinator_hub"), "coordinator hub"),
    ):
        _visit(page, url + path, fired, label)
    page.context.clear_cookies()
    login(page, live_server, "xss-admin@example.org", PASSWORD)
    for path, label in (
        (reverse("organisations:settings", kwargs={"slug": org.slug}), "organisation settings (admin)"),
        (reverse("organisations:mine"), "my organisations (admin)"),
    ):
        _visit(page, url + path, fired, label)
    print(f"\nRSVP needs and join messages: {2 * len(PAYLOADS)} submissions, none ran")
