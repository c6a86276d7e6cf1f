from django.http import HttpResponse
from django.urls import path

BODY = (
    b'<!DOCTYPE html><html lang="sv"><head><meta charset="utf-8"><title>Bare</title></head>'
    b"<body><main><h1>Bare Django view</h1><p>The same gunicorn, no database.</p></main></body></html>"
)


def bare(request):
    return HttpResponse(BODY)


urlpatterns = [path("", bare)]
