"""The development area becomes a foreign key to actionplan.DevelopmentArea (keyed by its code, so the
stored values map one to one: knowledge, children, collaboration), and a consultation may be about an
activity of the action plan.

Done in steps so that no value is lost: a new nullable key, a data step that copies each stored code
(refusing a value that is not one of the areas), the old column dropped, the new one renamed and made
required."""

import django.db.models.deletion
from django.db import migrations, models

MAPPING = {"knowledge": "knowledge", "children": "children", "collaboration": "collaboration"}


def forwards(apps, schema_editor):
    Consultation = apps.get_model("consultations", "Consultation")
    Area = apps.get_model("actionplan", "DevelopmentArea")
    known = set(Area.objects.values_list("code", flat=True))
    for value in Consultation.objects.values_list("development_area_old", flat=True).distinct():
        code = MAPPING.get(value)
        if code not in known:
            raise ValueError(f"Consultations have an unknown development area {value!r}; map it first.")
        Consultation.objects.filter(development_area_old=value).update(development_area_id=code)


def backwards(apps, schema_editor):
    Consultation = apps.get_model("consultations", "Consultation")
    for code in Consultation.objects.values_list("development_area_id", flat=True).distinct():
        Consultation.objects.filter(development_area_id=code).update(development_area_old=code)


class Migration(migrations.Migration):
    dependencies = [
        ("consultations", "0003_page_indexes"),
        ("actionplan", "0002_areas_and_rights_focus_areas"),
    ]

    operations = [
        migrations.RenameField("consultation", "development_area", "development_area_old"),
        migrations.AlterField(
            model_name="consultation",
            name="development_area_old",
            field=models.CharField(max_length=20, blank=True, default=""),
        ),
        migrations.AddField(
            model_name="consultation",
            name="development_area",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="consultations",
                to="actionplan.developmentarea",
                to_field="code",
                verbose_name="development area",
            ),
        ),
        migrations.RunPython(forwards, backwards),
        migrations.RemoveField("consultation", "development_area_old"),
        migrations.AlterField(
            model_name="consultation",
            name="development_area",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="consultations",
                to="actionplan.developmentarea",
                to_field="code",
                verbose_name="development area",
            ),
        ),
        migrations.AddField(
            model_name="consultation",
            name="activity",
            field=models.ForeignKey(
                blank=True,
                help_text="Optional: the action plan's activity this consultation is about (a draft activity).",
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="consultations",
                to="actionplan.activitypage",
                verbose_name="activity",
            ),
        ),
    ]
