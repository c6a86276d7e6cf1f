"""LongSelect writes the markup of Django's Select in Python, and offer_long_list reads a field's choices
as rows: a page with them is the same page, only faster."""

import re

import pytest
from django import forms
from django.contrib.auth import get_user_model

from portal.widgets import LongCheckboxSelectMultiple, LongSelect, offer_long_list


def _normalised(html: str) -> str:
    return re.sub(r">\s+<", "><", re.sub(r"\s+", " ", str(html))).strip()


CHOICES = [
    ("", "---------"),
    (1, "Föreningen <Bron> & co"),
    (2, 'Stiftelsen "Lika Värde"'),
    ("Grupp", [(3, "Tre"), (4, "Fyra")]),
]


@pytest.mark.parametrize("value", [None, "", 2, "4", 99])
@pytest.mark.parametrize("attrs", [None, {"id": "id_x", "required": True, "aria-describedby": "x_help"}])
def test_long_select_writes_what_djangos_select_writes(value, attrs):
    ours = LongSelect(choices=CHOICES).render("x", value, attrs=attrs)
    django_s = forms.Select(choices=CHOICES).render("x", value, attrs=attrs)
    assert _normalised(ours) == _normalised(django_s)
    assert "&lt;Bron&gt; &amp; co" in ours and "&quot;Lika Värde&quot;" in ours


def test_a_multiple_long_select_selects_every_match():
    class Multiple(LongSelect):
        allow_multiple_selected = True

    ours = Multiple(choices=CHOICES).render("x", ["1", "3"])
    django_s = forms.SelectMultiple(choices=CHOICES).render("x", ["1", "3"])
    assert _normalised(ours) == _normalised(django_s)
    assert ours.count(" selected") == 2


@pytest.mark.django_db
def test_offer_long_list_labels_rows_as_the_model_would_and_still_validates():
    User = get_user_model()
    named = User.objects.create_user(email="anna@example.org", password="x", display_name="Anna Berg")
    plain = User.objects.create_user(email="bo.ek@example.org", password="x", first_name="Bo", last_name="Ek")
    bare = User.objects.create_user(email="cecilia@example.org", password="x")
    outside = User.objects.create_user(email="outside@example.org", password="x")

    class PersonForm(forms.Form):
        person = forms.ModelChoiceField(queryset=User.objects.none())

    def form(data=None):
        f = PersonForm(data)
        offer_long_list(
            f.fields["person"],
            User.objects.filter(pk__in=[named.pk, plain.pk, bare.pk]).order_by("email"),
            label_fields=User.DISPLAY_NAME_FIELDS,
            label_from_row=User.display_name_from,
        )
        return f

    html = str(form()["person"])
    labels = re.findall(r'<option value="(\d*)"[^>]*>([^<]*)</option>', html)
    assert labels == [
        ("", "---------"),
        (str(named.pk), named.get_display_name()),
        (str(plain.pk), plain.get_display_name()),
        (str(bare.pk), bare.get_display_name()),
    ]
    assert [label for _, label in labels[1:]] == ["Anna Berg", "Bo Ek", "cecilia"]

    bound = form({"person": str(plain.pk)})
    assert bound.is_valid() and bound.cleaned_data["person"] == plain
    assert f'<option value="{plain.pk}" selected>' in str(bound["person"])
    refused = form({"person": str(outside.pk)})
    assert not refused.is_valid() and "person" in refused.errors


@pytest.mark.parametrize("value", [None, [], ["2"], ["1", "4"]])
@pytest.mark.parametrize("attrs", [None, {"id": "id_orgs", "class": "lista", "aria-describedby": "help"}])
def test_long_checkboxes_write_what_djangos_checkboxes_write(value, attrs):
    ours = LongCheckboxSelectMultiple(choices=CHOICES[1:]).render("orgs", value, attrs=attrs)
    django_s = forms.CheckboxSelectMultiple(choices=CHOICES[1:]).render("orgs", value, attrs=attrs)
    assert _normalised(ours) == _normalised(django_s)
    assert ours.count(" checked") == len(value or [])
    if attrs:
        assert 'id="id_orgs_0"' in ours and 'for="id_orgs_0"' in ours


@pytest.mark.django_db
def test_the_consultation_form_lists_organisations_by_name_checks_the_invited_and_still_validates():
    from consultations.wagtail_hooks import ConsultationViewSet
    from tests.factories import ConsultationFactory, OrganisationFactory

    bron = OrganisationFactory(name="Ungdomsföreningen Bron")
    lika = OrganisationFactory(name='Stiftelsen "Lika Värde"')
    consultation = ConsultationFactory()
    consultation.invited_organisations.set([lika])
    form_class = ConsultationViewSet().get_edit_handler().get_form_class()
    form = form_class(instance=consultation, for_user=None)

    html = str(form["invited_organisations"])
    checked = re.findall(
        r'<input type="checkbox" name="invited_organisations" value="(\d+)"[^>]* checked', html
    )
    assert checked == [str(lika.pk)]
    assert "Ungdomsföreningen Bron" in html and "Stiftelsen &quot;Lika Värde&quot;" in html
    field = form.fields["invited_organisations"]
    assert list(field.clean([str(bron.pk)])) == [bron]
    with pytest.raises(forms.ValidationError):
        field.clean(["999999"])


def test_a_web_process_freezes_its_start_up_objects_and_collects_less_often():
    import subprocess
    import sys

    from portal.startup import YOUNG_THRESHOLD

    out = subprocess.run(
        [sys.executable, "-c", "import gc, portal.wsgi; print(gc.get_freeze_count(), gc.get_threshold()[0])"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    assert int(out[0]) > 10_000  # Django, Wagtail and the portal's modules
    assert int(out[1]) == YOUNG_THRESHOLD
