from django.db import migrations

FOCUS_AREAS = [
    ("afrofobi", "Afrofobi", "Afrophobia"),
    ("antisemitism", "Antisemitism", "Antisemitism"),
    ("antiziganism", "Antiziganism", "Antiziganism"),
    ("islamofobi", "Islamofobi", "Islamophobia"),
    ("rasism-mot-samer", "Rasism mot samer", "Racism against the Sami"),
    ("alla-former-av-rasism", "Alla former av rasism", "All forms of racism"),
    ("barn-och-unga", "Barn och unga", "Children and young people"),
]


def create_focus_areas(apps, schema_editor):
    FocusArea = apps.get_model("organisations", "FocusArea")
    for order, (slug, name_sv, name_en) in enumerate(FOCUS_AREAS, start=1):
        FocusArea.objects.update_or_create(
            slug=slug, defaults={"name_sv": name_sv, "name_en": name_en, "order": order * 10}
        )


def remove_focus_areas(apps, schema_editor):
    apps.get_model("organisations", "FocusArea").objects.filter(slug__in=[f[0] for f in FOCUS_AREAS]).delete()


class Migration(migrations.Migration):
    dependencies = [("organisations", "0001_initial")]

    operations = [migrations.RunPython(create_focus_areas, remove_focus_areas)]
