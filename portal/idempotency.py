"""A create form sent twice stores once.

Every form that creates something renders `{% idempotency_field %}` (templatetags/idempotency.py): a
hidden field with a random key, new at each render. Its view is wrapped by `@idempotent` (or calls
`run_once`), which, for a POST that carries a key:

1. opens a transaction and inserts an `IdempotencyKey` row (owner, key, fingerprint of what was sent);
2. runs the view inside that transaction;
3. when the view redirects (its success path), stores where it went and the messages it queued, and
   commits together with what the view wrote; when it does not (the form had errors), deletes the row,
   so that the corrected form can be sent with the same key.

A second request with the same key and the same content fails at step 1 on the unique constraint and
gets the first one's redirect and messages, without running the view. Two requests at the same moment
are serialised by the database: PostgreSQL makes the second insert wait until the first transaction
ends, then fails it (first committed) or lets it through (first rolled back, nothing was stored). So
there is no look-up before the insert, which two requests could both pass.

A POST without a key (an old page, a script) runs as before. The same key with other content (the
person went back, changed the text and sent again) is a new submission, not a duplicate.

The rows are deleted after IDEMPOTENCY_KEY_RETENTION_HOURS by the daily retention run (`purge`).
"""

import hashlib
import re
import secrets
from datetime import timedelta
from functools import wraps

from django.conf import settings
from django.contrib import messages
from django.db import IntegrityError, transaction
from django.shortcuts import redirect
from django.utils import timezone

FIELD_NAME = "idempotency_key"
KEY_RE = re.compile(r"[A-Za-z0-9_-]{16,64}")
_NOT_FINGERPRINTED = {"csrfmiddlewaretoken", FIELD_NAME}


def new_key() -> str:
    return secrets.token_urlsafe(24)


def owner_of(request) -> str:
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return f"user:{user.pk}"
    return "anonymous"


def fingerprint(request) -> str:
    """A hash of the path, every posted field (but the CSRF token and the key) and the uploaded files'
    names and sizes. Only the hash is stored, never the text."""
    digest = hashlib.sha256(request.path.encode())
    for name in sorted(request.POST):
        if name in _NOT_FINGERPRINTED:
            continue
        for value in request.POST.getlist(name):
            digest.update(f"\0{name}\0{value}".encode())
    for name in sorted(request.FILES):
        for upload in request.FILES.getlist(name):
            digest.update(f"\0file:{name}\0{upload.name}\0{upload.size}".encode())
    return digest.hexdigest()


class _Duplicate(Exception):
    pass


def _queued(request) -> list:
    storage = getattr(request, "_messages", None)
    return list(getattr(storage, "_queued_messages", []))


def run_once(request, action, *, replay=None):
    """Runs `action()` (which returns the response) at most once per key; see the module docstring.
    `replay`, for a form whose success page is rendered rather than redirected to (the contact form),
    returns the response for a repeated request; the record is then kept for any 2xx answer."""
    key = request.POST.get(FIELD_NAME, "") if request.method == "POST" else ""
    if not KEY_RE.fullmatch(key):
        return action()
    from portal.models import IdempotencyKey

    owner, digest = owner_of(request), fingerprint(request)
    match = request.resolver_match
    scope = (match.view_name if match else "") or request.path
    try:
        with transaction.atomic():
            try:
                with transaction.atomic():
                    record = IdempotencyKey.objects.create(
                        key=key, owner=owner, fingerprint=digest, scope=scope[:200]
                    )
            except IntegrityError:
                raise _Duplicate from None
            before = len(_queued(request))
            response = action()
            if response.status_code in (301, 302, 303) and response.has_header("Location"):
                record.redirect_url = response["Location"]
                record.messages = [
                    {"level": m.level, "message": str(m.message), "extra_tags": m.extra_tags or ""}
                    for m in _queued(request)[before:]
                ]
                record.save(update_fields=["redirect_url", "messages"])
            elif replay is not None and 200 <= response.status_code < 300:
                pass
            else:
                record.delete()
            return response
    except _Duplicate:
        pass
    record = IdempotencyKey.objects.filter(key=key, owner=owner, fingerprint=digest).first()
    if record is None:  # purged in between: nothing to go by, so treat it as new
        return action()
    for message in record.messages:
        messages.add_message(request, message["level"], message["message"], extra_tags=message["extra_tags"])
    if record.redirect_url:
        return redirect(record.redirect_url)
    if replay is not None:
        return replay()
    return redirect(request.path)


def idempotent(view):
    """Decorates a view whose POST creates something: see `run_once`."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if request.method != "POST":
            return view(request, *args, **kwargs)
        return run_once(request, lambda: view(request, *args, **kwargs))

    return wrapper


def purge(*, now=None) -> int:
    """Deletes keys older than IDEMPOTENCY_KEY_RETENTION_HOURS (a retry comes within minutes; a day
    is generous). Safe to repeat. Returns how many."""
    from portal.models import IdempotencyKey

    now = now or timezone.now()
    hours = getattr(settings, "IDEMPOTENCY_KEY_RETENTION_HOURS", 24)
    return IdempotencyKey.objects.filter(created__lt=now - timedelta(hours=hours)).delete()[0]
