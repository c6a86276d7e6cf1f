from urllib.parse import quote

from django.conf import settings
from django.shortcuts import redirect
from django.urls import reverse

SESSION_KEY = "privacy_terms_accepted"


class ConsentMiddleware:
    """Sends a signed-in person who has not accepted the current version of the privacy terms to the page
    where they can, before anything else. The consent and "My data" pages (one may rather export and
    delete than accept), log-out, the privacy page itself, static and media files and the health check
    stay reachable. The accepted version is remembered in the session, so the database is asked once
    per session and version."""

    EXEMPT_PREFIXES = ("/static/", "/media/", "/health/", "/favicon.ico", "/robots.txt")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and not self._accepted(request, user):
            if not self._exempt(request):
                target = reverse("privacy:consent")
                return redirect(f"{target}?next={quote(request.get_full_path())}")
        return self.get_response(request)

    def _accepted(self, request, user) -> bool:
        version = settings.PRIVACY_TERMS_VERSION
        if request.session.get(SESSION_KEY) == version:
            return True
        from privacy.services import has_current_consent

        if has_current_consent(user):
            request.session[SESSION_KEY] = version
            return True
        return False

    def _exempt(self, request) -> bool:
        path = request.path_info
        if path.startswith(self.EXEMPT_PREFIXES):
            return True
        prefixes = {reverse("privacy:home"), reverse("account_logout"), reverse("privacy:consent")}
        if any(path.startswith(p) for p in prefixes):
            return True
        from privacy.selectors import privacy_page_url

        privacy_url = privacy_page_url(request)
        return bool(privacy_url) and path.startswith(privacy_url)
