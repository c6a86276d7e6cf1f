from csp.constants import HEADER
from csp.middleware import CSPMiddleware
from django.conf import settings
from django.urls import reverse

from portal.two_factor import redirect_to_totp_setup, requires_two_factor, user_has_totp


class TwoFactorAdminMiddleware:
    """Sends everyone who may enter the Wagtail admin (coordinators, Editors, staff, site admins) and has
    no TOTP authenticator from the admin to the page where they set one up, with a message. Runs after
    authentication; other pages are not affected."""

    def __init__(self, get_response):
        self.get_response = get_response
        self._admin_prefix = None

    def __call__(self, request):
        if self._admin_prefix is None:
            self._admin_prefix = reverse("wagtailadmin_home")
        if (
            request.path.startswith(self._admin_prefix)
            and requires_two_factor(request.user)
            and not user_has_totp(request.user)
        ):
            return redirect_to_totp_setup(request, admin=True)
        return self.get_response(request)


class ContentSecurityPolicyMiddleware(CSPMiddleware):
    """django-csp's middleware with two additions.

    Wagtail's admin (under the admin URL prefix) gets `CONTENT_SECURITY_POLICY_ADMIN`: its widgets
    use inline scripts and its templates style attributes, which the public site's policy forbids.
    A response that its view marked `X-Frame-Options: SAMEORIGIN` (Wagtail's preview views, shown
    in the editor's preview panel) gets `frame-ancestors 'self'`; every other response may not be
    framed at all, matching `X_FRAME_OPTIONS = "DENY"`.
    """

    _admin_prefix = None

    def process_response(self, request, response):
        if self._is_admin(request) and HEADER in response:
            # A preview renders the page by running a dummy request for the page's own URL through
            # the whole middleware stack, which leaves the public policy on the response.
            del response[HEADER]
        return super().process_response(request, response)

    def get_policy_parts(self, request, response, report_only=False):
        parts = super().get_policy_parts(request, response, report_only=report_only)
        if report_only:
            return parts
        if parts.config is None and self._is_admin(request):
            parts.config = settings.CONTENT_SECURITY_POLICY_ADMIN["DIRECTIVES"]
        if response.get("X-Frame-Options", "").upper() == "SAMEORIGIN":
            parts.replace = {**(parts.replace or {}), "frame-ancestors": ["'self'"]}
        return parts

    def _is_admin(self, request):
        if self._admin_prefix is None:
            type(self)._admin_prefix = reverse("wagtailadmin_home")
        return request.path_info.startswith(self._admin_prefix)


class PermissionsPolicyMiddleware:
    """Sends a Permissions-Policy header built from `settings.PERMISSIONS_POLICY`, which maps a
    browser feature to the origins allowed to use it (an empty list switches the feature off)."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.header = ", ".join(
            f"{feature}=({' '.join(origins)})" for feature, origins in settings.PERMISSIONS_POLICY.items()
        )

    def __call__(self, request):
        response = self.get_response(request)
        if self.header and "Permissions-Policy" not in response:
            response["Permissions-Policy"] = self.header
        return response
