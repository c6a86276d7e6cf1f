from django.contrib.auth.management import create_permissions
from django.db import migrations

CODENAMES = {
    "followup": ["view_followup", "add_followup", "change_followup", "delete_followup"],
    "citybody": ["view_citybody", "add_citybody", "change_citybody"],
}
PAGE_CODENAMES = ["add_page", "change_page", "publish_page"]


def grant(apps, schema_editor):
    """Coordinators record follow-ups and keep the list of city bodies in the Wagtail admin, and edit and
    publish the plan's pages (areas and activities) under every action-plan page that exists now; a plan
    page made later is granted when it is made (actionplan.services.plan_grant_coordinators)."""
    app_config = apps.get_app_config("actionplan")
    app_config.models_module = True
    create_permissions(app_config, verbosity=0)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.get_or_create(name="Coordinators")
    for model, codenames in CODENAMES.items():
        group.permissions.add(
            *Permission.objects.filter(
                content_type__app_label="actionplan", content_type__model=model, codename__in=codenames
            )
        )
    GroupPagePermission = apps.get_model("wagtailcore", "GroupPagePermission")
    page_permissions = Permission.objects.filter(
        content_type__app_label="wagtailcore", codename__in=PAGE_CODENAMES
    )
    for plan in apps.get_model("actionplan", "ActionPlanPage").objects.all():
        for permission in page_permissions:
            GroupPagePermission.objects.get_or_create(group=group, page_id=plan.pk, permission=permission)


class Migration(migrations.Migration):
    dependencies = [
        ("actionplan", "0002_areas_and_rights_focus_areas"),
        ("portal", "0002_coordinators_group"),
        ("wagtailcore", "0098_apitoken"),
    ]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
