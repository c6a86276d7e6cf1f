"""Server-side crawls of every page, as each role, with the Django test client (issue 19).

- Choice lists: every select and radio or checkbox group on every form offers only objects of the current
  parent (the meeting, the organisation) that the reader may see. Each list is matched by its field name
  to a rule below; a list that no rule knows fails, so a new one must be classified here.
- Language: each English (/en/) page has `<html lang="en">` and no text that is a Swedish msgstr
  differing from its msgid (the Swedish pages are checked the same way in the browser crawl,
  tests/e2e/test_crawl_pages.py).

The pages are those of the permission matrix's world (real objects in every URL), see pages.py.
"""

from __future__ import annotations

import re

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import resolve

from tests.crawl.html import choice_lists, html_lang, soup, texts
from tests.crawl.pages import CRAWL_ROLES, foreign_texts, pages_for
from tests.security.test_permission_matrix import world  # noqa: F401  (the fixture)

pytestmark = pytest.mark.django_db

# Lists of fixed choices (TextChoices, languages, frequencies): nothing about who reads them.
FIXED = re.compile(
    r"^(area|kind|answer|role|audience|status|language|then|confirm|remember|result_\d+|mark_.+|event-.+|"
    r"agenda-\d+-(is_public|DELETE)|is_public|invite_all_approved|consent|accept.*|public|show_.+|"
    r"focus|focus_area|focus_areas|organisation_type|kind_of_organisation|type|district|.*_consent|"
    r"listed_publicly|enabled|invite-role|org\d+-answer|"
    r"forms_of_racism|settings|city_districts|confirm_.+)$"
)


def _client(user) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def _members(organisation_ids):
    from organisations.models import Membership

    return set(
        Membership.objects.active()
        .filter(organisation_id__in=organisation_ids, user__is_active=True)
        .values_list("user_id", flat=True)
    )


def _meeting(path):
    match = resolve(path)
    from meetings.models import Meeting

    return Meeting.objects.get(pk=match.kwargs["pk"]) if "pk" in match.kwargs else None


def _invited_organisations(meeting):
    from organisations.models import Organisation

    organisations = Organisation.objects.approved()
    if not meeting.invite_all_approved:
        organisations = organisations.filter(meeting_invitations__meeting=meeting)
    return set(organisations.values_list("pk", flat=True))


def allowed_values(name: str, *, user, path: str, action: str) -> set[str] | None:
    """The values a choice list named `name` may offer to `user` on `path`; None if no rule knows it."""
    from consultations.models import Consultation
    from organisations.attribution import speaking_for_memberships
    from organisations.models import Organisation

    def ids(values):
        return {str(v) for v in values}

    if name == "organisation":  # "speaking for", the RSVP's organisation: the reader's own
        return ids(speaking_for_memberships(user).values_list("organisation_id", flat=True))
    if name in ("invited_organisations", "responsible_organisation", "responsible"):
        return ids(Organisation.objects.approved().values_list("pk", flat=True))
    if re.fullmatch(r"(org\d+-)?attendees", name):  # who attends for the organisation of this RSVP form
        organisation_pk = resolve(action or path).kwargs["organisation_pk"]
        return ids(_members([organisation_pk]))
    if name == "organisations":  # attendance: organisations invited to this meeting
        return ids(_invited_organisations(_meeting(path)))
    if name in ("people", "responsible_person"):  # members of the organisations invited to this meeting
        meeting = _meeting(path)
        people = _members(_invited_organisations(meeting))
        people |= set(
            get_user_model().objects.filter(meeting_rsvps__meeting=meeting).values_list("pk", flat=True)
        )
        return ids(people)
    if name in ("activity", "action-activity", "plan-activity"):  # published activities (input, action items)
        from actionplan.models import ActivityPage

        return ids(ActivityPage.objects.live().values_list("pk", flat=True))
    if name == "agenda_item":
        return ids(_meeting(path).agenda_items.values_list("pk", flat=True))
    if re.fullmatch(r"agenda-\d+-consultation", name):
        return ids(Consultation.objects.values_list("pk", flat=True))
    if name == "remove":  # attachments of the reader's organisation's draft response
        from consultations.models import ResponseAttachment

        organisations = speaking_for_memberships(user).values_list("organisation_id", flat=True)
        return ids(
            ResponseAttachment.objects.filter(response__organisation__in=organisations).values_list(
                "pk", flat=True
            )
        )
    return None


def test_every_choice_list_offers_only_what_the_reader_may_see(world):  # noqa: F811
    failures, checked = [], 0
    for role in CRAWL_ROLES:
        user = world["users"][role]
        client = _client(user)
        for key, path in pages_for(world, role):
            response = client.get(path)
            if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
                continue
            for action, name, values in choice_lists(soup(response.content)):
                if FIXED.match(name):
                    continue
                allowed = allowed_values(name, user=user, path=path, action=action)
                checked += 1
                if allowed is None:
                    failures.append(
                        f"{role} {path} ({key}): no rule for the choice list {name!r}: classify it"
                    )
                elif extra := sorted(set(values) - allowed, key=str):
                    failures.append(
                        f"{role} {path} ({key}): {name!r} offers {extra}, not the reader's to choose"
                    )
    print(f"\nchoice lists: {checked} lists checked for {len(CRAWL_ROLES)} roles")
    assert checked, "the crawl met no choice list: is the world empty?"
    assert not failures, "\n".join(failures)


def test_the_speaking_for_list_leaves_out_other_organisations(world):  # noqa: F811
    """The rule above has teeth: a person in organisation A is offered A only, never B."""
    org_a, org_b = world["objects"]["org_a"], world["objects"]["org_b"]
    allowed = allowed_values("organisation", user=world["users"]["member"], path="/", action="")
    assert str(org_a.pk) in allowed
    assert str(org_b.pk) not in allowed


def test_english_pages_say_lang_en_and_show_no_swedish_from_the_catalogue(world):  # noqa: F811
    failures, pages = [], 0
    for role in CRAWL_ROLES:
        client = _client(world["users"][role])
        for key, path in pages_for(world, role, language="en"):
            response = client.get(path)
            if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
                continue
            pages += 1
            doc = soup(response.content)
            if html_lang(doc) != "en":
                failures.append(f'{role} {path} ({key}): <html lang="{html_lang(doc)}">, expected "en"')
            if swedish := foreign_texts(texts(doc), "en"):
                failures.append(f"{role} {path} ({key}): Swedish on an English page: {swedish}")
    print(f"\nlanguage (en): {pages} pages for {len(CRAWL_ROLES)} roles")
    assert pages > 50
    assert not failures, "\n".join(failures)


def test_the_language_check_finds_untranslated_text():
    """The catalogue check has teeth: an English msgid on a Swedish page is caught, and vice versa."""
    doc = soup(
        '<html lang="sv"><body><main><button>Save draft</button>'
        '<p lang="en">Save draft</p></main></body></html>'
    )
    assert foreign_texts(texts(doc), "sv") == ["Save draft"]
    doc = soup('<html lang="en"><body><a>Spara utkast</a><span>Stiftelsen Lika Värde</span></body></html>')
    assert foreign_texts(texts(doc), "en") == ["Spara utkast"]
