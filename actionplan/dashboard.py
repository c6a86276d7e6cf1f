"""The coverage dashboard: which organisations the city hears, per development area, activity, form of
racism and quarter, and what is left undone.

Every figure comes from a fixed handful of SQL queries over one "participation events" relation (invited
to a consultation or meeting, commented, sent a formal response, attended, sent knowledge input), grouped
in the database, so the number of queries does not grow with the number of organisations, consultations
or years (tests/actionplan/test_dashboard.py holds it flat across two data sizes).

Definitions (also shown on the page):
- invited: chosen for a consultation, or approved while a consultation open to all approved organisations
  was published; invited to a meeting (or approved, for a meeting open to all approved organisations);
- commented: wrote a comment that is not deleted; responded: submitted a formal response;
- attended: recorded as present at a meeting; input: sent knowledge input;
- a consultation or meeting counts for an activity when it (or one of its agenda items) is linked to it,
  and for the activity's development area; a consultation also counts for its own area;
- a focus area of the human-rights programme counts what counts for an activity that serves it.
"""

from dataclasses import dataclass, field
from datetime import timedelta

from django.db import connection
from django.utils import timezone
from django.utils.translation import gettext as _

KINDS = ("invited", "commented", "responded", "attended", "input")
HEARD = ("commented", "responded", "attended", "input")


def kind_labels():
    return {
        "invited": _("Invited"),
        "commented": _("Commented"),
        "responded": _("Sent a formal response"),
        "attended": _("Attended a meeting"),
        "input": _("Sent knowledge input"),
    }


def _tables():
    from django.apps import apps

    def t(label):
        return apps.get_model(label)._meta.db_table

    Consultation = apps.get_model("consultations.Consultation")
    Activity = apps.get_model("actionplan.ActivityPage")
    KnowledgeInput = apps.get_model("actionplan.KnowledgeInput")
    return {
        "org": t("organisations.Organisation"),
        "consultation": t("consultations.Consultation"),
        "invited_orgs": Consultation._meta.get_field(
            "invited_organisations"
        ).remote_field.through._meta.db_table,
        "c_forms": Consultation._meta.get_field("focus_areas").remote_field.through._meta.db_table,
        "comment": t("consultations.Comment"),
        "response": t("consultations.Response"),
        "version": t("consultations.ResponseVersion"),
        "meeting": t("meetings.Meeting"),
        "m_invitation": t("meetings.Invitation"),
        "attendance": t("meetings.Attendance"),
        "agenda": t("meetings.AgendaItem"),
        "activity": Activity._meta.db_table,
        "a_forms": Activity._meta.get_field("forms_of_racism").remote_field.through._meta.db_table,
        "a_rights": Activity._meta.get_field("rights_focus_areas").remote_field.through._meta.db_table,
        "input": KnowledgeInput._meta.db_table,
        "i_forms": KnowledgeInput._meta.get_field("forms_of_racism").remote_field.through._meta.db_table,
        "focus": t("organisations.FocusArea"),
    }


def _events_sql():
    """One row per (kind, organisation, consultation/activity/input, area, time), from a lower bound on
    the time: the SQL ends in a CTE `events` whose first parameter is that bound. The bound sits inside
    the CTE so that PostgreSQL applies it in every branch of the union before joining (a consultation open
    to all approved organisations is one row per organisation), also when `events` is read more than
    once and so computed once: ten years of history cost the dashboard nothing."""
    t = _tables()
    return (
        f"""
    WITH meeting_activity AS (
        SELECT DISTINCT ag.meeting_id, ag.activity_id, act.area_id
        FROM {t["agenda"]} ag JOIN {t["activity"]} act ON act.page_ptr_id = ag.activity_id
    ),
    all_events AS (
        SELECT 'invited' AS kind, ci.organisation_id AS org_id, c.id AS consultation_id,
               c.activity_id AS activity_id, CAST(NULL AS bigint) AS input_id,
               c.development_area_id AS area_code, c.opens_at AS at
        FROM {t["invited_orgs"]} ci JOIN {t["consultation"]} c ON c.id = ci.consultation_id
        WHERE c.published_at IS NOT NULL AND c.audience = 'chosen'
      UNION ALL
        SELECT 'invited', o.id, c.id, c.activity_id, NULL, c.development_area_id, c.opens_at
        FROM {t["consultation"]} c JOIN {t["org"]} o ON o.status = 'approved' AND o.created <= c.closes_at
        WHERE c.published_at IS NOT NULL AND c.audience = 'all'
      UNION ALL
        SELECT 'invited', i.organisation_id, NULL, ma.activity_id, NULL, da.code, m.start
        FROM {t["m_invitation"]} i JOIN {t["meeting"]} m ON m.id = i.meeting_id
        LEFT JOIN meeting_activity ma ON ma.meeting_id = m.id
        LEFT JOIN actionplan_developmentarea da ON da.id = ma.area_id
      UNION ALL
        SELECT 'invited', o.id, NULL, ma.activity_id, NULL, da.code, m.start
        FROM {t["meeting"]} m JOIN {t["org"]} o ON o.status = 'approved' AND o.created <= m.start
        LEFT JOIN meeting_activity ma ON ma.meeting_id = m.id
        LEFT JOIN actionplan_developmentarea da ON da.id = ma.area_id
        WHERE m.invite_all_approved
      UNION ALL
        SELECT 'commented', cm.organisation_id, c.id, c.activity_id, NULL, c.development_area_id, cm.created
        FROM {t["comment"]} cm JOIN {t["consultation"]} c ON c.id = cm.consultation_id
        WHERE cm.deleted_at IS NULL AND cm.organisation_id IS NOT NULL
      UNION ALL
        SELECT 'responded', r.organisation_id, c.id, c.activity_id, NULL, c.development_area_id,
               v.submitted_at
        FROM {t["version"]} v JOIN {t["response"]} r ON r.id = v.response_id
        JOIN {t["consultation"]} c ON c.id = r.consultation_id
      UNION ALL
        SELECT 'attended', a.organisation_id, NULL, ma.activity_id, NULL, da.code, m.start
        FROM {t["attendance"]} a JOIN {t["meeting"]} m ON m.id = a.meeting_id
        LEFT JOIN meeting_activity ma ON ma.meeting_id = m.id
        LEFT JOIN actionplan_developmentarea da ON da.id = ma.area_id
        WHERE a.organisation_id IS NOT NULL
      UNION ALL
        SELECT 'input', k.organisation_id, NULL, k.activity_id, k.id, da.code, k.sent_at
        FROM {t["input"]} k LEFT JOIN actionplan_developmentarea da ON da.id = k.area_id
    ),
    events AS (SELECT * FROM all_events WHERE at >= %s)
    """,
        t,
    )


def _quarter_expr(column):
    if connection.vendor == "postgresql":
        return (
            f"(CAST(EXTRACT(YEAR FROM {column}) AS integer) * 10"
            f" + CAST(EXTRACT(QUARTER FROM {column}) AS integer))"
        )
    return (
        f"(CAST(strftime('%Y', {column}) AS integer) * 10"
        f" + (CAST(strftime('%m', {column}) AS integer) + 2) / 3)"
    )


def _rows(sql, params):
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def _counts(rows):
    """[(kind, key, n)] → {key: {kind: n}}"""
    out: dict = {}
    for kind, key, n in rows:
        out.setdefault(key, {k: 0 for k in KINDS})[kind] = n
    return out


@dataclass
class Coverage:
    since: object
    by_area: list = field(default_factory=list)
    by_activity: list = field(default_factory=list)
    by_form: list = field(default_factory=list)
    by_rights: list = field(default_factory=list)
    by_quarter: list = field(default_factory=list)
    not_heard: list = field(default_factory=list)
    not_heard_count: int = 0
    action_items_open: int = 0
    action_items_overdue: list = field(default_factory=list)
    action_items_overdue_count: int = 0
    outcomes_missing: list = field(default_factory=list)
    totals: dict = field(default_factory=dict)


def coverage(*, now=None, public=False, quarters: int = 8) -> Coverage:
    """All the dashboard's figures. `public=True` leaves out every organisation's name and every
    members-only detail (the public summary shows counts only)."""
    from consultations.models import Consultation
    from meetings.models import ActionItem

    from .models import FORMS_OF_RACISM, ActivityPage, DevelopmentArea, RightsFocusArea

    now = now or timezone.now()
    since = now - timedelta(days=365)
    events, t = _events_sql()
    # Counted over the last twelve months.
    by_area = _counts(
        _rows(
            events + "SELECT kind, area_code, COUNT(DISTINCT org_id) FROM events WHERE at >= %s"
            " AND area_code IS NOT NULL GROUP BY kind, area_code",
            [since, since],
        )
    )
    by_activity = _counts(
        _rows(
            events + "SELECT kind, activity_id, COUNT(DISTINCT org_id) FROM events WHERE at >= %s"
            " AND activity_id IS NOT NULL GROUP BY kind, activity_id",
            [since, since],
        )
    )
    placeholders = ", ".join(["%s"] * len(FORMS_OF_RACISM))
    by_form = _counts(
        _rows(
            events
            + f"""
            , tagged AS (
                SELECT e.kind, e.org_id, r.focusarea_id FROM events e
                JOIN {t["c_forms"]} r ON r.consultation_id = e.consultation_id
              UNION ALL
                SELECT e.kind, e.org_id, r.focusarea_id FROM events e
                JOIN {t["a_forms"]} r ON r.activitypage_id = e.activity_id
              UNION ALL
                SELECT e.kind, e.org_id, r.focusarea_id FROM events e
                JOIN {t["i_forms"]} r ON r.knowledgeinput_id = e.input_id
            )
            SELECT tagged.kind, f.slug, COUNT(DISTINCT tagged.org_id) FROM tagged
            JOIN {t["focus"]} f ON f.id = tagged.focusarea_id
            WHERE f.slug IN ({placeholders}) GROUP BY tagged.kind, f.slug""",
            [since, *FORMS_OF_RACISM],
        )
    )
    by_rights = _counts(
        _rows(
            events
            + f"""SELECT e.kind, r.rightsfocusarea_id, COUNT(DISTINCT e.org_id) FROM events e
            JOIN {t["a_rights"]} r ON r.activitypage_id = e.activity_id
            WHERE e.at >= %s GROUP BY e.kind, r.rightsfocusarea_id""",
            [since, since],
        )
    )
    first_quarter = _quarter_start(now, quarters - 1)
    quarter = _quarter_expr("at")
    by_quarter = _counts(
        _rows(
            events + f"SELECT kind, {quarter} AS q, COUNT(DISTINCT org_id) FROM events WHERE at >= %s"
            " GROUP BY kind, q",
            [first_quarter, first_quarter],
        )
    )
    totals = _counts(
        _rows(
            events + "SELECT kind, 'all', COUNT(DISTINCT org_id) FROM events WHERE at >= %s GROUP BY kind",
            [since, since],
        )
    ).get("all", {k: 0 for k in KINDS})
    heard_kinds = ", ".join(f"'{k}'" for k in HEARD)
    # Invited and not heard from, with their number (a window count: one query, whatever LIMIT keeps).
    unheard = _rows(
        events
        + f"""SELECT o.id, o.name, COUNT(*) OVER () FROM (
            SELECT org_id FROM events WHERE org_id IS NOT NULL GROUP BY org_id
            HAVING SUM(CASE WHEN kind = 'invited' THEN 1 ELSE 0 END) > 0
               AND SUM(CASE WHEN kind IN ({heard_kinds}) THEN 1 ELSE 0 END) = 0
        ) silent JOIN {t["org"]} o ON o.id = silent.org_id
        ORDER BY o.name LIMIT 500""",
        [since],
    )
    not_heard = [] if public else [(pk, name) for pk, name, _total in unheard]
    not_heard_count = unheard[0][2] if unheard else 0

    today = timezone.localdate()
    open_items = ActionItem.objects.open()
    overdue = open_items.filter(due_date__lt=today).select_related("minutes__meeting", "activity")
    missing = (
        Consultation.objects.closed(now).filter(closes_at__lte=now - timedelta(days=30)).order_by("closes_at")
    )

    areas = list(DevelopmentArea.objects.all())
    activities = list(
        ActivityPage.objects.filter(locale__language_code="sv").select_related("area").order_by("path")
    )
    from organisations.models import FocusArea

    forms = list(FocusArea.objects.filter(slug__in=FORMS_OF_RACISM).order_by("order"))
    zero = {k: 0 for k in KINDS}
    quarter_keys = [_quarter_key(_quarter_start(now, i)) for i in range(quarters - 1, -1, -1)]
    return Coverage(
        since=since,
        by_area=[(a, by_area.get(a.code, zero)) for a in areas],
        by_activity=[(a, by_activity.get(a.pk, zero)) for a in activities],
        by_form=[(f, by_form.get(f.slug, zero)) for f in forms],
        by_rights=[(r, by_rights.get(r.pk, zero)) for r in RightsFocusArea.objects.order_by("order", "pk")],
        by_quarter=[(_quarter_label(q), by_quarter.get(q, zero)) for q in quarter_keys],
        not_heard=not_heard,
        not_heard_count=not_heard_count,
        action_items_open=open_items.count(),
        action_items_overdue=[] if public else list(overdue[:200]),
        action_items_overdue_count=overdue.count(),
        outcomes_missing=list(missing[:200]) if not public else [],
        totals=totals,
    )


def _quarter_start(now, back: int):
    year, month = now.year, now.month
    q = (month - 1) // 3 - back
    year += q // 4
    q %= 4
    return now.replace(year=year, month=q * 3 + 1, day=1, hour=0, minute=0, second=0, microsecond=0)


def _quarter_key(start) -> int:
    return start.year * 10 + (start.month - 1) // 3 + 1


def _quarter_label(key: int) -> str:
    return _("Q%(quarter)s %(year)s") % {"quarter": key % 10, "year": key // 10}


def tables(data: Coverage, public: bool = False):
    """The dashboard's tables: what the page shows beside each chart and what each CSV holds."""
    labels = kind_labels()
    header_kinds = [labels[k] for k in KINDS]
    result = [
        {
            "key": "omraden",
            "title": _("By development area (last 12 months)"),
            "header": [_("Development area"), *header_kinds],
            "rows": [[f"{a.number}. {a.localized_name}", *[c[k] for k in KINDS]] for a, c in data.by_area],
            "chart": True,
        },
        {
            "key": "aktiviteter",
            "title": _("By activity (last 12 months)"),
            "header": [_("Activity"), *header_kinds],
            "rows": [[a.title, *[c[k] for k in KINDS]] for a, c in data.by_activity],
            "chart": True,
        },
        {
            "key": "former",
            "title": _("By form of racism (last 12 months)"),
            "header": [_("Form of racism"), *header_kinds],
            "rows": [[f.localized_name, *[c[k] for k in KINDS]] for f, c in data.by_form],
            "chart": True,
        },
        {
            "key": "mr-fokus",
            "title": _("By focus area of the human-rights programme (last 12 months)"),
            "header": [_("Focus area"), *header_kinds],
            "rows": [[r.localized_name, *[c[k] for k in KINDS]] for r, c in data.by_rights],
            "chart": True,
        },
        {
            "key": "kvartal",
            "title": _("Per quarter"),
            "header": [_("Quarter"), *header_kinds],
            "rows": [[label, *[c[k] for k in KINDS]] for label, c in data.by_quarter],
            "chart": True,
        },
    ]
    if not public:
        result += [
            {
                "key": "ej-horda",
                "title": _("Invited but not heard from in the last 12 months"),
                "header": [_("Organisation")],
                "rows": [[name] for _pk, name in data.not_heard],
                "chart": False,
            },
            {
                "key": "forsenade-atgarder",
                "title": _("Overdue action items"),
                "header": [_("Action item"), _("Meeting"), _("Due"), _("Activity")],
                "rows": [
                    [
                        i.description,
                        i.minutes.meeting.title,
                        i.due_date.isoformat(),
                        i.activity.title if i.activity else "",
                    ]
                    for i in data.action_items_overdue
                ],
                "chart": False,
            },
            {
                "key": "resultat-saknas",
                "title": _("Closed more than 30 days ago without a published outcome"),
                "header": [_("Consultation"), _("Closed")],
                "rows": [[c.title, c.closes_at.date().isoformat()] for c in data.outcomes_missing],
                "chart": False,
            },
        ]
    return result


def bar_chart(table, width=560):
    """An SVG of grouped horizontal bars for one table (numbers beside each bar, so no colour is needed
    to read it); hidden from assistive technology, since the table beside it carries the same figures."""
    rows = table["rows"]
    series = table["header"][1:]
    top = max([max(r[1:]) for r in rows if len(r) > 1] + [1])
    bar_h, gap, label_w = 10, 8, 0
    colours = ["#0a3e6e", "#1d6b34", "#6b4400", "#5b2a86", "#a50e1c"]
    parts, y = [], 4
    for row in rows:
        parts.append(f'<text x="0" y="{y + 10}">{_esc(str(row[0])[:70])}</text>')
        y += 16
        for i, value in enumerate(row[1:]):
            w = int((width - 60 - label_w) * value / top)
            parts.append(
                f'<rect x="0" y="{y}" width="{max(w, 1)}" height="{bar_h}" fill="{colours[i % 5]}"/>'
            )
            parts.append(
                f'<text x="{max(w, 1) + 4}" y="{y + 9}">{value} {_esc(str(series[i]).lower())}</text>'
            )
            y += bar_h + 2
        y += gap
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {y}" width="{width}" height="{y}" '
        f'aria-hidden="true" focusable="false">{"".join(parts)}</svg>'
    )


def _esc(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")
