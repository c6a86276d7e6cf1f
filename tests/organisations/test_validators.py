import pytest
from django.core.exceptions import ValidationError

from organisations.validators import compact_org_number, format_org_number, validate_org_number


@pytest.mark.parametrize(
    "value", ["802001-5569", "8020015569", "556036-0793", " 802001 5569 ", "16802001-5569"]
)
def test_valid_organisation_numbers(value):
    validate_org_number(value)
    assert len(compact_org_number(value)) == 10


@pytest.mark.parametrize(
    ("value", "code"),
    [
        ("802001-5568", "checksum"),  # bad check digit
        ("556036-0794", "checksum"),
        ("811228-9874", "personal_number"),  # a valid personal identity number: third digit 1
        ("800101-0019", "personal_number"),  # third digit 0
        ("802001-556", "format"),  # nine digits
        ("80200155691", "format"),  # eleven digits
        ("ABCDEF-GHIJ", "format"),
    ],
)
def test_invalid_organisation_numbers_show_the_expected_form(value, code):
    with pytest.raises(ValidationError) as excinfo:
        validate_org_number(value)
    error = excinfo.value.error_list[0]
    assert error.code == code
    assert "NNNNNN-NNNN" in excinfo.value.messages[0]


def test_empty_is_allowed_and_display_form():
    validate_org_number("")
    assert format_org_number("8020015569") == "802001-5569"
