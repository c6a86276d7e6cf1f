"""No address answers 500, whoever asks and whatever the address holds.

Every URL pattern of the resolver (the same walk as the permission matrix, Wagtail's admin aside) is
requested with its parameters filled four ways: real ids of the seeded objects, ids of objects that
belong to another organisation, stale ids (the row was deleted) and malformed values (an id past
PostgreSQL's integer range, an over-long slug, a string with markup and a NUL, a random UUID); in
Swedish (unprefixed) and, with the real parameters, in English (/en/). Each address is requested with
GET and POST (a garbage body; the real address also with a garbage query string and an empty body).
The real Swedish address is requested by every role: anonymous, a member, an organisation
administrator, the administrator of an organisation still waiting for approval, a coordinator and a
Wagtail editor; the other variants by the three roles whose code paths differ most (anonymous, member,
coordinator), which keeps the sweep near a minute.

The test client does not re-raise view exceptions here (`raise_request_exception=False`), so a 500 is
seen as the visitor sees it; the exception behind each one is collected from `got_request_exception`
and listed, with the failing requests, in the assertion message.

The world (organisations, consultations, meetings, …) is the permission matrix's `world` fixture.
"""

import os
import re
import time
import uuid
from collections import Counter

import pytest
from django.core.signals import got_request_exception
from django.test import Client
from django.urls import NoReverseMatch, reverse
from django.utils import translation

from tests.factories import CommentFactory, MembershipFactory, UserFactory
from tests.security.test_permission_matrix import all_patterns, world  # noqa: F401  (the fixture)

pytestmark = pytest.mark.django_db

STALE_INT = 987_654  # no row has it: what an address looks like after its object was deleted
HUGE_INT = 10**20  # the int converter takes any digits; PostgreSQL's integer does not
MALFORMED_STR = "ä<script>x</script>\x00" + "x" * 300
MALFORMED_SLUG = "-" + "x" * 300
GARBAGE_QUERY = {
    "page": "-1'",
    "organisation": "abc",
    "status": "<x>",
    "svar": "abc",
    "from": "x",
    "to": "99999999999999999999",
    "format": "json",
    "q": "\x00" + "a" * 500,
    "next": "https://evil.example/",
    "area": "zz",
    "focus": "zz",
    "responsible": "abc",
    "kept": "x" * 100,
}
GARBAGE_BODY = {
    "text": "x",
    "organisation": "abc",
    "item": "abc",
    "revision": "abc",
    "section": "abc",
    "parent": "99999999999999999999",
    "action": "abc",
    "kind": "abc",
    "email": "abc",
    "role": "abc",
    "answer": "abc",
    "status": "abc",
    "days": "abc",
    "audience": "abc",
    "reason": "x",
    "then": "submit",
    "confirm": "on",
    "remove": "abc",
    "idempotency_key": "x" * 20,
    "next": "https://evil.example/",
    "invite-email": "abc",
    "invite-role": "abc",
}
# Requests that would end the role's session or account; their pages are still requested with GET.
NO_POST = {"account_logout", "privacy:delete"}


# --- more people and objects on top of the permission matrix's world ------------------------------


@pytest.fixture
def sweep(world):  # noqa: F811 (the imported fixture)
    from django.contrib.auth.models import Group

    from consultations.models import Comment
    from meetings.models import ActionItem
    from organisations.models import Organisation

    objects, users = world["objects"], dict(world["users"])
    pending = Organisation.objects.get(slug="vantande")
    users["pending_admin"] = MembershipFactory(
        organisation=pending, role="admin", user__email="pending-admin@example.org"
    ).user
    editor = UserFactory(email="editor@example.org")
    editor.groups.add(Group.objects.get(name="Editors"))
    users["editor"] = editor

    # Objects of another organisation (org B), for the "foreign" addresses.
    consultation = objects["comment"].consultation
    foreign_comment = CommentFactory(
        consultation=consultation, author=users["other_admin"], organisation=objects["org_b"]
    )
    # Stale ids: rows that existed and were deleted.
    gone = CommentFactory(consultation=consultation, author=users["member"], organisation=objects["org_a"])
    stale_comment = gone.pk
    Comment.objects.filter(pk=gone.pk).delete()
    item = ActionItem.objects.first()
    foreign = {
        "organisations": {"slug": objects["org_b"].slug},
        "consultations:comment": {"pk": foreign_comment.pk},
        "meetings:rsvp": {"pk": objects["members_meeting"].pk, "organisation_pk": objects["org_b"].pk},
        "notifications:organisation_contact": {"organisation_id": objects["org_b"].pk},
        "organisations:invitation_revoke": {"slug": objects["org_b"].slug, "pk": 1},
    }
    return {
        "world": world,
        "users": users,
        "foreign": foreign,
        "stale": {"pk": stale_comment},
        "action_item": item,
    }


# --- building the addresses -----------------------------------------------------------------------

_PARAM = re.compile(r"<(?:(\w+):)?(\w+)>")


def _converters(route: str) -> dict[str, str]:
    return {name: conv or "str" for conv, name in _PARAM.findall(route)}


def _bad(conv: str, kind: str, stale_pk: int):
    if conv == "int":
        return stale_pk if kind == "stale" else HUGE_INT
    if conv == "uuid":
        return uuid.uuid4()
    if conv == "slug":
        return "finns-inte" if kind == "stale" else MALFORMED_SLUG
    return "finns-inte" if kind == "stale" else MALFORMED_STR


def _foreign(sweep, key: str, real: dict) -> dict | None:
    foreign = sweep["foreign"]
    if key in foreign:
        return {**real, **foreign[key]}
    if key.startswith("consultations:comment_") or key == "consultations:reports_dismiss":
        return {**real, **foreign["consultations:comment"]}
    if key.startswith("organisations:") and "slug" in real:
        return {**real, **foreign["organisations"]}
    return None


def addresses(sweep, pattern) -> list[tuple[str, str]]:
    """(label, path) for one pattern: real, foreign, stale and malformed parameters."""
    spec = dict(sweep["world"]["kwargs"].get(pattern.key, {}))
    args = spec.pop("args", None)
    out = []

    def add(label, kwargs=None, positional=None):
        try:
            out.append((label, reverse(pattern.key, args=positional, kwargs=kwargs or None)))
        except NoReverseMatch:
            pass  # a value the converter refuses never reaches the view

    add("real", spec, args)
    if args is not None:  # regular-expression routes with positional groups (Wagtail's)
        if pattern.key == "wagtaildocs_serve":
            add("stale", positional=[STALE_INT, "gone.pdf"])
            add("malformed", positional=[HUGE_INT, "x" * 300])
        elif pattern.key == "wagtail_serve":
            add("stale", positional=["finns-inte/"])
            add("malformed", positional=["x" * 200 + "/ä/"])
        return out
    converters = _converters(pattern.route)
    if not converters:
        for name in re.findall(r"\(\?P<(\w+)>", pattern.route):  # allauth's regex routes
            converters[name] = "str"
    if not converters:
        return out
    foreign = _foreign(sweep, pattern.key, spec)
    if foreign and foreign != spec:
        add("foreign", foreign)
    for kind in ("stale", "malformed"):
        add(kind, {name: _bad(conv, kind, sweep["stale"]["pk"]) for name, conv in converters.items()})
    return out


ROLES = ("anonymous", "member", "org_admin", "pending_admin", "coordinator", "editor")
FEW_ROLES = ("anonymous", "member", "coordinator")


def _clients(users, sessions: dict | None = None) -> dict[str, Client]:
    """A client per role. The first call logs each role in (`force_login`) and fills `sessions` with each
    session's data; later calls give each role a new session holding a copy of that data, which is what a
    fresh log-in would leave and costs a fraction of one (the sweep makes a set per URL pattern)."""
    from importlib import import_module

    from django.conf import settings

    store_class = import_module(settings.SESSION_ENGINE).SessionStore
    clients = {}
    for role in ROLES:
        user = users[role]
        client = Client(raise_request_exception=False)
        if user is not None and sessions is not None and role in sessions:
            store = store_class()
            store.update(sessions[role])
            store.save()
            client.cookies[settings.SESSION_COOKIE_NAME] = store.session_key
        elif user is not None:
            client.force_login(user)
            if sessions is not None:
                sessions[role] = dict(client.session.items())
        clients[role] = client
    return clients


class _Errors:
    """The exceptions behind 500s, by path, from Django's got_request_exception signal."""

    def __init__(self):
        self.by_path = {}

    def __call__(self, sender, request=None, **kwargs):
        import sys

        exc = sys.exc_info()[1]
        if request is not None:
            self.by_path[request.get_full_path()] = f"{type(exc).__name__}: {str(exc)[:120]}"


def _sweep(sweep, method: str) -> tuple[int, list[str]]:
    errors = _Errors()
    got_request_exception.connect(errors, dispatch_uid="no-500-sweep")
    failures, count, started = [], 0, time.monotonic()
    sessions: dict = {}
    clients = _clients(sweep["users"], sessions)
    try:
        for pattern in all_patterns():
            if os.environ.get("SWEEP_PROGRESS"):
                print(f"{time.monotonic() - started:6.1f}s {count:5d} {pattern.key}", flush=True)
            if method == "POST" and pattern.key in NO_POST:
                continue
            languages = ("sv", "en") if pattern.i18n else ("sv",)
            if method == "POST":  # fresh sessions: a POST may have changed a role's (a GET does not)
                clients = _clients(sweep["users"], sessions)
            for language in languages:
                with translation.override(language):
                    paths = addresses(sweep, pattern)
                if language != "sv":  # the English address of the same view: real parameters
                    paths = paths[:1]
                for label, path in paths:
                    for role, client in clients.items():
                        # Every role on the real Swedish address; the others (and the garbage
                        # variants) as the three roles whose code paths differ most, to keep it fast.
                        if (label != "real" or language != "sv") and role not in FEW_ROLES:
                            continue
                        # The real address also with a garbage query string / an empty body; the
                        # others with one request each.
                        if method == "GET":
                            requests = [("GET", path, None)]
                            if label == "real" and language == "sv" and role in FEW_ROLES:
                                requests.append(("GET?garbage", path, GARBAGE_QUERY))
                        else:
                            requests = [("POST garbage", path, GARBAGE_BODY)]
                            if label == "real" and language == "sv" and role in FEW_ROLES:
                                requests.append(("POST{}", path, {}))
                        for how, url, data in requests:
                            count += 1
                            if how.startswith("GET"):
                                response = client.get(url, data)
                            else:
                                response = client.post(url, data)
                            if response.status_code >= 500:
                                reason = errors.by_path.get(url, "")
                                if not reason:
                                    reason = next(
                                        (v for k, v in errors.by_path.items() if k.startswith(url)), ""
                                    )
                                failures.append(
                                    f"{response.status_code} {how} {url[:120]} as {role} "
                                    f"({pattern.key}, {label}): {reason}"
                                )
    finally:
        got_request_exception.disconnect(dispatch_uid="no-500-sweep")
    return count, failures


def _report(method, count, failures) -> str:
    keys = Counter(f.split("(", 1)[1].split(",", 1)[0] for f in failures)
    return (
        f"{len(failures)} of {count} {method} requests answered 5xx, in {len(keys)} URL patterns "
        f"({', '.join(f'{k} ×{n}' for k, n in keys.most_common())}):\n  " + "\n  ".join(failures[:80])
    )


def test_no_get_answers_a_server_error(sweep):
    count, failures = _sweep(sweep, "GET")
    print(f"\nno-500 sweep: {count} GET requests")
    assert count > 1000
    assert not failures, _report("GET", count, failures)


def test_no_post_answers_a_server_error(sweep):
    count, failures = _sweep(sweep, "POST")
    print(f"\nno-500 sweep: {count} POST requests")
    assert count > 1000
    assert not failures, _report("POST", count, failures)


def _broken(request):
    raise ValueError("boom")


class _UrlsWithABrokenView:
    """The portal's URLs plus one view that raises."""

    from django.urls import path as _path

    from portal.urls import handler404, handler500
    from portal.urls import urlpatterns as _portal

    urlpatterns = [_path("trasig/", _broken), *_portal]


def test_the_sweep_sees_a_server_error(sweep, settings):
    """The sweep would notice a 500: a view that raises answers 500 and its exception is named."""
    settings.ROOT_URLCONF = _UrlsWithABrokenView
    errors = _Errors()
    got_request_exception.connect(errors, dispatch_uid="no-500-sweep-check")
    try:
        response = Client(raise_request_exception=False).get("/trasig/")
    finally:
        got_request_exception.disconnect(dispatch_uid="no-500-sweep-check")
    assert response.status_code == 500
    assert errors.by_path["/trasig/"] == "ValueError: boom"
