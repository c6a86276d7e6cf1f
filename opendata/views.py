"""The open-data pages: the downloads with their data dictionary, the DCAT-AP-SE description, and the
documentation of the OParl API."""

from django.conf import settings
from django.core.cache import cache
from django.core.files.storage import default_storage
from django.http import FileResponse, Http404
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.dateparse import parse_datetime
from django.views.decorators.http import require_safe

from . import datasets

FORMATS = {"csv": "text/csv; charset=utf-8", "json": "application/json; charset=utf-8"}
BUILD_LOCK = "opendata:build-lock"


def _catalogue() -> dict | None:
    """The files as the last build left them; built now when there are none yet (a new installation, before
    beat's first run). A lock keeps two requests from building at once."""
    found = datasets.catalogue()
    if found is None and cache.add(BUILD_LOCK, 1, timeout=120):
        try:
            found = datasets.build_all()
        finally:
            cache.delete(BUILD_LOCK)
    return found


@require_safe
def index(request):
    catalogue = _catalogue() or {"datasets": {}}
    rows = [
        {"dataset": dataset, "built": catalogue["datasets"].get(name)}
        for name, dataset in datasets.DATASETS.items()
    ]
    return TemplateResponse(
        request,
        "opendata/index.html",
        {
            "datasets": rows,
            "generated": parse_datetime(catalogue["generated"]) if catalogue.get("generated") else None,
            "license_url": settings.OPENDATA_LICENSE_URL,
            "license_name": settings.OPENDATA_LICENSE_NAME,
        },
    )


@require_safe
def api(request):
    return TemplateResponse(
        request,
        "opendata/api.html",
        {
            "entry": request.build_absolute_uri(reverse("oparl:system")),
            "page_size": settings.OPARL_PAGE_SIZE,
            "max_page_size": settings.OPARL_MAX_PAGE_SIZE,
            "rate_limit": settings.OPARL_RATE_LIMIT_PER_MINUTE,
            "cache_seconds": settings.OPARL_CACHE_SECONDS,
            "license_url": settings.OPENDATA_LICENSE_URL,
            "license_name": settings.OPENDATA_LICENSE_NAME,
        },
    )


@require_safe
def download(request, dataset, fmt):
    if dataset not in datasets.DATASETS or fmt not in FORMATS:
        raise Http404
    if _catalogue() is None:
        raise Http404
    name = datasets.DATASETS[dataset].filename(fmt)
    if not default_storage.exists(name):
        raise Http404
    response = FileResponse(default_storage.open(name), content_type=FORMATS[fmt])
    response["Content-Disposition"] = f'inline; filename="{dataset}.{fmt}"'
    response["Access-Control-Allow-Origin"] = "*"
    response["Cache-Control"] = "public, max-age=600"
    return response


@require_safe
def dcat(request):
    catalogue = _catalogue() or {"datasets": {}, "generated": None}
    return TemplateResponse(
        request,
        "opendata/dcat.rdf",
        {
            "catalogue_url": request.build_absolute_uri(reverse("opendata:index")),
            "site_url": request.build_absolute_uri("/"),
            "datasets": [
                {
                    "dataset": dataset,
                    "built": catalogue["datasets"].get(name, {}),
                    "page": request.build_absolute_uri(reverse("opendata:index")) + f"#{name}",
                    "csv": request.build_absolute_uri(reverse("opendata:download", args=[name, "csv"])),
                    "json": request.build_absolute_uri(reverse("opendata:download", args=[name, "json"])),
                }
                for name, dataset in datasets.DATASETS.items()
            ],
            "generated": catalogue.get("generated"),
            "license_url": settings.OPENDATA_LICENSE_URL,
            "api": request.build_absolute_uri(reverse("oparl:system")),
        },
        content_type="application/rdf+xml; charset=utf-8",
    )
