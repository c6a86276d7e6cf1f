"""Form widgets shared by the apps, and the choice lists of thousands of options they are made for."""

import html

from django import forms
from django.forms.models import ModelChoiceIterator
from django.utils.safestring import mark_safe


def _escape(value) -> str:
    # conditional_escape without its lazy-string wrapper (a third of the time of a long list).
    return value.__html__() if hasattr(value, "__html__") else html.escape(str(value), quote=True)


def _attrs(attrs: dict) -> str:
    # As Django's attrs.html, in the same order: True is a bare attribute, False and None are left out.
    return "".join(
        f" {_escape(name)}" if value is True else f' {_escape(name)}="{_escape(value)}"'
        for name, value in attrs.items()
        if value is not False and value is not None
    )


class LongSelect(forms.Select):
    """A select for lists of thousands of options (every approved organisation, the members of the
    organisations invited to a meeting).

    The markup is that of Django's `select.html` and `select_option.html`, written in Python: the template
    engine costs about 0.15 ms per option (an include, a context push and the attrs loop each), which made
    a page with two such lists take over a second at the data generator's scale 1. The attributes
    (`required`, `aria-describedby`, ...) and the value are Django's `Widget.get_context`; an option is
    selected as in `ChoiceWidget.optgroups` (the first match, or every match if multiple)."""

    def render(self, name, value, attrs=None, renderer=None):
        widget = forms.Widget.get_context(self, name, value, attrs)["widget"]
        if self.allow_multiple_selected:
            widget["attrs"]["multiple"] = True
        chosen = set(widget["value"])
        state = {"found": False}

        def option(option_value, label) -> str:
            selected = (not state["found"] or self.allow_multiple_selected) and str(option_value) in chosen
            state["found"] |= selected
            flag = " selected" if selected else ""
            return f'\n  <option value="{_escape(option_value)}"{flag}>{_escape(label)}</option>'

        parts = [f'<select name="{_escape(widget["name"])}"{_attrs(widget["attrs"])}>']
        for option_value, label in self.choices:
            if isinstance(label, (list, tuple)):  # a group: (group name, [(value, label), ...])
                rows = "".join(option(v, lab) for v, lab in label)
                parts.append(f'\n  <optgroup label="{_escape(option_value)}">{rows}\n  </optgroup>')
            else:
                parts.append(option(option_value, label))
        parts.append("\n</select>")
        return mark_safe("".join(parts))


class LongCheckboxSelectMultiple(forms.CheckboxSelectMultiple):
    """CheckboxSelectMultiple for a thousand options (the organisations invited to a consultation). The
    markup of Django's `multiple_input.html`, `input_option.html` and `input.html`, written in Python from
    the same rules as Django's `ChoiceWidget.optgroups` and `create_option` (ids with the option's index,
    `checked` for every chosen value, the widget's attributes on each input) without building a context
    dictionary per option. Wagtail's edit form renders each widget twice (the form and its client-side
    panel definition), so the template engine's 0.15 ms per option cost the consultation edit page over a
    second at scale 1, and Django's per-option dictionaries another 80 ms."""

    def render(self, name, value, attrs=None, renderer=None):
        outer = self.build_attrs(self.attrs, attrs)
        chosen = set(self.format_value(value))
        inherited = dict(outer) if self.option_inherits_attrs else {}
        base_id = inherited.get("id")
        head = f'<input type="{_escape(self.input_type)}" name="{_escape(name)}"'

        def option(index, option_value, label) -> str:
            option_attrs = inherited
            selected = str(option_value) in chosen
            if selected or base_id:
                option_attrs = dict(inherited)
                if selected:
                    option_attrs.update(self.checked_attribute)
                if base_id:
                    option_attrs["id"] = self.id_for_label(base_id, index)
            value_attr = "" if option_value is None else f' value="{_escape(option_value)}"'
            field = f"{head}{value_attr}{_attrs(option_attrs)}>"
            label_for = f' for="{_escape(option_attrs["id"])}"' if option_attrs.get("id") else ""
            return f"<div>\n    <label{label_for}>{field} {_escape(label)}</label></div>"

        element_id, css = outer.get("id"), outer.get("class")
        parts = [
            "<div"
            + (f' id="{_escape(element_id)}"' if element_id else "")
            + (f' class="{_escape(css)}"' if css else "")
            + ">"
        ]
        for index, (option_value, label) in enumerate(self.choices):
            if option_value is None:
                option_value = ""
            if isinstance(label, (list, tuple)):  # a group: (group name, [(value, label), ...])
                rows = "".join(option(f"{index}_{sub}", v, lab) for sub, (v, lab) in enumerate(label))
                parts.append(f"\n  <div><label>{_escape(option_value)}</label>{rows}\n  </div>")
            else:
                parts.append(option(str(index), option_value, label))
        parts.append("\n</div>")
        return mark_safe("".join(parts))


class _RowChoiceIterator(ModelChoiceIterator):
    """The choices of a ModelChoiceField read as `values_list` rows instead of model instances (building
    5,000 users costs more than rendering them). The value is the primary key, as ModelChoiceField's own;
    validation still goes through the field's queryset."""

    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        for pk, *row in self.queryset.values_list("pk", *self.field.label_fields):
            yield (pk, self.field.label_from_row(*row))


def read_choices_as_rows(field, *, label_fields, label_from_row, queryset=None) -> None:
    """Let a ModelChoiceField (or ModelMultipleChoiceField) read its choices (`queryset`, or the field's
    own) as `values_list` rows of `label_fields`, labelled with `label_from_row(*values)`, keeping its
    widget."""
    field.iterator = _RowChoiceIterator
    field.label_fields = tuple(label_fields)
    field.label_from_row = label_from_row
    # Assigning the queryset (re)binds the widget's choices to the new iterator.
    field.queryset = field.queryset if queryset is None else queryset


def offer_long_list(field, queryset, *, label_fields, label_from_row) -> None:
    """Let a ModelChoiceField offer `queryset` (thousands of rows) as a LongSelect, labelling each option
    with `label_from_row(*values of label_fields)`."""
    if not isinstance(field.widget, LongSelect):
        field.widget = LongSelect(attrs=field.widget.attrs)
    read_choices_as_rows(field, label_fields=label_fields, label_from_row=label_from_row, queryset=queryset)
