from allauth.account.adapter import DefaultAccountAdapter
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
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
