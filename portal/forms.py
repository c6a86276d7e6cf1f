from django import forms
from django.utils.translation import gettext_lazy as _


class SignupForm(forms.Form):
    """Extra fields on allauth's sign-up form (allauth calls `signup` after creating the user)."""

    display_name = forms.CharField(
        label=_("Your name"),
        max_length=150,
        help_text=_("Shown with what you write in the portal, for example “Anna Svensson”."),
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )

    accept_privacy = forms.BooleanField(
        label=_("I have read the privacy terms and accept them."),
        required=True,
        error_messages={"required": _("You need to accept the privacy terms to create an account.")},
    )

    field_order = ["display_name", "email", "password1", "password2", "accept_privacy"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        from portal.privacy.selectors import privacy_page_url

        url = privacy_page_url()
        if url:
            from django.utils.html import format_html

            self.fields["accept_privacy"].help_text = format_html(
                '<a href="{}">{}</a>', url, _("Read how the portal handles your personal data.")
            )

    def signup(self, request, user):
        from portal.privacy.services import consent_record

        user.display_name = self.cleaned_data["display_name"].strip()
        user.save(update_fields=["display_name"])
        # Consent to the current version of the privacy terms, stored with its time.
        consent_record(user=user)
