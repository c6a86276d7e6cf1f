"""Rate limits that protect instead of lock out (portal/ratelimits.py): a flood of wrong passwords from one
address slows that address and the attacked account on unknown devices, but neither another person at
another address nor the owner on their own device or network; behind a proxy, with
ALLAUTH_TRUSTED_PROXY_COUNT set, every limit keys on the forwarded client address."""

import time

import pytest
from django.core.cache import cache
from django.test import Client, RequestFactory

from portal import ratelimits
from tests.factories import UserFactory, totp_code

pytestmark = pytest.mark.django_db

PASSWORD = "correct-horse-battery"  # UserFactory's
ATTACKER = "203.0.113.66"
OWNER_HOME = "198.51.100.10"
OTHER_PERSON = "192.0.2.20"
COOLING = "Många inloggningsförsök till det här kontot har misslyckats"
PER_ADDRESS = "För många misslyckade inloggningsförsök"


def _login(client, email, password, **extra):
    return client.post("/accounts/login/", {"login": email, "password": password}, **extra)


def _logged_in(client) -> bool:
    return "_auth_user_id" in client.session


@pytest.fixture(autouse=True)
def _slow_machine_safe_delays(settings):
    # The first cooling period is long enough that a slow test machine cannot outwait it between requests.
    settings.PORTAL_LOGIN_BASE_DELAY_SECONDS = 60


def _flood(email, count=25, **extra):
    """Wrong passwords for `email` from the attacker's address (a fresh browser each time, no cookies)."""
    extra.setdefault("REMOTE_ADDR", ATTACKER)
    pages = []
    for i in range(count):
        pages.append(_login(Client(), email, f"wrong-{i}", **extra).content.decode())
    return pages


def _end_cooling(account):
    """Moves the account's last failure back in time, as if its cooling period had passed."""
    key = ratelimits._account_key(account)
    state = cache.get(key)
    cache.set(key, {**state, "last": time.time() - 3600}, 3600)


def test_a_flood_from_one_address_stops_that_address_and_slows_the_account():
    victim = UserFactory(email="offer@example.org")
    pages = _flood(victim.email)
    assert COOLING not in pages[0] and PER_ADDRESS not in pages[0]
    assert all(COOLING in page or PER_ADDRESS in page for page in pages[6:])
    # The attacker's address is limited per address, whatever account it tries next.
    other = UserFactory(email="annan@example.org")
    client = Client()
    page = _login(client, other.email, PASSWORD, REMOTE_ADDR=ATTACKER).content.decode()
    assert PER_ADDRESS in page and not _logged_in(client)
    assert victim.pk  # the account itself is not locked: see the tests below


def test_another_person_at_another_address_logs_in_during_the_flood():
    victim = UserFactory(email="offer@example.org")
    other = UserFactory(email="annan@example.org")
    _flood(victim.email)
    client = Client()
    response = _login(client, other.email, PASSWORD, REMOTE_ADDR=OTHER_PERSON)
    assert response.status_code == 302 and _logged_in(client)


def test_the_owner_with_the_right_password_on_their_own_device_is_not_refused():
    owner = UserFactory(email="agare@example.org")
    laptop = Client()
    assert _login(laptop, owner.email, PASSWORD, REMOTE_ADDR=OWNER_HOME).status_code == 302
    assert ratelimits.KNOWN_DEVICE_COOKIE in laptop.cookies
    laptop.post("/accounts/logout/")
    _flood(owner.email)
    # Same device, and even from a café's network that the owner never used before.
    response = _login(laptop, owner.email, PASSWORD, REMOTE_ADDR="100.64.7.7")
    assert response.status_code == 302 and _logged_in(laptop)


def test_the_owner_from_their_usual_network_is_not_refused_even_on_a_new_device():
    owner = UserFactory(email="agare@example.org")
    assert _login(Client(), owner.email, PASSWORD, REMOTE_ADDR=OWNER_HOME).status_code == 302
    _flood(owner.email)
    new_phone = Client()
    response = _login(new_phone, owner.email, PASSWORD, REMOTE_ADDR="198.51.100.99")  # same /24 network
    assert response.status_code == 302 and _logged_in(new_phone)


def test_an_unknown_device_is_slowed_down_not_locked_out():
    owner = UserFactory(email="agare@example.org")
    _flood(owner.email, count=8)
    stranger = Client()
    page = _login(stranger, owner.email, PASSWORD, REMOTE_ADDR="100.64.1.1").content.decode()
    assert COOLING in page and "sekund" in page and not _logged_in(stranger)
    assert ratelimits.account_wait_seconds(owner.email) > 0
    _end_cooling(owner.email)
    response = _login(stranger, owner.email, PASSWORD, REMOTE_ADDR="100.64.1.1")
    assert response.status_code == 302 and _logged_in(stranger)
    # A successful log-in ends the slow-down for everyone.
    assert ratelimits.account_wait_seconds(owner.email) == 0


def test_the_cooling_period_grows_with_each_failure_up_to_the_maximum(settings):
    settings.PORTAL_LOGIN_FREE_FAILURES = 2
    settings.PORTAL_LOGIN_BASE_DELAY_SECONDS = 3
    settings.PORTAL_LOGIN_MAX_DELAY_SECONDS = 20
    now = 1_000_000.0
    account = "vaxande@example.org"
    waits = []
    for _ in range(6):
        ratelimits.account_failed(account, now=now)
        waits.append(ratelimits.account_wait_seconds(account, now=now))
    assert waits == [0, 3, 6, 12, 20, 20]


def test_the_message_is_in_english_on_the_english_page():
    owner = UserFactory(email="agare@example.org")
    for i in range(6):
        Client().post(
            "/en/accounts/login/", {"login": owner.email, "password": f"x{i}"}, REMOTE_ADDR=ATTACKER
        )
    page = Client().post(
        "/en/accounts/login/", {"login": owner.email, "password": PASSWORD}, REMOTE_ADDR="100.64.2.2"
    )
    assert "There have been many failed log-ins to this account" in page.content.decode()


# --- behind a proxy ------------------------------------------------------------------------------


def test_behind_a_proxy_the_limit_keys_on_the_forwarded_client_address(settings):
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1
    victim = UserFactory(email="offer@example.org")
    other = UserFactory(email="annan@example.org")
    proxy = {"REMOTE_ADDR": "10.0.0.1"}
    # The attacker may write its own X-Forwarded-For; nginx appends the address it saw.
    pages = _flood(victim.email, count=15, HTTP_X_FORWARDED_FOR=f"1.2.3.4, {ATTACKER}", **proxy)
    assert PER_ADDRESS in pages[-1]
    # Every request comes from the proxy's address, yet someone else is not affected.
    client = Client()
    response = _login(client, other.email, PASSWORD, HTTP_X_FORWARDED_FOR=OTHER_PERSON, **proxy)
    assert response.status_code == 302 and _logged_in(client)
    # Spoofing another address in front does not move the attacker into a fresh bucket.
    client = Client()
    page = _login(client, other.email, PASSWORD, HTTP_X_FORWARDED_FOR=f"9.9.9.9, {ATTACKER}", **proxy)
    assert PER_ADDRESS in page.content.decode() and not _logged_in(client)


def test_without_the_setting_everyone_behind_the_proxy_would_share_one_address(settings):
    request = RequestFactory().get("/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR=ATTACKER)
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 0
    assert ratelimits.client_ip(request) == "10.0.0.1"
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1
    assert ratelimits.client_ip(request) == ATTACKER
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 2
    two = RequestFactory().get(
        "/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR=f"6.6.6.6, {ATTACKER}, 10.0.0.1"
    )
    assert ratelimits.client_ip(two) == ATTACKER
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 0
    settings.ALLAUTH_TRUSTED_CLIENT_IP_HEADER = "X-Real-IP"
    real = RequestFactory().get("/", REMOTE_ADDR="10.0.0.1", HTTP_X_REAL_IP=OTHER_PERSON)
    assert ratelimits.client_ip(real) == OTHER_PERSON


def test_the_portals_own_limits_use_the_same_forwarded_address(settings):
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1
    factory = RequestFactory()

    def post(address):
        request = factory.post("/kontakt/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR=address)
        return ratelimits.consume(request, "contact")

    assert [post(ATTACKER) for _ in range(6)] == [True] * 5 + [False]
    assert post(OTHER_PERSON) is True


def test_the_log_in_record_keeps_the_forwarded_network(settings):
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1
    owner = UserFactory(email="agare@example.org")
    _login(Client(), owner.email, PASSWORD, REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR=OWNER_HOME)
    assert owner.login_events.get().network == "198.51.100.0/24"


# --- the two-factor step -------------------------------------------------------------------------


def _to_two_factor_step(client, email, address):
    response = _login(client, email, PASSWORD, REMOTE_ADDR=address)
    assert response.status_code == 302 and "/2fa/authenticate/" in response["Location"]
    return response["Location"]


def test_wrong_two_factor_codes_slow_the_account_but_not_the_owners_device():
    from tests.factories import add_totp

    owner = UserFactory(email="samordnare-2fa@example.org")
    laptop = Client()
    assert _login(laptop, owner.email, PASSWORD, REMOTE_ADDR=OWNER_HOME).status_code == 302  # before TOTP
    laptop.post("/accounts/logout/")
    secret = add_totp(owner)

    # Someone who has the password tries codes from elsewhere.
    thief = Client()
    step = _to_two_factor_step(thief, owner.email, ATTACKER)
    pages = [thief.post(step, {"code": f"{i:06d}"}, REMOTE_ADDR=ATTACKER).content.decode() for i in range(7)]
    assert "Många felaktiga koder har angetts för det här kontot" in pages[-1]
    assert "_auth_user_id" not in thief.session

    # The owner, on their own laptop, with the right code: in.
    step = _to_two_factor_step(laptop, owner.email, "100.64.9.9")
    response = laptop.post(step, {"code": totp_code(secret)}, REMOTE_ADDR="100.64.9.9")
    assert response.status_code == 302 and _logged_in(laptop)


# --- organisation registration -------------------------------------------------------------------


def test_organisation_registration_is_limited_per_address():
    from django.urls import reverse

    url = reverse("organisations:register")
    first, second = UserFactory(email="forening1@example.org"), UserFactory(email="forening2@example.org")
    client = Client()
    client.force_login(first)
    answers = [client.post(url, {"name": ""}, REMOTE_ADDR=ATTACKER).status_code for _ in range(6)]
    assert answers == [200] * 5 + [429]
    page = client.post(url, {"name": ""}, REMOTE_ADDR=ATTACKER).content.decode()
    assert "Du har skickat flera ansökningar på kort tid" in page
    other = Client()
    other.force_login(second)
    assert other.post(url, {"name": ""}, REMOTE_ADDR=OTHER_PERSON).status_code == 200
