"""The open-data pages: the downloads with their data dictionary, and the API's documentation."""

from django.http import Http404
from django.template.response import TemplateResponse


def index(request):
    return TemplateResponse(request, "opendata/index.html", {})


def api(request):
    return TemplateResponse(request, "opendata/api.html", {})


def dcat(request):
    raise Http404


def download(request, dataset, fmt):
    raise Http404
