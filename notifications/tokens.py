"""Opaque, signed one-click unsubscribe tokens naming a user and an event type (or a digest)."""

from datetime import timedelta

from django.conf import settings
from django.core import signing

SALT = "notifications.unsubscribe"
DIGEST_PREFIX = "digest:"


def make_unsubscribe_token(user_id: int, event: str) -> str:
    return signing.dumps([user_id, event], salt=SALT, compress=True)


def read_unsubscribe_token(token: str) -> tuple[int, str]:
    """Returns (user id, event); raises signing.BadSignature for a forged, mangled or expired token."""
    max_age = timedelta(days=settings.NOTIFICATIONS_UNSUBSCRIBE_MAX_AGE_DAYS)
    value = signing.loads(token, salt=SALT, max_age=max_age)
    if not (
        isinstance(value, list)
        and len(value) == 2
        and isinstance(value[0], int)
        and isinstance(value[1], str)
    ):
        raise signing.BadSignature("Unexpected token payload.")
    return value[0], value[1]


ORGANISATION_SALT = "notifications.organisation-contact"


def make_organisation_unsubscribe_token(organisation_id: int) -> str:
    """A token that turns off the copies to one organisation's contact address."""
    return signing.dumps(["org", organisation_id], salt=ORGANISATION_SALT, compress=True)


def read_organisation_unsubscribe_token(token: str) -> int:
    """Returns the organisation id; raises signing.BadSignature for a forged, mangled or expired token."""
    max_age = timedelta(days=settings.NOTIFICATIONS_UNSUBSCRIBE_MAX_AGE_DAYS)
    value = signing.loads(token, salt=ORGANISATION_SALT, max_age=max_age)
    if not (isinstance(value, list) and len(value) == 2 and value[0] == "org" and isinstance(value[1], int)):
        raise signing.BadSignature("Unexpected token payload.")
    return value[1]
