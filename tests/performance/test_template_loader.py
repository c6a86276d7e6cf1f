"""Templates are compiled once per process, in every configuration (issue 20): the cached loader."""

from django.conf import settings
from django.template import engines
from django.template.loader import get_template


def test_the_settings_leave_the_loaders_to_django():
    """Without "loaders", Django uses its cached loader whatever DEBUG says (portal/settings.py)."""
    assert all("loaders" not in backend.get("OPTIONS", {}) for backend in settings.TEMPLATES)


def test_the_cached_template_loader_is_the_only_loader():
    engine = engines["django"].engine
    assert [f"{type(loader).__module__}.{type(loader).__name__}" for loader in engine.template_loaders] == [
        "django.template.loaders.cached.Loader"
    ]


def test_a_template_is_compiled_once():
    assert get_template("base.html").template is get_template("base.html").template
