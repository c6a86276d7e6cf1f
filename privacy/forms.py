from django import forms
from django.utils.translation import gettext_lazy as _

from portal.forms import SignupForm as PortalSignupForm


class SignupForm(PortalSignupForm):
    """allauth's sign-up form (`ACCOUNT_SIGNUP_FORM_CLASS`): the portal's fields, and the consent to the
    current version of the privacy terms, which is stored with its time when the account is created."""

    accept_privacy = forms.BooleanField(
        label=_("I have read the privacy terms and accept them."),
        required=True,
        error_messages={"required": _("You need to accept the privacy terms to create an account.")},
    )

    field_order = [*PortalSignupForm.field_order, "accept_privacy"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        from privacy.selectors import privacy_page_url

        url = privacy_page_url()
        if url:
            from django.utils.html import format_html

            self.fields["accept_privacy"].help_text = format_html(
                '<a href="{}">{}</a>', url, _("Read how the portal handles your personal data.")
            )

    def signup(self, request, user):
        from privacy.services import consent_record

        super().signup(request, user)
        consent_record(user=user)


class ConsentForm(forms.Form):
    accept = forms.BooleanField(
        label=_("I have read the privacy terms and accept them."),
        required=True,
        error_messages={"required": _("Tick the box to accept the privacy terms, or log out.")},
    )


class AccountDeleteForm(forms.Form):
    password = forms.CharField(
        label=_("Your password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        help_text=_("To make sure it is you."),
    )
    confirm = forms.BooleanField(
        label=_("I understand that my account and my personal data will be deleted and cannot be restored."),
        required=True,
        error_messages={"required": _("Tick the box to confirm that you want to delete your account.")},
    )

    def __init__(self, *args, user, rate_limited=False, **kwargs):
        self.user = user
        self.rate_limited = rate_limited
        super().__init__(*args, **kwargs)

    def clean_password(self):
        password = self.cleaned_data.get("password", "")
        if self.rate_limited:
            # Too many attempts: the password is not even checked, so guessing it here gets nowhere.
            raise forms.ValidationError(
                _("Too many attempts. Wait a minute and try again."), code="rate_limited"
            )
        if not self.user.check_password(password):
            raise forms.ValidationError(_("The password is not correct."), code="password_incorrect")
        return password
