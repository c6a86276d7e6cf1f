from allauth.account.adapter import DefaultAccountAdapter
from django import forms
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import ngettext

from portal import ratelimits


class AccountAdapter(DefaultAccountAdapter):
    """Identity only: keeps the user's language in step with the interface they signed up in, and applies
    the portal's rate limits (portal/ratelimits.py)."""

    def save_user(self, request, user, form, commit=True):
        user = super().save_user(request, user, form, commit=False)
        language = translation.get_language() or "sv"
        user.preferred_language = "en" if language.startswith("en") else "sv"
        if commit:
            user.save()
        return user

    def render_mail(self, template_prefix, email, context, headers=None):
        """allauth's e-mails get an HTML part too, in the portal's layout and with `<html lang>` set, as
        every other e-mail of the portal has (allauth itself ships plain text only)."""
        message = super().render_mail(template_prefix, email, context, headers=headers)
        if isinstance(message, EmailMultiAlternatives) and not any(
            mimetype == "text/html" for _, mimetype in message.alternatives
        ):
            html = render_to_string(
                "account/email/html_message.html", {"subject": message.subject, "body": message.body}
            )
            message.attach_alternative(html, "text/html")
        return message

    # --- rate limits (portal/ratelimits.py) ---------------------------------------------------------

    def get_client_ip(self, request):
        """One reading of the client's address for allauth's limits and the portal's own."""
        return ratelimits.client_ip(request)

    def _login_account(self, credentials) -> str:
        return (credentials.get("email") or credentials.get("username") or "").strip().lower()

    def _login_user(self, account: str):
        from django.contrib.auth import get_user_model

        if not account:
            return None
        return get_user_model().objects.filter(email__iexact=account).first()

    def pre_authenticate(self, request, **credentials):
        """Per address: allauth's `login_failed` limit (ACCOUNT_RATE_LIMITS, per address only). Per account:
        a cooling period after repeated wrong passwords, except on the owner's own device or network."""
        super().pre_authenticate(request, **credentials)
        account = self._login_account(credentials)
        self._portal_usual_place = ratelimits.is_owners_usual_place(request, self._login_user(account))
        if self._portal_usual_place:
            return
        wait = ratelimits.account_wait_seconds(account)
        if wait:
            # The refused attempt still counts against the address it came from (consumed above).
            raise forms.ValidationError(
                ngettext(
                    "There have been many failed log-ins to this account. Wait %(seconds)s second and try "
                    "again, or log in on a device where you have logged in before.",
                    "There have been many failed log-ins to this account. Wait %(seconds)s seconds and try "
                    "again, or log in on a device where you have logged in before.",
                    wait,
                )
                % {"seconds": wait},
                code="too_many_login_attempts",
            )

    def authenticate(self, request, **credentials):
        user = super().authenticate(request, **credentials)
        if user is not None:
            ratelimits.account_succeeded(self._login_account(credentials))
        return user

    def authentication_failed(self, request, **credentials):
        # The owner's typing errors at home do not slow the account down for anyone.
        if not getattr(self, "_portal_usual_place", False):
            ratelimits.account_failed(self._login_account(credentials))

    def post_login(self, request, user, **kwargs):
        response = super().post_login(request, user, **kwargs)
        ratelimits.remember_device(request, response, user)
        return response

    def _delete_login_attempts_cached_email(self, request, **credentials):
        # A completed password reset (allauth's own rate-limited flow) also ends the account's cooling period.
        super()._delete_login_attempts_cached_email(request, **credentials)
        ratelimits.account_succeeded(self._login_account(credentials))
