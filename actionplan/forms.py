"""Forms check the shape of input; the services check the rules."""

from django import forms
from django.utils.translation import gettext_lazy as _

from organisations.forms import AccessibleFormMixin, FocusAreaChoiceField
from organisations.models import FocusArea

from .models import FORMS_OF_RACISM, ActivityPage, CityDistrict, DevelopmentArea, Setting
from .validation import find_personal_details, find_personnummer

PNR_MESSAGE = _(
    "Remove the personal identity number (personnummer). Input is about patterns, never about one "
    "person, so the portal does not accept identity numbers."
)


class ActivityChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.title


class AreaChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.number}. {obj.localized_name}"


class KnowledgeInputForm(AccessibleFormMixin, forms.Form):
    organisation = forms.ChoiceField(label=_("Organisation"))
    activity = ActivityChoiceField(
        label=_("Activity"),
        required=False,
        queryset=ActivityPage.objects.none(),
        empty_label=_("No single activity"),
    )
    area = AreaChoiceField(
        label=_("Development area"),
        required=False,
        queryset=DevelopmentArea.objects.all(),
        empty_label=_("Choose one if no activity fits"),
    )
    forms_of_racism = FocusAreaChoiceField(
        label=_("Forms of racism"),
        required=False,
        queryset=FocusArea.objects.filter(slug__in=FORMS_OF_RACISM),
        widget=forms.CheckboxSelectMultiple,
    )
    settings = forms.MultipleChoiceField(
        label=_("Where it happens"),
        required=False,
        choices=Setting.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    city_districts = forms.MultipleChoiceField(
        label=_("City districts"),
        required=False,
        choices=CityDistrict.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    text = forms.CharField(
        label=_("What your members and the people you meet experience"),
        max_length=8000,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_(
            "Describe patterns and situations. Do not write names, contact details or identity numbers."
        ),
    )
    suggestions = forms.CharField(
        label=_("Your suggestions to the city"),
        max_length=4000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    confirm_no_personal_details = forms.BooleanField(
        label=_("I have checked the text: it names no person and gives no contact details."), required=False
    )

    def __init__(self, *args, organisations=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].choices = [(str(o.pk), o.name) for o in organisations]
        self.fields["activity"].queryset = (
            ActivityPage.objects.live().filter(locale__language_code="sv").order_by("path")
        )
        self.warnings: list[str] = []

    def clean(self):
        data = super().clean()
        for name in ("text", "suggestions"):
            if find_personnummer(data.get(name, "")):
                self.add_error(name, PNR_MESSAGE)
        if not data.get("activity") and not data.get("area"):
            self.add_error("area", _("Choose an activity or a development area."))
        if not self.errors:
            self.warnings = find_personal_details(f"{data.get('text', '')}\n{data.get('suggestions', '')}")
            if self.warnings and not data.get("confirm_no_personal_details"):
                self.add_error(
                    "confirm_no_personal_details",
                    _("Check the text before you send it, and tick the box when it is fine."),
                )
        return data
