"""Signed invitation tokens.

The token is `TimestampSigner.sign_object({"i": pk, "k": key})`: the signature proves that the portal
wrote it (a forged or altered token fails), the random key ties it to one invitation row (a token for
a revoked-and-re-sent invitation no longer matches), and the time stamp bounds its age even if the row
were changed by hand. The row's status and `expires_at` are the authority for use and expiry.
"""

from django.core import signing
from django.utils.crypto import constant_time_compare

from .models import INVITATION_VALIDITY, Invitation

SALT = "organisations.invitation"


class InvalidToken(Exception):
    """The token was not written by the portal, or names no invitation."""


class ExpiredToken(Exception):
    """The token was written by the portal but is older than the validity period."""


def make_invitation_token(invitation: Invitation) -> str:
    return signing.TimestampSigner(salt=SALT).sign_object({"i": invitation.pk, "k": invitation.key})


def invitation_from_token(token: str) -> Invitation:
    signer = signing.TimestampSigner(salt=SALT)
    try:
        data = signer.unsign_object(token, max_age=INVITATION_VALIDITY)
    except signing.SignatureExpired as exc:
        raise ExpiredToken from exc
    except (signing.BadSignature, ValueError, TypeError) as exc:
        raise InvalidToken from exc
    if not isinstance(data, dict):
        raise InvalidToken
    try:
        invitation = Invitation.objects.select_related("organisation").get(pk=data.get("i"))
    except (Invitation.DoesNotExist, ValueError, TypeError) as exc:
        raise InvalidToken from exc
    if not constant_time_compare(str(data.get("k", "")), invitation.key):
        raise InvalidToken
    return invitation
