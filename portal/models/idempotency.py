"""What makes a create form safe to send twice, and what keeps text written after the session ended.

- `IdempotencyKey`: one successful submission of a form that carried a key (`{% idempotency_field %}`).
  The database's unique constraint, not a look-up before the insert, is what makes two requests with
  the same key (a double click, a retry) store once, even when they arrive at the same moment
  (`portal/idempotency.py`).
- `KeptDraft`: the text of a comment or response draft that a person sent after their session had
  ended, kept server-side under a random token that travels in the log-in page's `next` address and
  offered again once they are signed in (`portal/kept_drafts.py`).

Both are short-lived: the daily retention run deletes them (`privacy.services.apply_retention`).
"""

import secrets

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class IdempotencyKey(models.Model):
    key = models.CharField(_("key"), max_length=64)
    # "user:<pk>", or "anonymous" for a form that needs no account (the contact form).
    owner = models.CharField(_("owner"), max_length=64)
    # A hash of what was sent (all fields but the CSRF token and the key): the same key with other
    # text (the person went back, changed the text and sent it again) is a new submission.
    fingerprint = models.CharField(_("fingerprint"), max_length=64)
    scope = models.CharField(_("form"), max_length=200)
    created = models.DateTimeField(_("created"), default=timezone.now, db_index=True)
    redirect_url = models.TextField(_("redirected to"), blank=True)
    messages = models.JSONField(_("messages"), default=list, blank=True)

    class Meta:
        verbose_name = _("idempotency key")
        verbose_name_plural = _("idempotency keys")
        constraints = [
            models.UniqueConstraint(
                fields=["owner", "key", "fingerprint"], name="portal_idempotencykey_unique"
            ),
        ]

    def __str__(self):
        return f"{self.scope} {self.key}"


def _new_token() -> str:
    return secrets.token_urlsafe(24)


class KeptDraft(models.Model):
    class Kind(models.TextChoices):
        COMMENT = "comment", _("comment")
        RESPONSE = "response", _("response draft")

    token = models.CharField(_("token"), max_length=64, unique=True, default=_new_token)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    # The consultation's slug: the draft is offered only on that consultation's form.
    target = models.CharField(_("for"), max_length=255)
    data = models.JSONField(_("what was written"), default=dict)
    # Set by the first signed-in person who opens the form with the token: only they see it again.
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    created = models.DateTimeField(_("created"), default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("kept draft")
        verbose_name_plural = _("kept drafts")

    def __str__(self):
        return f"{self.kind} {self.target}"
