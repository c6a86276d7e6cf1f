from django.urls import reverse

from portal.two_factor import redirect_to_totp_setup, requires_two_factor, user_has_totp


class TwoFactorAdminMiddleware:
    """Sends coordinators, staff and site admins without a TOTP authenticator from the Wagtail admin
    to the page where they set one up. Runs after authentication; other pages are not affected."""

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
            return redirect_to_totp_setup(request)
        return self.get_response(request)
