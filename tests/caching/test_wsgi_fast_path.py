"""The page cache's WSGI front (portal.caching.PageCacheApplication, the application in portal/wsgi.py):
hits are answered before Django runs, with the same rules as the middleware.

The requests here go through `portal.wsgi.application` itself, the callable gunicorn serves, with an environ
made by Django's RequestFactory; each test runs on local memory and on the real Redis (see conftest.py).
"""

import pytest
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from django.test import Client, RequestFactory

from portal import caching
from tests.factories import CommentFactory, MembershipFactory, OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db

HIT = caching.CACHE_HEADER


class Served:
    def __init__(self, status, headers, body, django_ran):
        self.status, self.body, self.django_ran = status, body, django_ran
        self.headers = {}
        for name, value in headers:
            self.headers.setdefault(name.lower(), []).append(value)

    def header(self, name):
        return ", ".join(self.headers.get(name.lower(), []))

    @property
    def text(self):
        return self.body.decode()


def serve(path, *, method="get", cookies=None, **extra) -> Served:
    """One request through the WSGI application, counting whether Django's request handling started."""
    from portal.wsgi import application

    factory = RequestFactory()
    if cookies:
        for name, value in cookies.items():
            factory.cookies[name] = value
    environ = getattr(factory, method)(path, **extra).environ
    started = []

    def count(**kwargs):
        started.append(True)

    captured = {}

    def start_response(status, headers, exc_info=None):
        captured["status"], captured["headers"] = status, headers

    # As Django's test client does: the test's open transaction must survive the request.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    request_started.connect(count)
    try:
        result = application(environ, start_response)
        body = b"".join(result)
        if hasattr(result, "close"):
            result.close()
    finally:
        request_started.disconnect(count)
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)
    return Served(captured["status"], captured["headers"], body, bool(started))


def test_a_hit_is_answered_without_running_django_and_keeps_every_header(page_cache, public_site):
    first = serve("/samraden/")
    assert first.status == "200 OK"
    assert first.django_ran and first.header(HIT) == "miss"

    second = serve("/samraden/")
    assert second.status == "200 OK"
    assert not second.django_ran
    assert second.header(HIT) == "hit"
    assert second.body == first.body
    assert "Samråd om mötesplatser" in second.text
    # The headers that the middleware added when the page was rendered are served with it.
    for name in (
        "Content-Security-Policy",
        "Permissions-Policy",
        "X-Content-Type-Options",
        "Referrer-Policy",
        "X-Frame-Options",
        "Content-Type",
        "Content-Language",
    ):
        assert second.header(name) == first.header(name) != "", name
    assert "Cookie" in second.header("Vary")
    assert second.header("Content-Language") == "sv"
    assert "set-cookie" not in second.headers


def test_a_head_request_gets_the_headers_without_the_body(page_cache, public_site):
    serve("/samraden/")
    head = serve("/samraden/", method="head")
    assert head.header(HIT) == "hit" and not head.django_ran
    assert head.body == b""
    assert int(head.header("Content-Length")) > 1000


def test_a_signed_in_member_is_never_answered_from_the_cache(page_cache, public_site):
    member = MembershipFactory(
        organisation=OrganisationFactory(name="Föreningen Gamma"),
        user=UserFactory(display_name="Greta Inloggad"),
        role="member",
    ).user
    for _ in range(2):
        anonymous = serve("/samraden/")
    assert anonymous.header(HIT) == "hit"

    client = Client()
    client.force_login(member)
    session = client.cookies["sessionid"].value
    signed_in = serve("/samraden/", cookies={"sessionid": session})
    assert signed_in.django_ran
    assert HIT.lower() not in signed_in.headers
    assert "Greta Inloggad" in signed_in.text
    assert "Greta Inloggad" not in serve("/samraden/").text
    # Nor is the member's page stored for anyone else.
    assert serve("/samraden/").header(HIT) == "hit"


def test_a_message_cookie_or_a_post_goes_to_django(page_cache, public_site):
    serve("/samraden/")
    assert serve("/samraden/", cookies={"messages": "pending"}).django_ran
    posted = serve("/samraden/", method="post")
    assert posted.django_ran and HIT.lower() not in posted.headers


def test_an_unknown_host_is_refused_by_django_and_never_served_from_the_cache(page_cache, public_site):
    serve("/samraden/")
    assert serve("/samraden/").header(HIT) == "hit"
    other = serve("/samraden/", HTTP_HOST="evil.example")
    assert other.django_ran
    assert other.status.startswith("400")
    assert "Samråd om mötesplatser" not in other.text


def test_the_language_follows_the_path_not_the_browser(page_cache, public_site):
    serve("/samraden/")
    english_browser = serve("/samraden/", HTTP_ACCEPT_LANGUAGE="en")
    assert english_browser.header(HIT) == "hit"
    assert english_browser.header("Content-Language") == "sv"
    english = [serve("/en/samraden/") for _ in range(2)]
    assert english[1].header(HIT) == "hit"
    assert english[1].header("Content-Language") == "en"
    assert "Consultations" in english[1].text


def test_a_change_is_seen_at_once_through_the_front(page_cache, public_site, consultation):
    path = "/samraden/motesplatser/"
    serve(path)
    assert serve(path).header(HIT) == "hit"
    CommentFactory(consultation=consultation, text="Lånecyklar vid varje mötesplats, tack.")
    fresh = serve(path)
    assert fresh.django_ran
    assert "Lånecyklar vid varje mötesplats, tack." in fresh.text
