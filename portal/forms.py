from django import forms
from django.utils.translation import gettext_lazy as _


class SignupForm(forms.Form):
    """The portal's extra field on allauth's sign-up form: the person's name. The form allauth uses is
    `privacy.forms.SignupForm`, which adds the consent to the privacy terms (allauth calls `signup` after
    creating the user)."""

    display_name = forms.CharField(
        label=_("Your name"),
        max_length=150,
        help_text=_("Shown with what you write in the portal, for example “Anna Svensson”."),
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )

    field_order = ["display_name", "email", "password1", "password2"]

    def signup(self, request, user):
        user.display_name = self.cleaned_data["display_name"].strip()
        user.save(update_fields=["display_name"])
