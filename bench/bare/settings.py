"""Minimal settings for the bare comparison view (bench/bare)."""

SECRET_KEY = "bench-bare-view-not-secret-and-not-used-for-anything-at-all-0123456789"
DEBUG = False
ALLOWED_HOSTS = ["*"]
ROOT_URLCONF = "bench.bare.urls"
INSTALLED_APPS: list[str] = []
MIDDLEWARE: list[str] = []
DATABASES: dict = {}
USE_I18N = False
USE_TZ = True
