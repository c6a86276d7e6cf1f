"""Swedish organisation numbers: checked for shape, check digit and the organisation rule."""

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from stdnum.se import orgnr

EXAMPLE_ORG_NUMBER = "802001-5569"


def compact_org_number(value: str | None) -> str:
    """The stored form: digits only (spaces, hyphens and a leading "16" century prefix removed)."""
    if not value:
        return ""
    digits = re.sub(r"[\s\-+]", "", str(value))
    if len(digits) == 12 and digits.startswith("16"):
        digits = digits[2:]
    return digits


def format_org_number(value: str | None) -> str:
    """The displayed form NNNNNN-NNNN."""
    value = compact_org_number(value)
    if len(value) != 10:
        return value
    return f"{value[:6]}-{value[6:]}"


def validate_org_number(value: str) -> None:
    """Raise a ValidationError that shows the expected form when `value` is not an organisation number.

    python-stdnum accepts any ten digits with a valid Luhn check digit, which includes personal
    identity numbers; an organisation number also has 2 or more as its third digit.
    """
    number = compact_org_number(value)
    if not number:
        return
    if not re.fullmatch(r"\d{10}", number):
        raise ValidationError(
            _("Enter the organisation number as NNNNNN-NNNN: ten digits, for example %(example)s."),
            code="format",
            params={"example": EXAMPLE_ORG_NUMBER},
        )
    if not orgnr.is_valid(number):
        raise ValidationError(
            _(
                "This organisation number does not exist: its last digit (the check digit) does not "
                "match. Check the number and enter it as NNNNNN-NNNN, for example %(example)s."
            ),
            code="checksum",
            params={"example": EXAMPLE_ORG_NUMBER},
        )
    if int(number[2]) < 2:
        raise ValidationError(
            _(
                "This looks like a personal identity number. An organisation number has the form "
                "NNNNNN-NNNN and its third digit is 2 or higher, for example %(example)s."
            ),
            code="personal_number",
            params={"example": EXAMPLE_ORG_NUMBER},
        )
