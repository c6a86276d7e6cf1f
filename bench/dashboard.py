"""The coverage dashboard (/uppfoljning/tackning/) at 50, 500 and 5,000 organisations with ten years of
quarterly data: server time and SQL queries per request.

    createdb -h 127.0.0.1 -U postgres portal_dash
    export DATABASE_URL=postgres://postgres@127.0.0.1:5432/portal_dash
    .venv/bin/python manage.py migrate
    .venv/bin/python -m bench.dashboard            # --sizes 50,500,5000 --rounds 3 --requests 5

Builds the action plan (3 areas, 15 activities) and ten years of quarters (40): per quarter two
consultations (one for chosen organisations, one open to all approved ones), one meeting (every other one
open to all approved organisations) with an agenda item on an activity, and minutes with action items.
Then the organisations grow in steps to each size; every new organisation brings, per quarter and with a
fixed random seed: an invitation to the chosen consultation (30 %), a comment (10 %), a submitted response
(5 %), a meeting invitation (30 %), attendance (10 %) and knowledge input (5 %), so events grow with the
number of organisations (about 60,000 invitations, 20,000 comments and 10,000 inputs at 5,000). Rows are
written with bulk_create, without services or notifications (about a minute at 5,000).

At each size the dashboard is requested in-process through Django's test client as a coordinator with
two-factor (all middleware, the view, the template; every cache off, DEBUG off): one warm-up, then
`--rounds` rounds of `--requests` requests; each round's median is printed with the query count, and the
load average before the round. Only for a database made for this (its name must contain "dash"): it
empties the domain tables first.
"""

import argparse
import os
import random
import statistics
import sys
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

QUARTERS = 40
COORDINATOR = "samordnare@dash.example.org"


def setup():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
    os.environ.setdefault("DJANGO_DEBUG", "false")
    import django
    from django.conf import settings

    django.setup()
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}
    settings.DEBUG = False
    if "dash" not in settings.DATABASES["default"]["NAME"]:
        raise SystemExit("Use a database made for this benchmark: its name must contain 'dash'.")


def empty():
    from django.db import connection

    tables = [
        "actionplan_knowledgeinput",
        "actionplan_followup",
        "meetings_actionitem",
        "meetings_minutes",
        "meetings_attendance",
        "meetings_invitation",
        "meetings_agendaitem",
        "meetings_meeting",
        "consultations_responseversion",
        "consultations_response",
        "consultations_comment",
        "consultations_section",
        "consultations_consultation",
        "organisations_membership",
        "organisations_organisation",
    ]
    with connection.cursor() as cursor:
        cursor.execute(f"TRUNCATE {', '.join(tables)} CASCADE")


class World:
    def __init__(self, seed=15):
        from django.utils import timezone

        self.rng = random.Random(seed)
        self.now = timezone.now().replace(microsecond=0)
        self.orgs: list[int] = []
        self.users: dict[int, int] = {}

    def quarter_start(self, q: int):
        """Start of the q-th quarter back from now (q = 0: this quarter's three months)."""
        return self.now - timedelta(days=91 * (q + 1))

    def plan(self):
        from allauth.mfa.models import Authenticator
        from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
        from django.contrib.auth import get_user_model
        from django.contrib.auth.models import Group
        from wagtail.models import Locale, Page

        from actionplan.models import (
            ActionPlanPage,
            ActivityPage,
            CityBody,
            DevelopmentArea,
            DevelopmentAreaPage,
        )
        from organisations.models import FocusArea

        User = get_user_model()
        coordinator = User.objects.filter(email=COORDINATOR).first()
        if coordinator is None:
            coordinator = User.objects.create_user(email=COORDINATOR, password="dash-bench-2026")
            coordinator.groups.add(Group.objects.get_or_create(name="Coordinators")[0])
        if not Authenticator.objects.filter(user=coordinator, type=Authenticator.Type.TOTP).exists():
            TOTP.activate(coordinator, generate_totp_secret())  # coordinator screens want two-factor
        self.coordinator = coordinator
        body, _ = CityBody.objects.get_or_create(
            slug="kommunstyrelsen", defaults={"name_sv": "Kommunstyrelsen"}
        )
        locale = Locale.objects.get_or_create(language_code="sv")[0]
        plan = ActionPlanPage.objects.first()
        if plan is None:
            plan = ActionPlanPage(title="Handlingsplanen", slug="handlingsplanen-dash", locale=locale)
            Page.get_first_root_node().add_child(instance=plan)
            forms = list(FocusArea.objects.filter(slug__in=["afrofobi", "antisemitism", "islamofobi"]))
            for area in DevelopmentArea.objects.order_by("number"):
                area_page = DevelopmentAreaPage(title=area.name_sv, slug=f"omrade-{area.code}", area=area)
                plan.add_child(instance=area_page)
                for i in range(5):
                    activity = ActivityPage(
                        title=f"Aktivitet {area.number}.{i + 1}",
                        slug=f"aktivitet-{area.number}-{i + 1}",
                        responsible_body=body,
                        status="ongoing",
                    )
                    area_page.add_child(instance=activity)
                    activity.forms_of_racism.set(forms[: 1 + i % 3])
                    activity.save()
        self.activities = list(ActivityPage.objects.order_by("pk"))

    def quarters(self):
        from consultations.models import Consultation, Section
        from meetings.models import ActionItem, AgendaItem, Meeting, Minutes

        rng = self.rng
        consultations, meetings = [], []
        for q in range(QUARTERS):
            start = self.quarter_start(q)
            for audience in ("chosen", "all"):
                activity = rng.choice(self.activities)
                consultations.append(
                    Consultation(
                        title=f"Samråd {q}-{audience}",
                        slug=f"samrad-{q}-{audience}",
                        summary="Utkast.",
                        development_area_id=activity.area.code,
                        activity_id=activity.pk,
                        audience=audience,
                        opens_at=start,
                        closes_at=start + timedelta(days=30),
                        published_at=start,
                        current_version=1,
                    )
                )
            meetings.append(
                Meeting(
                    title=f"Möte {q}",
                    start=start + timedelta(days=40),
                    end=start + timedelta(days=40, hours=2),
                    place="Stadshuset",
                    is_public=True,
                    invite_all_approved=q % 2 == 0,
                    state=Meeting.State.HELD,
                )
            )
        Consultation.objects.bulk_create(consultations)
        Meeting.objects.bulk_create(meetings)
        self.consultations = list(Consultation.objects.order_by("opens_at", "pk"))
        self.sections = {
            s.consultation_id: s.pk
            for s in Section.objects.bulk_create(
                [Section(consultation=c, heading="Avsnitt", body="<p>Text.</p>") for c in self.consultations]
            )
        }
        self.meetings = list(Meeting.objects.order_by("start"))
        AgendaItem.objects.bulk_create(
            [
                AgendaItem(meeting=m, number="1", title="Aktiviteten", activity=rng.choice(self.activities))
                for m in self.meetings
            ]
        )
        minutes = Minutes.objects.bulk_create([Minutes(meeting=m, state="draft") for m in self.meetings])
        ActionItem.objects.bulk_create(
            [
                ActionItem(
                    minutes=mi,
                    description="Återkomma med ett förslag.",
                    responsible_unit="Kommunstyrelsens kansli",
                    due_date=(mi.meeting.start + timedelta(days=60)).date(),
                    activity=rng.choice(self.activities),
                )
                for mi in minutes
                for _ in range(3)
            ]
        )

    def grow(self, size: int):
        from django.contrib.auth import get_user_model
        from django.contrib.auth.hashers import make_password

        from actionplan.models import KnowledgeInput
        from consultations.models import Comment, Consultation, Response, ResponseVersion
        from meetings.models import Attendance, Invitation
        from organisations.models import Organisation

        rng = self.rng
        first = len(self.orgs)
        if size <= first:
            return
        Organisation.objects.bulk_create(
            [
                Organisation(name=f"Förening {i:05d}", slug=f"dash-{i:05d}", status="approved")
                for i in range(first, size)
            ]
        )
        new = list(
            Organisation.objects.filter(slug__startswith="dash-").order_by("pk").values_list("pk", flat=True)
        )[first:]
        Organisation.objects.filter(pk__in=new).update(created=self.now - timedelta(days=3700))
        User = get_user_model()
        password = make_password(None)
        User.objects.bulk_create(
            [
                User(email=f"u{pk}@dash.example.org", display_name=f"Person {pk}", password=password)
                for pk in new
            ]
        )
        users = dict(
            User.objects.filter(email__endswith="@dash.example.org")
            .exclude(email=COORDINATOR)
            .values_list("email", "pk")
        )
        self.users.update({pk: users[f"u{pk}@dash.example.org"] for pk in new})
        self.orgs += new

        invited, comments, responses, m_invites, attendance, inputs = [], [], [], [], [], []
        for c in self.consultations:
            for org in new:
                if c.audience == "chosen" and rng.random() < 0.3:
                    invited.append(
                        Consultation.invited_organisations.through(consultation_id=c.pk, organisation_id=org)
                    )
                if rng.random() < 0.05:
                    comments.append(
                        Comment(
                            consultation_id=c.pk,
                            section_id=self.sections[c.pk],
                            author_id=self.users[org],
                            organisation_id=org,
                            version=1,
                            text="En synpunkt.",
                            created=c.opens_at + timedelta(days=rng.randint(0, 29)),
                        )
                    )
                if rng.random() < 0.025:
                    responses.append((c, org))
        for m in self.meetings:
            for org in new:
                if not m.invite_all_approved and rng.random() < 0.3:
                    m_invites.append(Invitation(meeting=m, organisation_id=org))
                if rng.random() < 0.1:
                    attendance.append(Attendance(meeting=m, organisation_id=org))
                if rng.random() < 0.05:
                    activity = rng.choice(self.activities)
                    inputs.append(
                        KnowledgeInput(
                            organisation_id=org,
                            activity_id=activity.pk,
                            area_id=activity.area_id,
                            text="Mönster vi ser.",
                            sent_at=m.start - timedelta(days=rng.randint(0, 80)),
                        )
                    )
        through = Consultation.invited_organisations.through
        through.objects.bulk_create(invited, batch_size=5000)
        Comment.objects.bulk_create(comments, batch_size=5000)
        rows = Response.objects.bulk_create(
            [Response(consultation_id=c.pk, organisation_id=org) for c, org in responses], batch_size=5000
        )
        ResponseVersion.objects.bulk_create(
            [
                ResponseVersion(
                    response_id=r.pk,
                    number=1,
                    text="Vårt svar.",
                    answers=[],
                    submitted_at=c.opens_at + timedelta(days=20),
                    submitted_by_name="Kontaktperson",
                    sha256="0" * 64,
                    receipt_number=f"D{r.pk}",
                )
                for r, (c, _org) in zip(rows, responses, strict=True)
            ],
            batch_size=5000,
        )
        Invitation.objects.bulk_create(m_invites, batch_size=5000)
        Attendance.objects.bulk_create(attendance, batch_size=5000)
        KnowledgeInput.objects.bulk_create(inputs, batch_size=5000)
        return {
            "invitations": len(invited) + len(m_invites),
            "comments": len(comments),
            "responses": len(responses),
            "attendance": len(attendance),
            "inputs": len(inputs),
        }


def measure(coordinator, rounds: int, requests: int):
    from django.db import connection
    from django.test import Client

    from privacy.services import consent_record

    consent_record(user=coordinator)  # signed-in pages redirect to the consent page until then
    client = Client()
    client.force_login(coordinator)
    response = client.get("/uppfoljning/tackning/")
    if response.status_code != 200 or "Vilka staden hör".encode() not in response.content:
        raise SystemExit(f"the dashboard answered {response.status_code} {response.get('Location', '')}")
    result = []
    for _ in range(rounds):
        load = os.getloadavg()[0]
        queries: list[str] = []

        def count(execute, sql, params, many, context, queries=queries):
            queries.append(sql)
            return execute(sql, params, many, context)

        with connection.execute_wrapper(count):
            client.get("/uppfoljning/tackning/")
        times = []
        for _ in range(requests):
            started = time.perf_counter()
            client.get("/uppfoljning/tackning/")
            times.append((time.perf_counter() - started) * 1000)
        result.append((statistics.median(times), len(queries), load))
    return result


def main():
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sizes", default="50,500,5000")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--requests", type=int, default=5)
    args = parser.parse_args()
    setup()
    from django.db import transaction

    empty()
    world = World()
    with transaction.atomic():
        world.plan()
        world.quarters()
    print("| organisations | rows added | round | median ms | queries | load average (1 min) |")
    print("|---:|---|---:|---:|---:|---:|")
    for size in [int(s) for s in args.sizes.split(",")]:
        started = time.perf_counter()
        with transaction.atomic():
            added = world.grow(size)
        built = time.perf_counter() - started
        from django.db import connection

        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        rows = ", ".join(f"{k} {v}" for k, v in (added or {}).items()) + f" ({built:.0f} s)"
        for n, (ms, queries, load) in enumerate(measure(world.coordinator, args.rounds, args.requests), 1):
            print(
                f"| {size} | {rows if n == 1 else ''} | {n} | {ms:.0f} | {queries} | {load:.2f} |", flush=True
            )


if __name__ == "__main__":
    main()
