import pytest
from django.db import IntegrityError, connection, transaction
from django.db.migrations.executor import MigrationExecutor

from actionplan.models import ActivityPage, DevelopmentArea
from tests.factories import ConsultationFactory

pytestmark = pytest.mark.django_db


def test_the_three_areas_and_rights_focus_areas_exist():
    assert list(DevelopmentArea.objects.values_list("code", flat=True)) == [
        "knowledge",
        "children",
        "collaboration",
    ]
    from actionplan.models import RightsFocusArea

    assert RightsFocusArea.objects.count() == 3


def test_activity_takes_its_area_from_the_parent_page(activity):
    assert ActivityPage.objects.get(pk=activity.pk).area.code == "children"


def test_period_cannot_end_before_it_starts(activity):
    with pytest.raises(IntegrityError), transaction.atomic():
        ActivityPage.objects.filter(pk=activity.pk).update(period_end=2020)


def test_consultation_points_at_an_area_and_optionally_an_activity(activity):
    consultation = ConsultationFactory(development_area_id="children", activity=activity)
    assert consultation.development_area.localized_name == "Förebygga rasism mot barn och unga"
    assert list(activity.consultations.all()) == [consultation]


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_data_migration_maps_the_old_choice_values():
    """Back to the schema before the foreign key, a row with the old value, forward again: the row points
    at the area with that code."""
    executor = MigrationExecutor(connection)
    before = [("consultations", "0003_page_indexes")]
    after = [("consultations", "0004_development_area_fk_and_activity")]
    executor.migrate(before)
    try:
        _check_forward(executor, before, after)
    finally:
        # Back to the whole project's latest schema (every app's leaf, not only this migration), so the
        # tests that follow in this process see every column.
        executor = MigrationExecutor(connection)
        executor.loader.build_graph()
        executor.migrate(executor.loader.graph.leaf_nodes())


def _check_forward(executor, before, after):
    old_apps = executor.loader.project_state(before).apps
    Consultation = old_apps.get_model("consultations", "Consultation")
    from django.utils import timezone

    now = timezone.now()
    row = Consultation.objects.create(
        title="Gammalt samråd",
        slug="gammalt",
        summary="x",
        development_area="children",
        opens_at=now,
        closes_at=now + timezone.timedelta(days=1),
    )
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(after)
    new_apps = executor.loader.project_state(after).apps
    migrated = new_apps.get_model("consultations", "Consultation").objects.get(pk=row.pk)
    assert migrated.development_area_id == "children"


def test_a_planned_activity_is_planerad_not_planerat(activity):
    from django.utils import translation

    activity.status = "planned"
    with translation.override("sv"):
        assert activity.get_status_display() == "planerad"
    with translation.override("en"):
        assert activity.get_status_display() == "planned"
