from django.contrib.auth.management import create_permissions
from django.db import migrations


def grant(apps, schema_editor):
    """Coordinators write consultations in the Wagtail admin: give their group the model permissions."""
    app_config = apps.get_app_config("consultations")
    app_config.models_module = True
    create_permissions(app_config, verbosity=0)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.get_or_create(name="Coordinators")
    group.permissions.add(
        *Permission.objects.filter(
            content_type__app_label="consultations",
            content_type__model="consultation",
            codename__in=["add_consultation", "change_consultation", "view_consultation"],
        )
    )


class Migration(migrations.Migration):
    dependencies = [
        ("consultations", "0001_initial"),
        ("portal", "0002_coordinators_group"),
    ]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
