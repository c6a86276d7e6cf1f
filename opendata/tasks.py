"""Celery tasks of the open data: thin wrappers around `opendata.datasets` and `opendata.archive`."""

from celery import shared_task
from django.utils import translation


@shared_task(name="opendata.rebuild", ignore_result=True)
def rebuild() -> int:
    """Beat, hourly: writes every open-data file again from the database. Safe to run twice (each run
    replaces the files; a download never sees a half-written file as the catalogue is written last)."""
    from . import datasets

    with translation.override("sv"):
        return len(datasets.build_all()["datasets"])
