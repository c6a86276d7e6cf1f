"""The plan's three development areas (their codes are the values consultations stored before) and the
three focus areas of the human-rights programme."""

from django.db import migrations

AREAS = [
    ("knowledge", 1, "Mer kunskap om rasism och diskriminering", "More knowledge about racism and discrimination"),
    ("children", 2, "Förebygga rasism mot barn och unga", "Preventing racism against children and young people"),
    ("collaboration", 3, "Starkare samverkan med civilsamhället", "Stronger collaboration with civil society"),
]
RIGHTS = [
    ("knowledge", "Kunskap och information", "Knowledge and information"),
    ("welfare", "Välfärd och service", "Welfare and services"),
    ("participation", "Delaktighet och inflytande", "Participation and influence"),
]


def create(apps, schema_editor):
    Area = apps.get_model("actionplan", "DevelopmentArea")
    for code, number, name_sv, name_en in AREAS:
        Area.objects.update_or_create(code=code, defaults={"number": number, "name_sv": name_sv, "name_en": name_en})
    Rights = apps.get_model("actionplan", "RightsFocusArea")
    for order, (code, name_sv, name_en) in enumerate(RIGHTS, start=1):
        Rights.objects.update_or_create(code=code, defaults={"order": order, "name_sv": name_sv, "name_en": name_en})


class Migration(migrations.Migration):
    dependencies = [("actionplan", "0001_initial")]
    operations = [migrations.RunPython(create, migrations.RunPython.noop)]
