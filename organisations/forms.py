"""Forms check the shape of input; the services check the rules."""

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import FocusArea, JoinRequest, Membership, Organisation
from .validators import compact_org_number, validate_org_number


class AccessibleFormMixin:
    """Marks invalid fields with aria-invalid and links each field to its help text and errors, which
    the templates render with the ids `<id>-help` and `<id>-errors`."""

    def full_clean(self):
        super().full_clean()
        self._set_aria()

    def _set_aria(self):
        # `_errors` rather than `errors`: reading `errors` would validate the form before __init__ ends.
        errors = self._errors or {}
        for name, field in self.fields.items():
            bound = self[name]
            described = []
            if field.help_text:
                described.append(f"{bound.auto_id}-help")
            if name in errors:
                described.append(f"{bound.auto_id}-errors")
                field.widget.attrs["aria-invalid"] = "true"
            else:
                field.widget.attrs.pop("aria-invalid", None)
            if described:
                field.widget.attrs["aria-describedby"] = " ".join(described)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._set_aria()
        for field in self.fields.values():
            if field.required and not isinstance(field.widget, forms.CheckboxSelectMultiple):
                field.widget.attrs.setdefault("required", True)


class FocusAreaChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return obj.localized_name


class OrganisationForm(AccessibleFormMixin, forms.ModelForm):
    focus_areas = FocusAreaChoiceField(
        label=_("Focus areas"),
        queryset=FocusArea.objects.all(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=_("Choose the forms of racism and target groups that your organisation works with."),
    )
    website = forms.URLField(
        label=_("Website (optional)"),
        required=False,
        assume_scheme="https",
        widget=forms.URLInput(attrs={"autocomplete": "url"}),
    )
    listed_publicly = forms.BooleanField(
        label=_("Show the organisation in the public directory"),
        required=False,
        help_text=_(
            "Anyone can then see its name, description, focus areas and the public contact details below. "
            "The names of your members are never shown. You can withdraw your consent at any time."
        ),
    )

    class Meta:
        model = Organisation
        fields = [
            "name",
            "org_number",
            "kind",
            "focus_areas",
            "description",
            "city_districts",
            "website",
            "public_email",
            "phone",
            "logo",
            "listed_publicly",
        ]
        labels = {
            "name": _("Name of the organisation"),
            "org_number": _("Organisation number (optional)"),
            "kind": _("Kind of organisation"),
            "description": _("What the organisation does"),
            "public_email": _("Public e-mail address (optional)"),
            "phone": _("Public phone number (optional)"),
            "city_districts": _("City districts (optional)"),
            "logo": _("Logo (optional)"),
        }
        help_texts = {
            "org_number": _("Ten digits, written NNNNNN-NNNN. Leave empty if your organisation has none."),
        }
        widgets = {
            "name": forms.TextInput(attrs={"autocomplete": "organization"}),
            "org_number": forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
            "description": forms.Textarea(attrs={"rows": 5}),
            "public_email": forms.EmailInput(attrs={"autocomplete": "email"}),
            "phone": forms.TextInput(attrs={"autocomplete": "tel", "inputmode": "tel"}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [("", _("Choose…"))] + list(Organisation.Kind.choices)
        self.fields["logo"].widget.attrs["accept"] = "image/png,image/jpeg,image/webp"
        # The form field accepts the number as people write it; `clean_org_number` checks and compacts it.
        self.fields["org_number"].max_length = 20
        self.fields["org_number"].validators = []
        self.fields["org_number"].widget.attrs["maxlength"] = "20"
        if self.instance.org_number and not self.is_bound:
            self.initial["org_number"] = self.instance.org_number_display
        self.duplicate = None

    def clean_org_number(self):
        value = self.cleaned_data.get("org_number", "")
        validate_org_number(value)
        return compact_org_number(value)

    def clean_logo(self):
        logo = self.cleaned_data.get("logo")
        if logo and getattr(logo, "size", 0) > 2 * 1024 * 1024:
            raise forms.ValidationError(_("The logo may be at most 2 MB."))
        return logo

    def _post_clean(self):
        # The services validate the model; the form only checks the shape, and names a duplicate so
        # that the page can link to the existing organisation.
        from .services import duplicate_error, find_duplicate

        duplicate = find_duplicate(
            name=self.cleaned_data.get("name", ""),
            org_number=self.cleaned_data.get("org_number", ""),
            exclude_pk=self.instance.pk,
        )
        if duplicate:
            self.duplicate = duplicate[1]
            self.add_error(None, duplicate_error(*duplicate))

    def profile_data(self) -> dict:
        data = {k: v for k, v in self.cleaned_data.items() if k != "focus_areas"}
        if "logo" in data and data["logo"] is None:
            data.pop("logo")
        return data


class RejectForm(AccessibleFormMixin, forms.Form):
    reason = forms.CharField(
        label=_("Reason for rejecting"),
        widget=forms.Textarea(attrs={"rows": 5}),
        max_length=4000,
        help_text=_("The applicant receives this text by e-mail."),
    )


class WithdrawForm(AccessibleFormMixin, forms.Form):
    reason = forms.CharField(
        label=_("Why is the organisation leaving? (optional)"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=4000,
        required=False,
        help_text=_("Only the city's coordinators see this. It helps them improve the portal."),
    )


class ApproveForm(AccessibleFormMixin, forms.Form):
    message = forms.CharField(
        label=_("Note (optional, kept in the status history)"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=4000,
        required=False,
    )


class InvitationForm(AccessibleFormMixin, forms.Form):
    email = forms.EmailField(
        label=_("E-mail address"), widget=forms.EmailInput(attrs={"autocomplete": "off"})
    )
    role = forms.ChoiceField(label=_("Role"), choices=Membership.Role.choices, initial=Membership.Role.MEMBER)

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("prefix", "invite")
        super().__init__(*args, **kwargs)


class RoleForm(AccessibleFormMixin, forms.Form):
    role = forms.ChoiceField(label=_("Role"), choices=Membership.Role.choices)


class JoinRequestForm(AccessibleFormMixin, forms.ModelForm):
    class Meta:
        model = JoinRequest
        fields = ["message"]
        labels = {"message": _("Message to the organisation's administrators (optional)")}
        help_texts = {
            "message": _("For example, who you are and how you take part in the organisation's work.")
        }
        widgets = {"message": forms.Textarea(attrs={"rows": 4})}


class DirectoryFilterForm(forms.Form):
    q = forms.CharField(label=_("Search by name"), required=False, max_length=200)
    focus_area = forms.ModelChoiceField(
        label=_("Focus area"),
        queryset=FocusArea.objects.all(),
        required=False,
        to_field_name="slug",
        empty_label=_("All focus areas"),
    )
    kind = forms.ChoiceField(label=_("Kind of organisation"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [("", _("All kinds"))] + list(Organisation.Kind.choices)
        self.fields["focus_area"].label_from_instance = lambda obj: obj.localized_name
        self.fields["q"].widget.attrs["type"] = "search"


class StatusFilterForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), required=False)
    q = forms.CharField(label=_("Search by name"), required=False, max_length=200)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["status"].choices = [("", _("All statuses"))] + list(Organisation.Status.choices)
