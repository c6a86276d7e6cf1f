"""Packages are streamed: building one holds a chunk of each attached file at a time, never a whole file
and never the whole package. The full-size figure (500 responses, 200 MB) is bench/archive_memory.py's;
this is its cheap guard, measured with tracemalloc (every Python allocation, the ZIP writer's included)."""

import gc
import tracemalloc
import zipfile

import pytest

from opendata.archive import build_package

from .archive_load import concluded_consultation_with_files

pytestmark = pytest.mark.django_db

FILE_SIZE = 8 * 1024 * 1024
RESPONSES = 2


def test_a_package_with_large_attachments_is_built_in_memory_smaller_than_one_attachment(tmp_path):
    consultation = concluded_consultation_with_files(responses=RESPONSES, file_size=FILE_SIZE, label="minne")
    path = tmp_path / "package.zip"
    gc.collect()
    tracemalloc.start()
    try:
        with open(path, "wb") as out:
            summary = build_package(consultation, out)
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()

    attachments = [f for f in summary["files"] if f["path"].endswith(".pdf")]
    assert len(attachments) == RESPONSES and all(f["size"] == FILE_SIZE for f in attachments)
    with zipfile.ZipFile(path) as zf:
        assert sum(i.file_size for i in zf.infolist() if i.filename.endswith(".pdf")) == RESPONSES * FILE_SIZE
    # Streamed, the peak is about 3.5–4.5 MiB whatever the files' size (2 MiB of it is there with tiny
    # files too: templates, querysets, the metadata); reading one file whole would alone take 8 MiB,
    # building the ZIP in memory 16 MiB.
    assert peak < FILE_SIZE, f"peak {peak / 2**20:.1f} MiB while packaging {RESPONSES} × 8 MiB"
