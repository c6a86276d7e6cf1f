from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from notifications import registry
from notifications.registry import Frequency


class PreferencesForm(forms.Form):
    """A radio group per event type that the user may change; mandatory ones are listed, not asked."""

    def __init__(self, *args, current: dict[str, str], user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.mandatory = []
        self.events: dict[str, str] = {}
        for event_type in registry.all_event_types():
            if not event_type.email:
                continue
            # Only what this reader can receive (no coordinators' reminders for a member).
            if user is not None and not event_type.offered_to(user):
                continue
            if event_type.mandatory:
                self.mandatory.append(event_type)
                continue
            name = self.field_name(event_type.key)
            self.events[name] = event_type.key
            self.fields[name] = forms.ChoiceField(
                label=event_type.verbose_name,
                help_text=event_type.description,
                choices=Frequency.choices,
                initial=current.get(event_type.key, event_type.default_frequency),
                widget=forms.RadioSelect,
                # A type missing from the POST (e.g. registered after the page was shown) keeps its setting.
                required=False,
            )

    @staticmethod
    def field_name(event: str) -> str:
        return "event-" + event.replace(".", "-")

    def cleaned_preferences(self) -> dict[str, str]:
        return {
            event: self.cleaned_data[name]
            for name, event in self.events.items()
            if self.cleaned_data.get(name)
        }


class OrganisationContactForm(forms.Form):
    enabled = forms.BooleanField(
        label=_("Also send organisation messages to the organisation's contact address"),
        help_text=_(
            "Invitations, consultation deadlines and reminders, receipts for formal responses and "
            "decisions about the organisation. Members still get their own e-mail."
        ),
        required=False,
    )
    language = forms.ChoiceField(
        label=_("Language of these e-mails"), choices=settings.LANGUAGES, widget=forms.RadioSelect
    )
