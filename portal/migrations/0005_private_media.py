from django.conf import settings
from django.db import migrations

import portal.private_media

# Wagtail documents (members-only meeting documents among them) and people's data exports used to be
# stored under MEDIA_ROOT (exports in its private/exports folder), which a web server that serves the
# media folder hands out to anyone. They move, names unchanged, to PRIVATE_MEDIA_ROOT: documents to
# documents/, exports to PRIVACY_EXPORT_DIR. Safe to run again: moved or missing files are skipped.
_OLD_EXPORT_DIR = "private/exports"


def _document_names(apps):
    document = apps.get_model("wagtaildocs", "Document")
    return document.objects.exclude(file="").values_list("file", flat=True).iterator()


def _export_moves(apps, reverse):
    import shutil
    from pathlib import Path

    export = apps.get_model("portal", "DataExport")
    old_root = Path(settings.MEDIA_ROOT) / _OLD_EXPORT_DIR
    new_root = Path(settings.PRIVATE_MEDIA_ROOT) / settings.PRIVACY_EXPORT_DIR
    if reverse:
        old_root, new_root = new_root, old_root
    for name in export.objects.exclude(file="").values_list("file", flat=True).iterator():
        source, target = old_root / name, new_root / name
        if source.is_file() and not target.exists():
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.move(str(source), str(target))


def move_files(apps, schema_editor):
    portal.private_media.move_to_private(_document_names(apps))
    _export_moves(apps, reverse=False)


def move_files_back(apps, schema_editor):
    portal.private_media.move_to_private(_document_names(apps), reverse=True)
    _export_moves(apps, reverse=True)


class Migration(migrations.Migration):
    dependencies = [
        ("portal", "0004_privacy"),
        ("wagtaildocs", "0014_alter_document_file_size"),
    ]

    operations = [migrations.RunPython(move_files, move_files_back, elidable=True)]
