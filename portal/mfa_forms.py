"""allauth's two-factor form at log-in with the portal's per-account slow-down (portal/ratelimits.py):
after repeated wrong codes for one account, each further try from an unknown device waits a cooling period;
the owner's own device or network is not held up. The per-address limit is allauth's (`login_failed`)."""

from allauth.core import context
from allauth.mfa.base.forms import AuthenticateForm
from django.core.exceptions import ValidationError
from django.utils.translation import ngettext

from portal import ratelimits


class TwoFactorAuthenticateForm(AuthenticateForm):
    def clean_code(self):
        request = context.request
        account = f"mfa:{self.user.pk}"
        usual = ratelimits.is_owners_usual_place(request, self.user)
        wait = 0 if usual else ratelimits.account_wait_seconds(account)
        if wait:
            raise ValidationError(
                ngettext(
                    "There have been many wrong codes for this account. "
                    "Wait %(seconds)s second and try again.",
                    "There have been many wrong codes for this account. "
                    "Wait %(seconds)s seconds and try again.",
                    wait,
                )
                % {"seconds": wait},
                code="too_many_login_attempts",
            )
        try:
            code = super().clean_code()
        except ValidationError:
            if not usual:
                ratelimits.account_failed(account)
            raise
        ratelimits.account_succeeded(account)
        return code
