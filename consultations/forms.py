"""Forms check the shape of what is sent; the services check the rules."""

from django import forms
from django.utils.translation import gettext_lazy as _

from organisations.models import FocusArea

from .models import (
    ANSWER_MAX_LENGTH,
    COMMENT_MAX_LENGTH,
    RATIONALE_MAX_LENGTH,
    REASON_MAX_LENGTH,
    RESPONSE_TEXT_MAX_LENGTH,
    Export,
    Mark,
)


class PortalForm(forms.Form):
    required_css_class = "required"
    error_css_class = "has-error"


class FilterForm(forms.Form):
    area = forms.ChoiceField(
        label=_("Development area"),
        required=False,
    )
    focus = forms.ChoiceField(label=_("Focus area"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        from actionplan.models import DevelopmentArea

        self.fields["area"].choices = [("", _("All development areas"))] + [
            (area.code, area.localized_name) for area in DevelopmentArea.cached()
        ]
        self.fields["focus"].choices = [("", _("All focus areas"))] + [
            (area.slug, area.localized_name) for area in FocusArea.objects.order_by("order", "name_sv")
        ]


class CommentForm(PortalForm):
    text = forms.CharField(
        label=_("Your comment"),
        widget=forms.Textarea(attrs={"rows": 5, "maxlength": COMMENT_MAX_LENGTH}),
        help_text=_("Plain text, at most %(max)s characters.") % {"max": COMMENT_MAX_LENGTH},
        strip=False,
    )
    organisation = forms.TypedChoiceField(label=_("Speaking for"), coerce=int)
    section = forms.CharField(required=False, widget=forms.HiddenInput)
    parent = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, organisations=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].choices = [(org.pk, org.name) for org in organisations]
        if len(organisations) == 1:
            self.fields["organisation"].widget = forms.HiddenInput()
            self.fields["organisation"].initial = organisations[0].pk


class CommentEditForm(PortalForm):
    text = forms.CharField(
        label=_("Your comment"),
        widget=forms.Textarea(attrs={"rows": 6, "maxlength": COMMENT_MAX_LENGTH}),
        strip=False,
    )


class ReasonForm(PortalForm):
    reason = forms.CharField(
        label=_("Reason"),
        widget=forms.Textarea(attrs={"rows": 3, "maxlength": REASON_MAX_LENGTH}),
        strip=False,
    )


class ReportForm(ReasonForm):
    reason = forms.CharField(
        label=_("What is wrong with the comment?"),
        widget=forms.Textarea(attrs={"rows": 3, "maxlength": REASON_MAX_LENGTH}),
        strip=False,
    )


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": ".pdf,.docx,.odt"}))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(item, initial) for item in data if item]
        return [single(data, initial)] if data else []


class ResponseForm(PortalForm):
    revision = forms.IntegerField(widget=forms.HiddenInput)
    text = forms.CharField(
        label=_("The organisation's response"),
        required=False,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 12, "maxlength": RESPONSE_TEXT_MAX_LENGTH}),
        help_text=_("Plain text. Answer the guiding questions above, and add anything else here."),
    )
    files = MultipleFileField(
        label=_("Add attachments"),
        required=False,
        help_text=_("PDF, DOCX or ODT, at most 10 MB each."),
    )

    def __init__(self, *args, questions=(), attachments=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.questions = list(questions)
        self.attachments = list(attachments)
        answer_fields = {}
        for question in self.questions:
            answer_fields[f"answer_{question.pk}"] = forms.CharField(
                label=question.text,
                required=False,
                strip=False,
                widget=forms.Textarea(attrs={"rows": 5, "maxlength": ANSWER_MAX_LENGTH}),
            )
        # Questions first, then the free text and the files.
        self.fields = {**answer_fields, **self.fields}
        if self.attachments:
            self.fields["remove"] = forms.TypedMultipleChoiceField(
                label=_("Remove attachments"),
                required=False,
                coerce=int,
                choices=[(a.pk, a.name) for a in self.attachments],
                widget=forms.CheckboxSelectMultiple,
            )

    def answers(self) -> dict[int, str]:
        return {q.pk: self.cleaned_data.get(f"answer_{q.pk}", "") for q in self.questions}


class SubmitForm(PortalForm):
    revision = forms.IntegerField(widget=forms.HiddenInput)
    confirm = forms.BooleanField(
        label=_("I confirm that this is my organisation's formal response and that I may submit it."),
    )


class OutcomeForm(PortalForm):
    summary = forms.CharField(
        label=_("Summary of the outcome"),
        required=False,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_("What the city decided, and how the input changed the activity."),
    )

    def __init__(self, *args, sections=(), comments=(), responses=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.sections = list(sections)
        self.comment_rows = []
        self.response_rows = []
        mark_choices = [("", _("Not marked")), *Mark.choices]
        for section in self.sections:
            self.fields[f"section_{section.pk}"] = forms.CharField(
                label=section.heading, required=False, strip=False, widget=forms.Textarea(attrs={"rows": 4})
            )
        for kind, items, rows in (
            ("comment", comments, self.comment_rows),
            ("response", responses, self.response_rows),
        ):
            for item in items:
                mark_name, rationale_name = f"{kind}_{item.pk}_mark", f"{kind}_{item.pk}_rationale"
                self.fields[mark_name] = forms.ChoiceField(
                    label=_("Mark"), required=False, choices=mark_choices
                )
                self.fields[rationale_name] = forms.CharField(
                    label=_("Rationale"),
                    required=False,
                    strip=False,
                    widget=forms.Textarea(attrs={"rows": 2, "maxlength": RATIONALE_MAX_LENGTH}),
                )
                rows.append((item, self[mark_name], self[rationale_name]))

    def section_fields(self):
        return [(section, self[f"section_{section.pk}"]) for section in self.sections]

    def section_texts(self) -> dict[int, str]:
        return {s.pk: self.cleaned_data.get(f"section_{s.pk}", "") for s in self.sections}

    def marks(self) -> dict:
        result = {}
        for kind, rows in (("comment", self.comment_rows), ("response", self.response_rows)):
            for item, _mark, _rationale in rows:
                result[(kind, item.pk)] = (
                    self.cleaned_data.get(f"{kind}_{item.pk}_mark", ""),
                    self.cleaned_data.get(f"{kind}_{item.pk}_rationale", ""),
                )
        return result


class ExportForm(forms.Form):
    kind = forms.ChoiceField(choices=Export.Kind.choices)
