"""Forms check the shape of input; the services check the rules."""

from django import forms
from django.contrib.auth import get_user_model
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from organisations.models import Membership, Organisation
from portal.widgets import LongSelect, offer_long_list

from .models import ActionItem, AgendaItem, Decision, Invitation, Meeting, Minutes

DATETIME_FORMAT = "%Y-%m-%dT%H:%M"


class DateTimeLocalInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format=DATETIME_FORMAT)


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%d")


class MeetingForm(forms.ModelForm):
    invited_organisations = forms.ModelMultipleChoiceField(
        label=_("Invited organisations"),
        queryset=Organisation.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Used when not all approved organisations are invited."),
    )

    class Meta:
        model = Meeting
        fields = [
            "title",
            "kind",
            "start",
            "end",
            "place",
            "online_link",
            "description",
            "is_public",
            "invite_all_approved",
            "rsvp_deadline",
        ]
        widgets = {
            "start": DateTimeLocalInput(),
            "end": DateTimeLocalInput(),
            "rsvp_deadline": DateTimeLocalInput(),
            "description": forms.Textarea(attrs={"rows": 5}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["invited_organisations"].queryset = Organisation.objects.approved().order_by("name")
        if self.instance.pk and not self.is_bound:
            self.initial["invited_organisations"] = list(
                self.instance.invitations.values_list("organisation_id", flat=True)
            )


class AgendaItemForm(forms.ModelForm):
    class Meta:
        model = AgendaItem
        fields = [
            "number",
            "title",
            "description",
            "presenter",
            "planned_minutes",
            "is_public",
            "consultation",
        ]
        widgets = {"description": forms.Textarea(attrs={"rows": 2})}

    def has_changed(self):
        # An empty extra row whose "public" box was unticked is still an empty row.
        if not self.instance.pk:
            return bool(set(self.changed_data) - {"is_public"})
        return super().has_changed()


AgendaItemFormSet = forms.inlineformset_factory(
    Meeting,
    AgendaItem,
    form=AgendaItemForm,
    extra=3,
    can_delete=True,
    fk_name="meeting",
)


class CancelForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason (shown to the invited)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class RSVPForm(forms.Form):
    answer = forms.ChoiceField(
        label=_("Will your organisation attend?"),
        choices=[(Invitation.Answer.ATTENDING, _("Yes, we attend")), (Invitation.Answer.DECLINED, _("No"))],
        widget=forms.RadioSelect,
    )
    attendees = forms.ModelMultipleChoiceField(
        label=_("Who attends"),
        queryset=get_user_model().objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    needs = forms.CharField(
        label=_("Needs for access or interpretation"),
        help_text=_(
            "Only the city's coordinators see this, so it is not shown here again. "
            "Write it again if you change the answer."
        ),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, organisation: Organisation, invitation: Invitation | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.organisation = organisation
        self.fields["attendees"].queryset = (
            get_user_model()
            .objects.filter(
                memberships__organisation=organisation, memberships__ended__isnull=True, is_active=True
            )
            .order_by("display_name", "email")
        )
        self.fields["attendees"].label_from_instance = lambda user: user.get_display_name()
        # The needs are not filled in again: only coordinators may read them.
        if invitation is not None and not self.is_bound and invitation.answer != Invitation.Answer.NONE:
            self.initial.update(
                {
                    "answer": invitation.answer,
                    "attendees": [u.pk for u in invitation.attendees.all()],
                }
            )


class AttendanceForm(forms.Form):
    organisations = forms.ModelMultipleChoiceField(
        label=_("Organisations present"),
        queryset=Organisation.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    people = forms.ModelMultipleChoiceField(
        label=_("People present"),
        queryset=get_user_model().objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    names = forms.CharField(
        label=_("Others present"),
        help_text=_("One name per line, for example city staff or guests."),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, meeting: Meeting, **kwargs):
        super().__init__(*args, **kwargs)
        organisations = Organisation.objects.approved()
        if not meeting.invite_all_approved:
            organisations = organisations.filter(meeting_invitations__meeting=meeting)
        self.fields["organisations"].queryset = organisations.order_by("name")
        self.fields["people"].queryset = (
            get_user_model()
            .objects.filter(Q(meeting_rsvps__meeting=meeting) | Q(meeting_attendances__meeting=meeting))
            .distinct()
            .order_by("display_name", "email")
        )
        self.fields["people"].label_from_instance = lambda user: user.get_display_name()

    def clean_names(self):
        return [line.strip() for line in self.cleaned_data["names"].splitlines() if line.strip()]


class MinutesForm(forms.Form):
    """General notes plus a note and a decision for each agenda item (fields named after the item's id)."""

    introduction = forms.CharField(
        label=_("General notes"), required=False, max_length=10000, widget=forms.Textarea(attrs={"rows": 4})
    )

    def __init__(self, *args, minutes: Minutes, agenda: list[dict], **kwargs):
        super().__init__(*args, **kwargs)
        self.agenda = agenda
        self.initial.setdefault("introduction", minutes.introduction)
        for row in agenda:
            item = row["item"]
            note, decision = row["note"], row["decision"]
            self.fields[f"note_{item.pk}"] = forms.CharField(
                label=_("Notes"),
                required=False,
                max_length=20000,
                widget=forms.Textarea(attrs={"rows": 4}),
                initial=note.text if note else "",
            )
            self.fields[f"decision_{item.pk}"] = forms.CharField(
                label=_("Decision"),
                required=False,
                max_length=5000,
                widget=forms.Textarea(attrs={"rows": 2}),
                initial=decision.text if decision else "",
            )
            self.fields[f"result_{item.pk}"] = forms.ChoiceField(
                label=_("Result"),
                choices=Decision.Result.choices,
                initial=decision.result if decision else Decision.Result.ADOPTED,
            )

    def rows(self):
        """Bound fields grouped per agenda item, for the template."""
        for row in self.agenda:
            pk = row["item"].pk
            yield {
                **row,
                "note_field": self[f"note_{pk}"],
                "decision_field": self[f"decision_{pk}"],
                "result_field": self[f"result_{pk}"],
            }

    def notes(self) -> dict[int, str]:
        return {row["item"].pk: self.cleaned_data[f"note_{row['item'].pk}"] for row in self.agenda}

    def decisions(self) -> dict[int, tuple[str, str]]:
        return {
            row["item"].pk: (
                self.cleaned_data[f"decision_{row['item'].pk}"],
                self.cleaned_data[f"result_{row['item'].pk}"],
            )
            for row in self.agenda
        }


ACTIVITY_NOT_OFFERED = _(
    "Choose one of the action plan's published activities. Drafts and withdrawn activities cannot be chosen."
)


def _offer_published_activities(field) -> None:
    """The activity choice offers the action plan's published activities, by their Swedish pages (links
    point at those; the activity page shows its items in both languages)."""
    activities = ActionItem._meta.get_field("activity").related_model.objects
    field.queryset = activities.live().filter(locale__language_code="sv").order_by("path")
    field.empty_label = _("No activity")
    field.error_messages["invalid_choice"] = ACTIVITY_NOT_OFFERED


class ActionItemForm(forms.ModelForm):
    class Meta:
        model = ActionItem
        fields = [
            "description",
            "agenda_item",
            "responsible_organisation",
            "responsible_unit",
            "responsible_person",
            "due_date",
            "activity",
        ]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 2}),
            "due_date": DateInput(),
            "activity": LongSelect,
        }

    def __init__(self, *args, meeting: Meeting, **kwargs):
        super().__init__(*args, **kwargs)
        _offer_published_activities(self.fields["activity"])
        self.fields["agenda_item"].queryset = meeting.agenda_items.order_by("sort_order", "pk")
        offer_long_list(
            self.fields["responsible_organisation"],
            Organisation.objects.approved().order_by("name"),
            label_fields=["name"],
            label_from_row=str,
        )
        org_ids = Organisation.objects.approved()
        if not meeting.invite_all_approved:
            org_ids = org_ids.filter(meeting_invitations__meeting=meeting)
        User = get_user_model()
        offer_long_list(
            self.fields["responsible_person"],
            User.objects.filter(
                is_active=True,
                pk__in=Membership.objects.active().filter(organisation__in=org_ids).values("user_id"),
            ).order_by("display_name", "email"),
            label_fields=User.DISPLAY_NAME_FIELDS,
            label_from_row=User.display_name_from,
        )

    def clean(self):
        data = super().clean()
        if not (
            data.get("responsible_organisation")
            or data.get("responsible_person")
            or data.get("responsible_unit")
        ):
            raise forms.ValidationError(
                _("Name who is responsible: an organisation, a city unit or a person.")
            )
        return data

    def _post_clean(self):
        # The service builds and validates the row (it needs the minutes, which the form does not set).
        pass


class ReviewForm(forms.Form):
    days = forms.IntegerField(label=_("Days for comments"), min_value=1, max_value=60, initial=7)


class PublishForm(forms.Form):
    audience = forms.ChoiceField(
        label=_("Publish to"),
        choices=Minutes.Audience.choices,
        widget=forms.RadioSelect,
        initial=Minutes.Audience.MEMBERS,
    )


class CorrectionForm(forms.Form):
    text = forms.CharField(label=_("Correction"), max_length=5000, widget=forms.Textarea(attrs={"rows": 3}))


class MinutesCommentForm(forms.Form):
    agenda_item = forms.ModelChoiceField(
        label=_("About agenda item"),
        queryset=AgendaItem.objects.none(),
        required=False,
        empty_label=_("The minutes in general"),
    )
    text = forms.CharField(label=_("Your comment"), max_length=5000, widget=forms.Textarea(attrs={"rows": 4}))
    organisation = forms.ModelChoiceField(
        label=_("Speaking for"), queryset=Organisation.objects.none(), required=True, empty_label=None
    )

    def __init__(self, *args, meeting: Meeting, organisations=(), default_organisation=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agenda_item"].queryset = meeting.agenda_items.order_by("sort_order", "pk")
        # Only the organisations the person may speak for at this meeting; no choice when there is one.
        organisations = list(organisations)
        field = self.fields["organisation"]
        if len(organisations) > 1:
            pks = [o.pk for o in organisations]
            field.queryset = Organisation.objects.filter(pk__in=pks).order_by("name")
            field.empty_label = None if default_organisation else _("Choose an organisation")
            field.initial = default_organisation.pk if default_organisation else None
        else:
            del self.fields["organisation"]


class ActionItemUpdateForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=ActionItem.Status.choices)
    comment = forms.CharField(
        label=_("Comment"), required=False, max_length=3000, widget=forms.Textarea(attrs={"rows": 3})
    )


class ActionItemActivityForm(forms.ModelForm):
    """A coordinator files an action item under an activity of the action plan (also after approval)."""

    class Meta:
        model = ActionItem
        fields = ["activity"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _offer_published_activities(self.fields["activity"])

    def _post_clean(self):
        # The service sets and validates the link.
        pass


class ActionItemFilterForm(forms.Form):
    responsible = forms.ModelChoiceField(
        label=_("Responsible organisation"),
        queryset=Organisation.objects.none(),
        required=False,
        empty_label=_("All"),
    )
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=[("", _("All")), *ActionItem.Status.choices]
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["responsible"].queryset = (
            Organisation.objects.filter(meeting_action_items__isnull=False).distinct().order_by("name")
        )
