from django.contrib.auth.management import create_permissions
from django.db import migrations

CODENAMES = {
    "organisation": ["view_organisation", "change_organisation"],
    "focusarea": ["view_focusarea", "add_focusarea", "change_focusarea"],
}


def grant(apps, schema_editor):
    """Coordinators edit organisations' profiles and the focus-area list in the Wagtail admin."""
    app_config = apps.get_app_config("organisations")
    app_config.models_module = True
    create_permissions(app_config, verbosity=0)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.get_or_create(name="Coordinators")
    for model, codenames in CODENAMES.items():
        group.permissions.add(
            *Permission.objects.filter(
                content_type__app_label="organisations", content_type__model=model, codename__in=codenames
            )
        )


class Migration(migrations.Migration):
    dependencies = [
        ("organisations", "0002_focus_areas"),
        ("portal", "0002_coordinators_group"),
    ]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
