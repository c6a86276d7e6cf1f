from allauth.account.adapter import DefaultAccountAdapter
from django.utils import translation


class AccountAdapter(DefaultAccountAdapter):
    """Identity only: keeps the user's language in step with the interface they signed up in."""

    def save_user(self, request, user, form, commit=True):
        user = super().save_user(request, user, form, commit=False)
        language = translation.get_language() or "sv"
        user.preferred_language = "en" if language.startswith("en") else "sv"
        if commit:
            user.save()
        return user
