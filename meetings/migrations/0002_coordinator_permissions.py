from django.contrib.auth.management import create_permissions
from django.db import migrations

MODELS = ["meeting", "agendaitem", "meetingdocument", "invitation"]


def grant(apps, schema_editor):
    """Coordinators edit meetings in the Wagtail admin and choose documents for them."""
    for label in ("meetings", "wagtaildocs"):
        app_config = apps.get_app_config(label)
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _created = Group.objects.get_or_create(name="Coordinators")
    codenames = [f"{action}_{model}" for model in MODELS for action in ("add", "change", "view")]
    group.permissions.add(
        *Permission.objects.filter(content_type__app_label="meetings", codename__in=codenames)
    )
    Collection = apps.get_model("wagtailcore", "Collection")
    GroupCollectionPermission = apps.get_model("wagtailcore", "GroupCollectionPermission")
    root = Collection.objects.filter(depth=1).first()
    if root is None:
        return
    for codename in ("add_document", "choose_document"):
        permission = Permission.objects.filter(content_type__app_label="wagtaildocs", codename=codename).first()
        if permission:
            GroupCollectionPermission.objects.get_or_create(group=group, collection=root, permission=permission)


class Migration(migrations.Migration):
    dependencies = [
        ("meetings", "0001_initial"),
        ("portal", "0002_coordinators_group"),
        ("wagtaildocs", "0014_alter_document_file_size"),
        ("wagtailcore", "0066_collection_management_permissions"),
    ]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
