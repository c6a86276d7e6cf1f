"""A city-sized data set for benchmarks: `python -m bench.generate --scale 1`.

At scale 1 (every count scales linearly with --scale):

    organisations 1,000 (most approved and listed; kinds, focus areas, status history, join requests)
    users         5,000 (memberships: one per person, some in two organisations, some in none)
    consultations   200 with 30 sections and 3 guiding questions each (draft, coming, open, closed and
                        concluded with a published outcome: an answer per section and marks)
    comments     50,000 (a third are replies; a few hidden, deleted or reported)
    responses     2,000 submitted (with a receipt) plus 300 drafts
    meetings        300 with 6 agenda items each, RSVPs, attendance, minutes (notes, decisions) and
                        3 action items per minutes
    notifications 100,000 (70 % read) with 50,000 e-mail deliveries

One open consultation, "Stort samråd med 500 kommentarer", always gets exactly 500 comments (at every
scale, so the page measured is the same page across the growth curve); its URL is printed.

Known accounts (password `bench-2026`; see `bench/__init__.py`):

    bench-member@example.org       member of "Bench-föreningen mot rasism" (inbox, RSVPs, comments)
    bench-orgadmin@example.org     admin of that organisation: a draft response on the 500-comment
                                   consultation, submitted responses on closed ones
    bench-coordinator@example.org  coordinator with a TOTP authenticator (secret BENCH_TOTP_SECRET)

For load tools, `python -m bench.accounts session EMAIL` prints a logged-in session cookie.

Use a freshly migrated database, or pass `--reset`, which empties the tables of the organisations,
consultations, meetings and notifications apps and deletes the bench users (PostgreSQL: TRUNCATE ...
RESTART IDENTITY, so ids and URLs are the same on every run). Unless `--no-site` is given, `seed_demo`
runs first so that the site's pages (home, news) exist.

    .venv/bin/python manage.py migrate -v0 && .venv/bin/python -m bench.generate --scale 0.1
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/portal_bench .venv/bin/python manage.py migrate -v0
    .venv/bin/python -m bench.generate --scale 1 --database-url postgres://postgres@127.0.0.1:5432/portal_bench

Rows are written with bulk_create in batches, without services, signals or notify(), from a fixed random
seed, with one precomputed password hash.
"""

import argparse
import hashlib
import os
import random
import sys
import time
import uuid
from collections import defaultdict
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")

BASE_COUNTS = {
    "organisations": 1000,
    "users": 5000,
    "consultations": 200,
    "comments": 50_000,
    "responses": 2000,
    "draft_responses": 300,
    "meetings": 300,
    "notifications": 100_000,
}
SECTIONS_PER_CONSULTATION = 30
QUESTIONS_PER_CONSULTATION = 3
AGENDA_ITEMS_PER_MEETING = 6
ACTION_ITEMS_PER_MINUTES = 3
HOT_COMMENTS = 500
HOT_SLUG = "stort-samrad-500-kommentarer"
BENCH_ORG_SLUG = "bench-foreningen-mot-rasism"
BATCH = 2000
KEEP = {"organisations.FocusArea"}
DOMAIN_APPS = ("notifications", "meetings", "consultations", "organisations")


class Generator:
    def __init__(self, *, scale: float, seed: int, stdout=sys.stdout):
        from django.utils import timezone

        self.scale = scale
        self.rng = random.Random(seed)
        self.now = timezone.now().replace(microsecond=0)
        self.out = stdout
        self.counts: dict[str, int] = {}
        self.timings: list[tuple[str, float]] = []

    # --- helpers ----------------------------------------------------------------------------------

    def n(self, key: str) -> int:
        return max(1, round(BASE_COUNTS[key] * self.scale))

    def bulk(self, model, objs, *, label: str | None = None):
        objs = list(objs)
        for start in range(0, len(objs), BATCH):
            model.objects.bulk_create(objs[start : start + BATCH], batch_size=BATCH)
        label = label or model._meta.label
        self.counts[label] = self.counts.get(label, 0) + len(objs)
        return objs

    def uuid(self) -> uuid.UUID:
        return uuid.UUID(int=self.rng.getrandbits(128), version=4)

    def hexdigest(self) -> str:
        return hashlib.sha256(str(self.rng.random()).encode()).hexdigest()

    def between(self, start, end):
        if end <= start:
            return start
        return start + timedelta(seconds=self.rng.randint(0, int((end - start).total_seconds())))

    def phase(self, name, func):
        from django.db import transaction

        started = time.perf_counter()
        with transaction.atomic():
            func()
        elapsed = time.perf_counter() - started
        self.timings.append((name, elapsed))
        print(f"  {name:<28} {elapsed:7.1f} s", file=self.out, flush=True)

    # --- phases -----------------------------------------------------------------------------------

    def run(self):
        self.phase("users", self.users)
        self.phase("organisations", self.organisations)
        self.phase("consultations", self.consultations)
        self.phase("comments", self.comments)
        self.phase("responses", self.responses)
        self.phase("outcomes", self.outcomes)
        self.phase("meetings", self.meetings)
        self.phase("notifications", self.notifications)

    def users(self):
        from allauth.account.models import EmailAddress
        from allauth.mfa.totp.internal.auth import TOTP
        from django.apps import apps
        from django.conf import settings
        from django.contrib.auth import get_user_model
        from django.contrib.auth.hashers import make_password
        from django.contrib.auth.models import Group

        from bench import (
            BENCH_COORDINATOR,
            BENCH_EMAIL_DOMAIN,
            BENCH_MEMBER,
            BENCH_ORG_ADMIN,
            BENCH_PASSWORD,
            BENCH_TOTP_SECRET,
        )
        from bench._text import person_name

        User = get_user_model()
        password = make_password(BENCH_PASSWORD)
        rng = self.rng
        n_coordinators = max(2, round(5 * self.scale))
        specials = [
            (BENCH_MEMBER, "Bench Medlem"),
            (BENCH_ORG_ADMIN, "Bench Organisationsadmin"),
            (BENCH_COORDINATOR, "Bench Samordnare"),
        ] + [(f"coordinator{i}@{BENCH_EMAIL_DOMAIN}", f"Samordnare {i}") for i in range(n_coordinators)]
        rows = [
            User(
                email=email,
                display_name=name,
                password=password,
                date_joined=self.now - timedelta(days=400),
            )
            for email, name in specials
        ]
        for i in range(self.n("users") - len(rows)):
            rows.append(
                User(
                    email=f"user{i:06d}@{BENCH_EMAIL_DOMAIN}",
                    display_name=person_name(rng),
                    password=password,
                    preferred_language="en" if rng.random() < 0.1 else "sv",
                    date_joined=self.now - timedelta(days=rng.randint(1, 700)),
                    last_login=self.now - timedelta(days=rng.randint(0, 60)) if rng.random() < 0.7 else None,
                )
            )
        self.bulk(User, rows)
        users = list(
            User.objects.filter(email__in=[r.email for r in rows]).order_by("pk").only("pk", "email")
        )
        by_email = {u.email: u for u in users}
        self.member = by_email[BENCH_MEMBER]
        self.org_admin = by_email[BENCH_ORG_ADMIN]
        self.coordinator = by_email[BENCH_COORDINATOR]
        self.coordinators = [self.coordinator] + [by_email[e] for e, _ in specials[3:]]
        special_ids = {u.pk for u in self.coordinators} | {self.member.pk, self.org_admin.pk}
        self.people = [u.pk for u in users if u.pk not in special_ids]
        self.all_user_ids = [u.pk for u in users]
        self.bulk(
            EmailAddress,
            (EmailAddress(user_id=u.pk, email=u.email, verified=True, primary=True) for u in users),
        )
        group, _ = Group.objects.get_or_create(name=settings.COORDINATORS_GROUP)
        self.bulk(
            User.groups.through,
            (User.groups.through(user_id=u.pk, group_id=group.pk) for u in self.coordinators),
            label="auth.User_groups",
        )
        try:  # everyone has accepted the current privacy terms, or every page redirects to the consent form
            PrivacyConsent = apps.get_model("portal", "PrivacyConsent")
        except LookupError:
            PrivacyConsent = None
        if PrivacyConsent is not None:
            version = settings.PRIVACY_TERMS_VERSION
            self.bulk(
                PrivacyConsent,
                (PrivacyConsent(user_id=u.pk, version=version, accepted_at=self.now) for u in users),
            )
        for user in self.coordinators:
            TOTP.activate(user, BENCH_TOTP_SECRET)
        self.counts["mfa.Authenticator"] = len(self.coordinators)

    def organisations(self):
        from bench._text import DISTRICTS, ORG_WORDS_A, ORG_WORDS_B, sentences
        from organisations.models import (
            FocusArea,
            JoinRequest,
            Membership,
            Organisation,
            OrganisationStatusChange,
        )

        rng = self.rng
        self.focus_area_ids = list(FocusArea.objects.values_list("pk", flat=True))
        kinds = [k for k, _ in Organisation.Kind.choices]
        statuses = (
            [Organisation.Status.APPROVED] * 85
            + [Organisation.Status.PENDING] * 7
            + [Organisation.Status.REJECTED] * 4
            + [Organisation.Status.SUSPENDED] * 2
            + [Organisation.Status.WITHDRAWN] * 2
        )
        rows = [
            Organisation(
                name="Bench-föreningen mot rasism",
                slug=BENCH_ORG_SLUG,
                kind=Organisation.Kind.NON_PROFIT,
                description="Föreningen som prestandamätningarna loggar in som.",
                city_districts="hela staden",
                public_email="info@bench-foreningen.example.org",
                status=Organisation.Status.APPROVED,
                listed_publicly=True,
                listing_consent_at=self.now - timedelta(days=300),
            )
        ]
        for i in range(self.n("organisations") - 1):
            status = rng.choice(statuses)
            listed = status == Organisation.Status.APPROVED and rng.random() < 0.85
            name = f"{rng.choice(ORG_WORDS_A)} {rng.choice(ORG_WORDS_B)} {i + 1}"
            rows.append(
                Organisation(
                    name=name,
                    slug=f"org-{i + 1:05d}",
                    kind=rng.choice(kinds),
                    description=sentences(rng, 2, 6),
                    website=f"https://org{i + 1}.example.org" if rng.random() < 0.6 else "",
                    public_email=f"kontakt@org{i + 1}.example.org" if rng.random() < 0.5 else "",
                    city_districts=", ".join(rng.sample(DISTRICTS, rng.randint(1, 3))),
                    status=status,
                    listed_publicly=listed,
                    listing_consent_at=self.now - timedelta(days=rng.randint(1, 700)) if listed else None,
                )
            )
        self.bulk(Organisation, rows)
        orgs = list(
            Organisation.objects.filter(slug__in=[r.slug for r in rows]).order_by("pk").values("pk", "status")
        )
        self.org_ids = [o["pk"] for o in orgs]
        self.bench_org = orgs[0]["pk"]
        self.approved = [o["pk"] for o in orgs if o["status"] == Organisation.Status.APPROVED]
        pending = [o["pk"] for o in orgs if o["status"] == Organisation.Status.PENDING]

        self.bulk(
            Organisation.focus_areas.through,
            (
                Organisation.focus_areas.through(organisation_id=org, focusarea_id=fa)
                for org in self.org_ids
                for fa in rng.sample(self.focus_area_ids, rng.randint(1, min(3, len(self.focus_area_ids))))
            ),
            label="organisations.Organisation_focus_areas",
        )
        history = []
        for o in orgs:
            history.append(OrganisationStatusChange(organisation_id=o["pk"], to_status="pending"))
            if o["status"] != Organisation.Status.PENDING:
                history.append(
                    OrganisationStatusChange(
                        organisation_id=o["pk"],
                        from_status="pending",
                        to_status=o["status"],
                        actor_id=rng.choice(self.coordinators).pk,
                        reason="" if o["status"] == "approved" else "Uppfyller inte kriterierna.",
                    )
                )
        self.bulk(OrganisationStatusChange, history)

        # Memberships: every approved organisation gets an admin first, then people are spread over them.
        people = list(self.people)
        rng.shuffle(people)
        members = []
        self.members_by_org: dict[int, list[int]] = defaultdict(list)
        self.admins_by_org: dict[int, list[int]] = defaultdict(list)
        self.org_of: dict[int, int] = {}

        def join(user_id, org_id, role):
            members.append(
                Membership(
                    user_id=user_id,
                    organisation_id=org_id,
                    role=role,
                    started=self.now - timedelta(days=rng.randint(1, 600)),
                    is_primary_contact=role == "admin" and not self.admins_by_org[org_id],
                )
            )
            self.members_by_org[org_id].append(user_id)
            if role == "admin":
                self.admins_by_org[org_id].append(user_id)
            self.org_of.setdefault(user_id, org_id)

        join(self.org_admin.pk, self.bench_org, "admin")
        join(self.member.pk, self.bench_org, "member")
        unaffiliated = people[: len(people) // 12]
        pool = people[len(people) // 12 :]
        for org_id, user_id in zip(pending, unaffiliated, strict=False):
            join(user_id, org_id, "admin")
        for index, user_id in enumerate(pool):
            org_id = self.approved[index % len(self.approved)]
            join(user_id, org_id, "admin" if index < len(self.approved) or rng.random() < 0.1 else "member")
            if rng.random() < 0.05:
                other = rng.choice(self.approved)
                if other != org_id:
                    join(user_id, other, "member")
        self.bulk(Membership, members)
        # Organisations with an admin (all approved ones, unless the scale is so small that there are more
        # organisations than people): meetings invite only these, since an answer names the admin.
        self.staffed = [o for o in self.approved if self.admins_by_org.get(o)]
        requests = [
            JoinRequest(
                organisation_id=rng.choice(self.approved), user_id=user_id, message="Jag vill vara med."
            )
            for user_id in unaffiliated[len(pending) :][: max(1, len(self.approved) // 10)]
        ]
        self.bulk(JoinRequest, requests)
        self.commenters = [(u, self.org_of[u]) for u in pool]

    def consultations(self):
        from bench._text import TOPICS, sentences
        from consultations.models import (
            Consultation,
            ConsultationVersion,
            GuidingQuestion,
            Section,
        )

        rng = self.rng
        now = self.now
        n = self.n("consultations")
        # A repeating block of 20 (10 % draft, 10 % coming, 30 % open, 25 % closed, 25 % concluded), so that
        # every scale has the same mix.
        kinds = ["open"] * 6 + ["closed"] * 5 + ["concluded"] * 5 + ["draft"] * 2 + ["scheduled"] * 2
        random.Random(20).shuffle(kinds)
        rows, kind_of = [], {}
        for i in range(n):
            kind = "open" if i == 0 else kinds[i % len(kinds)]
            if kind == "draft":
                opens = now + timedelta(days=rng.randint(10, 60))
            elif kind == "scheduled":
                opens = now + timedelta(days=rng.randint(1, 30))
            elif kind == "open":
                opens = now - timedelta(days=rng.randint(1, 25))
            else:
                opens = now - timedelta(days=rng.randint(40, 700))
            if kind in ("closed", "concluded"):
                closes = min(opens + timedelta(days=rng.randint(21, 42)), now - timedelta(days=1))
            else:
                closes = max(opens, now) + timedelta(days=rng.randint(2, 40))
            topic = rng.choice(TOPICS)
            title = "Stort samråd med 500 kommentarer" if i == 0 else f"Utkast: {topic} ({i})"
            rows.append(
                Consultation(
                    title=title,
                    slug=HOT_SLUG if i == 0 else f"samrad-{i:05d}",
                    summary=f"Staden vill veta vad civilsamhället tycker om {topic}. " + sentences(rng, 1, 3),
                    development_area_id=rng.choice(["knowledge", "children", "collaboration"]),
                    reference_number=f"KS 2026/{1000 + i}",
                    coordinator_id=rng.choice(self.coordinators).pk,
                    contact_name="Samordnaren",
                    contact_email="samordnare@example.org",
                    opens_at=opens,
                    closes_at=closes,
                    audience="chosen" if i and rng.random() < 0.15 else "all",
                    responses_visibility=rng.choice(["public", "public", "members", "coordinators"]),
                    published_at=None if kind == "draft" else min(opens, now) - timedelta(days=3),
                    published_by_id=None if kind == "draft" else self.coordinator.pk,
                    current_version=0 if kind == "draft" else 1,
                    concluded_at=closes + timedelta(days=rng.randint(10, 30))
                    if kind == "concluded"
                    else None,
                    opened_notified_at=opens if kind in ("open", "closed", "concluded") else None,
                )
            )
            if kind == "concluded" and rows[-1].concluded_at > now:
                rows[-1].concluded_at = now - timedelta(hours=1)
            kind_of[rows[-1].slug] = kind
        self.bulk(Consultation, rows)
        self.consultations_ = list(Consultation.objects.filter(slug__in=list(kind_of)).order_by("pk"))
        for c in self.consultations_:
            c.kind = kind_of[c.slug]
        self.hot = self.consultations_[0]

        through = Consultation.focus_areas.through
        self.bulk(
            through,
            (
                through(consultation_id=c.pk, focusarea_id=fa)
                for c in self.consultations_
                for fa in rng.sample(self.focus_area_ids, rng.randint(1, 2))
            ),
            label="consultations.Consultation_focus_areas",
        )
        invited = Consultation.invited_organisations.through
        self.invited_by_consultation: dict[int, list[int]] = {}
        rows_inv = []
        for c in self.consultations_:
            if c.audience == "chosen":
                orgs = rng.sample(self.approved, min(30, len(self.approved)))
                if self.bench_org not in orgs:
                    orgs.append(self.bench_org)
                self.invited_by_consultation[c.pk] = orgs
                rows_inv += [invited(consultation_id=c.pk, organisation_id=o) for o in orgs]
        self.bulk(invited, rows_inv, label="consultations.Consultation_invited_organisations")

        sections, questions = [], []
        for c in self.consultations_:
            for s in range(SECTIONS_PER_CONSULTATION):
                sections.append(
                    Section(
                        consultation_id=c.pk,
                        key=self.uuid(),
                        heading=f"{s + 1}. {rng.choice(TOPICS).capitalize()}",
                        body="".join(f"<p>{sentences(rng, 2, 5)}</p>" for _ in range(rng.randint(1, 3))),
                        sort_order=s,
                    )
                )
            for q in range(QUESTIONS_PER_CONSULTATION):
                questions.append(
                    GuidingQuestion(
                        consultation_id=c.pk,
                        text=f"Fråga {q + 1}: vad saknas i förslaget om {rng.choice(TOPICS)}?",
                        sort_order=q,
                    )
                )
        self.bulk(Section, sections)
        self.bulk(GuidingQuestion, questions)
        self.sections_by_consultation: dict[int, list] = defaultdict(list)
        for s in Section.objects.filter(consultation__in=self.consultations_).order_by("sort_order", "pk"):
            self.sections_by_consultation[s.consultation_id].append(s)
        self.questions_by_consultation: dict[int, list] = defaultdict(list)
        for q in GuidingQuestion.objects.filter(consultation__in=self.consultations_).order_by("sort_order"):
            self.questions_by_consultation[q.consultation_id].append(q)
        versions = [
            ConsultationVersion(
                consultation_id=c.pk,
                number=1,
                snapshot={
                    "title": c.title,
                    "sections": [
                        {"key": str(s.key), "heading": s.heading, "body": s.body}
                        for s in self.sections_by_consultation[c.pk]
                    ],
                },
                created=c.published_at,
                created_by_id=self.coordinator.pk,
            )
            for c in self.consultations_
            if c.published_at
        ]
        self.bulk(ConsultationVersion, versions)

    def _participants(self, consultation):
        invited = self.invited_by_consultation.get(consultation.pk)
        if invited is None:
            return self.commenters
        # Index the commenters by organisation once: scanning every commenter for every invite-only
        # consultation would cost consultations x users (quadratic in the scale). Sorting the positions
        # keeps the same order, hence the same data for a given seed, as the scan did.
        if not hasattr(self, "_commenter_positions"):
            self._commenter_positions = defaultdict(list)
            for position, (_user, org) in enumerate(self.commenters):
                self._commenter_positions[org].append(position)
        positions = sorted(p for o in set(invited) for p in self._commenter_positions.get(o, ()))
        return [self.commenters[p] for p in positions] or self.commenters

    def comments(self):
        from bench._text import sentences
        from consultations.models import Comment, CommentReport

        rng = self.rng
        active = [c for c in self.consultations_ if c.kind in ("open", "closed", "concluded")]
        others = [c for c in active if c.pk != self.hot.pk]
        total = max(self.n("comments"), HOT_COMMENTS + len(others))
        weights = [rng.paretovariate(1.5) for _ in others]
        scale = (total - HOT_COMMENTS) / sum(weights) if others else 0
        plan = [(self.hot, HOT_COMMENTS)] + [
            (c, max(1, int(w * scale))) for c, w in zip(others, weights, strict=True)
        ]
        # Rounding leaves a remainder: give it to the consultations in turn.
        missing = total - sum(k for _, k in plan)
        for index in range(max(0, missing)):
            c, k = plan[1 + index % max(1, len(others))] if others else plan[0]
            plan[1 + index % len(others) if others else 0] = (c, k + 1)

        def end_of(c):
            return min(self.now, c.closes_at)

        tops, reply_plan = [], []
        for c, count in plan:
            participants = self._participants(c)
            n_top = max(1, round(count * 0.67))
            for _ in range(n_top):
                user_id, org_id = rng.choice(participants)
                section = rng.choice(self.sections_by_consultation[c.pk]) if rng.random() < 0.92 else None
                tops.append(
                    Comment(
                        consultation_id=c.pk,
                        section_id=section.pk if section else None,
                        author_id=user_id,
                        organisation_id=org_id,
                        version=1,
                        text=sentences(rng, 1, 4),
                        created=self.between(c.opens_at, end_of(c)),
                    )
                )
            reply_plan.append((c, count - n_top, participants))
        if self.hot:
            # The bench member has a say on the hot consultation (so the page shows own comments).
            tops[0].author_id, tops[0].organisation_id = self.member.pk, self.bench_org
        self.bulk(Comment, tops)
        top_rows = defaultdict(list)
        for row in Comment.objects.filter(parent__isnull=True).values(
            "pk", "consultation_id", "section_id", "created"
        ):
            top_rows[row["consultation_id"]].append(row)
        replies = []
        for c, count, participants in reply_plan:
            parents = top_rows[c.pk]
            for _ in range(count):
                parent = rng.choice(parents)
                user_id, org_id = rng.choice(participants)
                replies.append(
                    Comment(
                        consultation_id=c.pk,
                        section_id=parent["section_id"],
                        parent_id=parent["pk"],
                        author_id=user_id,
                        organisation_id=org_id,
                        version=1,
                        text=sentences(rng, 1, 3),
                        created=self.between(parent["created"], end_of(c)),
                    )
                )
        self.bulk(Comment, replies)

        # Moderation: a few hidden and deleted comments, and open reports for the queue.
        ids = list(Comment.objects.order_by("pk").values_list("pk", flat=True))
        hidden = rng.sample(ids, max(1, len(ids) // 100))
        Comment.objects.filter(pk__in=hidden).update(
            hidden_at=self.now - timedelta(days=1),
            hidden_by=self.coordinator.pk,
            hidden_reason="Kränkande formulering.",
        )
        deleted = rng.sample(ids, max(1, len(ids) // 200))
        Comment.objects.filter(pk__in=deleted).update(deleted_at=self.now - timedelta(days=2))
        self.counts["comments hidden/deleted"] = len(set(hidden) | set(deleted))
        reported = rng.sample(ids, max(1, len(ids) // 300))
        self.bulk(
            CommentReport,
            (
                CommentReport(
                    comment_id=pk,
                    reporter_id=rng.choice(self.people),
                    reason="Innehåller personuppgifter.",
                    created=self.now - timedelta(hours=rng.randint(1, 200)),
                )
                for pk in reported
            ),
        )

    def responses(self):
        from bench._text import sentences
        from consultations.models import Response, ResponseAnswer, ResponseVersion

        rng = self.rng
        active = [c for c in self.consultations_ if c.kind in ("open", "closed", "concluded")]
        ended = [c for c in active if c.kind != "open"]
        open_ = [c for c in active if c.kind == "open"]
        n_submitted, n_drafts = self.n("responses"), self.n("draft_responses")
        taken: set[tuple[int, int]] = set()

        def eligible_org(c):
            invited = self.invited_by_consultation.get(c.pk)
            for _ in range(50):
                org = rng.choice(invited) if invited else rng.choice(self.approved)
                if (c.pk, org) not in taken and self.admins_by_org.get(org):
                    return org
            return None

        plan = [(self.hot, self.bench_org, "draft")]
        taken.add((self.hot.pk, self.bench_org))
        for c in ended[:3]:
            plan.append((c, self.bench_org, "submitted"))
            taken.add((c.pk, self.bench_org))
        pools = ended * 3 + open_  # submitted responses mostly on ended consultations
        submitted, attempts = len(plan) - 1, 0
        # Stop when the organisations run out (tiny scales): every attempt is bounded.
        while submitted < n_submitted and pools and attempts < 20 * n_submitted:
            attempts += 1
            c = rng.choice(pools)
            org = eligible_org(c)
            if org is None:
                continue
            taken.add((c.pk, org))
            plan.append((c, org, "submitted"))
            submitted += 1
        drafts, attempts = 0, 0
        while drafts < n_drafts - 1 and open_ and attempts < 20 * n_drafts:
            attempts += 1
            c = rng.choice(open_)
            org = eligible_org(c)
            if org is None:
                continue
            taken.add((c.pk, org))
            plan.append((c, org, "draft"))
            drafts += 1
        rows = [
            Response(
                consultation_id=c.pk,
                organisation_id=org,
                text=sentences(rng, 4, 12),
                revision=2 if state == "submitted" else 1,
                last_edited_by_id=self.admins_by_org[org][0],
            )
            for c, org, state in plan
        ]
        self.bulk(Response, rows)
        ids = dict(
            ((r["consultation_id"], r["organisation_id"]), r["pk"])
            for r in Response.objects.values("pk", "consultation_id", "organisation_id")
        )
        answers, versions = [], []
        self.responses_by_consultation: dict[int, list[int]] = defaultdict(list)
        for (c, org, state), row in zip(plan, rows, strict=True):
            pk = ids[(c.pk, org)]
            texts = []
            for q in self.questions_by_consultation[c.pk]:
                text = sentences(rng, 1, 4)
                texts.append({"question": q.text, "answer": text})
                answers.append(ResponseAnswer(response_id=pk, question_id=q.pk, text=text))
            if state == "submitted":
                self.responses_by_consultation[c.pk].append(pk)
                admin = self.admins_by_org[org][0]
                versions.append(
                    ResponseVersion(
                        response_id=pk,
                        number=1,
                        text=row.text,
                        answers=texts,
                        submitted_at=self.between(c.opens_at, min(self.now, c.closes_at)),
                        submitted_by_id=admin,
                        submitted_by_name="Organisationens kontaktperson",
                        sha256=self.hexdigest(),
                        receipt_number=f"R{c.pk:04d}-{org:04d}-01",
                    )
                )
        self.bulk(ResponseAnswer, answers)
        self.bulk(ResponseVersion, versions)

    def outcomes(self):
        from bench._text import sentences
        from consultations.models import Comment, InputMark, Mark, Outcome, SectionOutcome

        rng = self.rng
        concluded = [c for c in self.consultations_ if c.kind == "concluded"]
        self.bulk(
            Outcome,
            (
                Outcome(
                    consultation_id=c.pk,
                    summary=sentences(rng, 3, 8),
                    published_at=c.concluded_at,
                    published_by_id=self.coordinator.pk,
                )
                for c in concluded
            ),
        )
        outcome_of = dict(Outcome.objects.values_list("consultation_id", "pk"))
        self.bulk(
            SectionOutcome,
            (
                SectionOutcome(outcome_id=outcome_of[c.pk], section_id=s.pk, text=sentences(rng, 1, 3))
                for c in concluded
                for s in self.sections_by_consultation[c.pk]
            ),
        )
        marks = []
        comment_ids = defaultdict(list)
        for pk, cid in Comment.objects.filter(consultation__in=concluded, parent__isnull=True).values_list(
            "pk", "consultation_id"
        ):
            comment_ids[cid].append(pk)
        for c in concluded:
            for pk in comment_ids[c.pk]:
                if rng.random() < 0.3:
                    marks.append(
                        InputMark(outcome_id=outcome_of[c.pk], comment_id=pk, mark=rng.choice(Mark.values))
                    )
            for pk in self.responses_by_consultation[c.pk]:
                if rng.random() < 0.6:
                    marks.append(
                        InputMark(
                            outcome_id=outcome_of[c.pk],
                            response_id=pk,
                            mark=rng.choice(Mark.values),
                            rationale=sentences(rng, 1, 2),
                        )
                    )
        self.bulk(InputMark, marks)

    def meetings(self):
        from bench._text import DISTRICTS, TOPICS, sentences
        from meetings.models import (
            ActionItem,
            AgendaItem,
            AgendaItemNote,
            Attendance,
            Decision,
            Invitation,
            Meeting,
            Minutes,
        )

        rng = self.rng
        now = self.now
        n = self.n("meetings")
        n_past = round(n * 2 / 3)
        rows, plans = [], []
        for i in range(n):
            past = i < n_past
            day = (
                now - timedelta(days=rng.randint(2, 730))
                if past
                else now + timedelta(days=rng.randint(1, 180))
            )
            start = day.replace(hour=17, minute=0, second=0)
            state = "cancelled" if rng.random() < 0.07 else ("held" if past else "planned")
            invite_all = rng.random() < 0.8
            rows.append(
                Meeting(
                    title=f"Referensgruppens möte om {rng.choice(TOPICS)} ({i + 1})",
                    kind=rng.choice(Meeting.Kind.values),
                    start=start,
                    end=start + timedelta(hours=2),
                    place=f"Stadshuset / {rng.choice(DISTRICTS)}",
                    online_link="https://meet.example.org/referensgruppen" if rng.random() < 0.5 else "",
                    description=sentences(rng, 2, 5),
                    state=state,
                    cancel_reason="För få anmälda." if state == "cancelled" else "",
                    is_public=rng.random() < 0.4,
                    invite_all_approved=invite_all,
                    created_by_id=self.coordinator.pk,
                )
            )
            plans.append((past, state))
        self.bulk(Meeting, rows)
        meetings = list(Meeting.objects.order_by("pk").only("pk", "start", "state", "invite_all_approved"))[
            -n:
        ]
        published = [c.pk for c in self.consultations_ if c.published_at]
        items = []
        for m in meetings:
            for s in range(AGENDA_ITEMS_PER_MEETING):
                items.append(
                    AgendaItem(
                        meeting_id=m.pk,
                        title=f"{rng.choice(TOPICS).capitalize()}",
                        description=sentences(rng, 0, 2),
                        presenter="Samordnaren",
                        planned_minutes=rng.choice([10, 15, 20, 30]),
                        is_public=rng.random() < 0.8,
                        consultation_id=rng.choice(published) if published and rng.random() < 0.15 else None,
                        sort_order=s,
                    )
                )
        self.bulk(AgendaItem, items)
        items_by_meeting = defaultdict(list)
        for pk, mid in (
            AgendaItem.objects.filter(meeting__in=meetings)
            .order_by("sort_order")
            .values_list("pk", "meeting_id")
        ):
            items_by_meeting[mid].append(pk)

        invitations, answers = [], {}
        for m in meetings:
            orgs = rng.sample(self.staffed, min(25, len(self.staffed)))
            if self.bench_org not in orgs and (not m.invite_all_approved or rng.random() < 0.5):
                orgs.append(self.bench_org)
            for org in orgs:
                answer = rng.choice(["attending", "attending", "declined", "none"])
                if m.invite_all_approved and answer == "none":
                    continue
                answers[(m.pk, org)] = answer
                invitations.append(
                    Invitation(
                        meeting_id=m.pk,
                        organisation_id=org,
                        answer=answer,
                        needs="Tolk till arabiska." if answer == "attending" and rng.random() < 0.1 else "",
                        answered_by_id=self.admins_by_org[org][0] if answer != "none" else None,
                        answered_at=m.start - timedelta(days=rng.randint(1, 10))
                        if answer != "none"
                        else None,
                    )
                )
        self.bulk(Invitation, invitations)
        attendees, attendance = [], []
        for pk, _meeting, org in Invitation.objects.filter(
            meeting__in=meetings, answer="attending"
        ).values_list("pk", "meeting_id", "organisation_id"):
            people = self.members_by_org[org][: rng.randint(1, 2)]
            attendees += [Invitation.attendees.through(invitation_id=pk, user_id=u) for u in people]
        self.bulk(Invitation.attendees.through, attendees, label="meetings.Invitation_attendees")
        held = [m for m in meetings if m.state == "held"]
        answers_by_meeting = defaultdict(list)
        for (meeting_id, org), answer in answers.items():
            answers_by_meeting[meeting_id].append((org, answer))
        for m in held:
            present = set()  # a person in two organisations is recorded once
            for org in [o for o, a in answers_by_meeting[m.pk] if a == "attending"][:10]:
                user_id = self.members_by_org[org][0]
                attendance.append(
                    Attendance(
                        meeting_id=m.pk, organisation_id=org, user_id=None if user_id in present else user_id
                    )
                )
                present.add(user_id)
        self.bulk(Attendance, attendance)

        states = ["published"] * 14 + ["approved"] * 3 + ["review"] * 2 + ["draft"]
        minutes = []
        for m in held:
            state = rng.choice(states)
            locked = state in ("approved", "published")
            minutes.append(
                Minutes(
                    meeting_id=m.pk,
                    state=state,
                    audience=rng.choice(["members", "public"]),
                    introduction=sentences(rng, 1, 3),
                    approved_at=m.start + timedelta(days=14) if locked else None,
                    approved_by_id=self.coordinator.pk if locked else None,
                    sha256=self.hexdigest() if locked else "",
                    published_at=m.start + timedelta(days=15) if state == "published" else None,
                    review_deadline=m.start + timedelta(days=10) if state == "review" else None,
                )
            )
        self.bulk(Minutes, minutes)
        minutes_of = dict(Minutes.objects.filter(meeting__in=held).values_list("meeting_id", "pk"))
        self.minutes_ids = list(minutes_of.values())
        notes, decisions, actions = [], [], []
        for m in held:
            mid = minutes_of[m.pk]
            agenda = items_by_meeting[m.pk]
            for item in agenda:
                notes.append(AgendaItemNote(minutes_id=mid, agenda_item_id=item, text=sentences(rng, 2, 5)))
            for item in rng.sample(agenda, 3):
                decisions.append(
                    Decision(
                        minutes_id=mid,
                        agenda_item_id=item,
                        text=sentences(rng, 1, 2),
                        result=rng.choice(Decision.Result.values),
                    )
                )
            invited_orgs = [o for o, _ in answers_by_meeting[m.pk]] or self.staffed
            for k in range(ACTION_ITEMS_PER_MINUTES):
                due = (m.start + timedelta(days=rng.randint(14, 120))).date()
                org = rng.choice(invited_orgs)
                old = due < (now - timedelta(days=60)).date()
                actions.append(
                    ActionItem(
                        minutes_id=mid,
                        agenda_item_id=rng.choice(agenda),
                        description=f"Ta fram underlag: {sentences(rng, 1, 1)}",
                        responsible_organisation_id=org if k != 1 else None,
                        responsible_unit="Kommunstyrelsen" if k == 1 else "",
                        responsible_person_id=self.members_by_org[org][0] if k == 2 else None,
                        due_date=due,
                        status=(
                            rng.choice(["done", "done", "cancelled", "open"])
                            if old
                            else rng.choice(["open", "open", "done"])
                        ),
                    )
                )
        self.bulk(AgendaItemNote, notes)
        self.bulk(Decision, decisions)
        self.bulk(ActionItem, actions)
        self.meeting_ids = [m.pk for m in meetings]

    def notifications(self):
        from django.contrib.contenttypes.models import ContentType

        from consultations.models import Consultation
        from meetings.models import Meeting, Minutes
        from notifications.models import Delivery, Notification, Preference

        rng = self.rng
        ct = ContentType.objects.get_for_models(Consultation, Meeting, Minutes)
        published = [c.pk for c in self.consultations_ if c.published_at]
        kinds = [
            ("consultations.opened", ct[Consultation], published),
            ("consultations.closing_soon", ct[Consultation], published),
            ("meetings.invited", ct[Meeting], self.meeting_ids),
            ("meetings.reminder", ct[Meeting], self.meeting_ids),
            ("meetings.changed", ct[Meeting], self.meeting_ids),
            ("meetings.minutes_published", ct[Minutes], self.minutes_ids),
        ]
        total = self.n("notifications")
        # The bench accounts have a full inbox (several pages); everybody else shares the rest.
        heavy = [self.member.pk] * 150 + [self.org_admin.pk] * 150 + [self.coordinator.pk] * 50
        rows = []
        for i in range(total):
            recipient = heavy[i] if i < len(heavy) else rng.choice(self.all_user_ids)
            event, content_type, targets = rng.choice(kinds)
            created = self.now - timedelta(minutes=rng.randint(1, 60 * 24 * 365))
            rows.append(
                Notification(
                    recipient_id=recipient,
                    event=event,
                    content_type_id=content_type.pk,
                    object_id=str(rng.choice(targets)),
                    dedupe_key=f"bench-{i}",
                    created_at=created,
                    read_at=created + timedelta(hours=rng.randint(1, 48)) if rng.random() < 0.7 else None,
                )
            )
        self.bulk(Notification, rows)
        deliveries = []
        for pk, event, ct_id, object_id, key, recipient, created in Notification.objects.filter(
            dedupe_key__startswith="bench-"
        ).values_list(
            "pk", "event", "content_type_id", "object_id", "dedupe_key", "recipient_id", "created_at"
        ):
            if rng.random() < 0.5:
                deliveries.append(
                    Delivery(
                        event=event,
                        content_type_id=ct_id,
                        object_id=object_id,
                        dedupe_key=key,
                        recipient_id=recipient,
                        notification_id=pk,
                        frequency="immediately",
                        status="sent",
                        attempts=1,
                        created_at=created,
                        queued_at=created,
                        sent_at=created + timedelta(seconds=rng.randint(1, 30)),
                    )
                )
        self.bulk(Delivery, deliveries)
        self.bulk(
            Preference,
            (
                Preference(
                    user_id=u, event=rng.choice(kinds)[0], frequency=rng.choice(["daily", "off", "weekly"])
                )
                for u in rng.sample(self.all_user_ids, len(self.all_user_ids) // 10)
            ),
        )

    def pages(self) -> dict[str, str]:
        """Addresses of the pages the benchmarks measure, in this data set."""
        from django.urls import reverse

        from meetings.models import Minutes

        closed = next(c for c in self.consultations_ if c.kind in ("closed", "concluded"))
        meeting = (
            Minutes.objects.filter(pk__in=self.minutes_ids, state="published")
            .order_by("pk")
            .values_list("meeting_id", flat=True)
            .first()
        )
        return {
            f"consultation with {HOT_COMMENTS} comments": reverse(
                "consultations:detail", kwargs={"slug": self.hot.slug}
            ),
            "its response (org admin's draft)": reverse(
                "consultations:response", kwargs={"slug": self.hot.slug}
            ),
            "responses list (coordinator)": reverse("consultations:responses", kwargs={"slug": closed.slug}),
            "a meeting with published minutes": reverse("meetings:detail", kwargs={"pk": meeting}),
            "the bench organisation": reverse("organisations:detail", kwargs={"slug": BENCH_ORG_SLUG}),
        }


def reset(out=sys.stdout) -> None:
    """Empties the domain apps' tables and deletes the bench users."""
    from django.apps import apps
    from django.contrib.auth import get_user_model
    from django.db import connection, transaction
    from django.db.models import Q

    from bench import BENCH_COORDINATOR, BENCH_EMAIL_DOMAIN, BENCH_MEMBER, BENCH_ORG_ADMIN

    tables = []
    for label in DOMAIN_APPS:
        for model in apps.get_app_config(label).get_models(include_auto_created=True):
            # Focus areas are reference data from a data migration: they stay.
            if not model._meta.proxy and model._meta.managed and model._meta.label not in KEEP:
                tables.append(model._meta.db_table)
    with transaction.atomic():
        with connection.cursor() as cursor:
            quoted = [connection.ops.quote_name(t) for t in tables]
            if connection.vendor == "postgresql":
                cursor.execute(f"TRUNCATE {', '.join(quoted)} RESTART IDENTITY CASCADE")
            else:
                for table in quoted:
                    cursor.execute(f"DELETE FROM {table}")
                if connection.vendor == "sqlite":
                    marks = ", ".join(["%s"] * len(tables))
                    cursor.execute(f"DELETE FROM sqlite_sequence WHERE name IN ({marks})", tables)
        get_user_model().objects.filter(
            Q(email__endswith=f"@{BENCH_EMAIL_DOMAIN}")
            | Q(email__in=[BENCH_MEMBER, BENCH_ORG_ADMIN, BENCH_COORDINATOR])
        ).delete()
    print(f"  emptied {len(tables)} tables of {', '.join(DOMAIN_APPS)}; bench users deleted", file=out)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--scale", type=float, default=1.0, help="multiplies every count (default 1)")
    parser.add_argument("--seed", type=int, default=2026, help="random seed (default 2026)")
    parser.add_argument("--reset", action="store_true", help="empty the domain tables and bench users first")
    parser.add_argument(
        "--no-site", action="store_true", help="do not run seed_demo (the site's pages) first"
    )
    parser.add_argument("--database-url", help="overrides DATABASE_URL")
    args = parser.parse_args(argv)
    if args.scale <= 0:
        parser.error("--scale must be positive")
    if args.database_url:
        os.environ["DATABASE_URL"] = args.database_url

    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.db import connection

    from bench import BENCH_COORDINATOR, BENCH_MEMBER, BENCH_ORG_ADMIN, BENCH_PASSWORD, BENCH_TOTP_SECRET

    db = connection.settings_dict
    print(f"Database: {connection.vendor} {db['NAME']}; scale {args.scale}, seed {args.seed}", flush=True)
    started = time.perf_counter()
    if args.reset:
        reset()
    elif get_user_model().objects.filter(email=BENCH_MEMBER).exists():
        print(
            "The database already holds bench data: pass --reset (or migrate a fresh database).",
            file=sys.stderr,
        )
        return 2
    if not args.no_site:
        t = time.perf_counter()
        call_command("seed_demo", stdout=open(os.devnull, "w"))  # noqa: SIM115
        print(f"  {'site (seed_demo)':<28} {time.perf_counter() - t:7.1f} s", flush=True)
    generator = Generator(scale=args.scale, seed=args.seed)
    generator.run()
    if connection.vendor == "postgresql":
        t = time.perf_counter()
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        print(f"  {'ANALYZE':<28} {time.perf_counter() - t:7.1f} s", flush=True)
    elapsed = time.perf_counter() - started
    print("\nRows written:")
    for label, count in generator.counts.items():
        print(f"  {label:<45} {count:>9,}")
    print(f"\nTotal time: {elapsed:.1f} s")
    print(f"\nAccounts (password {BENCH_PASSWORD}): {BENCH_MEMBER}, {BENCH_ORG_ADMIN}, {BENCH_COORDINATOR}")
    print(f"  coordinator TOTP secret: {BENCH_TOTP_SECRET}")
    print("  session cookie for a load tool: python -m bench.accounts session EMAIL")
    print("\nPages:")
    for label, url in generator.pages().items():
        print(f"  {label:<40} {url}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
