"""Text written while the session expired is not lost.

When a person's session has ended (they were signed in, the browser still sends the session cookie, but
the server no longer knows it) and they send a comment or a response draft, the view keeps the text in
a `KeptDraft` under a random token and sends them to the log-in page with `?kept=<token>` in the `next`
address. After log-in they land on the form again, pre-filled, with a message saying so.

Why server-side and not the browser's localStorage: it works without JavaScript and in every browser
(private windows, strict storage settings), the text is already on the server when the session turns
out to have ended, and it never lingers on a shared computer after log-out. The price, kept small: the
text of a person who is not signed in is stored for at most KEPT_DRAFT_RETENTION_HOURS (the daily
retention run deletes it), only when the browser sent a session cookie (so an anonymous script cannot
fill the table by posting), at most the form's own maximum length, and the first signed-in person who
opens the token claims it: nobody else sees it afterwards.
"""

import json
from datetime import timedelta
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

PARAM = "kept"
MAX_BYTES = 200_000


def session_expired(request) -> bool:
    """The browser sent a session cookie, but nobody is signed in with it."""
    return not request.user.is_authenticated and bool(request.COOKIES.get(settings.SESSION_COOKIE_NAME))


def keep_and_login(request, *, kind: str, target: str, fields, then: str, prefixes=()):
    """Keeps the posted `fields` (and those starting with `prefixes`) when the session has ended, and
    returns the redirect to the log-in page, whose `next` is `then` with the token. Without text to keep
    (or without an ended session) it is the plain log-in redirect back to `then`."""
    from portal.models import KeptDraft

    data = {}
    if request.method == "POST" and session_expired(request):
        for name, value in request.POST.items():
            if name in fields or (prefixes and name.startswith(tuple(prefixes))):
                data[name] = value
    written = [v for n, v in data.items() if n == "text" or (prefixes and n.startswith(tuple(prefixes)))]
    if not any(value.strip() for value in written) or len(json.dumps(data)) > MAX_BYTES:
        return redirect_to_login(then)
    draft = KeptDraft.objects.create(kind=kind, target=target, data=data)
    separator = "&" if "?" in then else "?"
    return redirect_to_login(f"{then}{separator}{urlencode({PARAM: draft.token})}")


def claim(request, *, kind: str, target: str) -> dict | None:
    """The kept text for the signed-in person when the address carries its token: claims an unclaimed
    draft for them, and adds the message that says the form is pre-filled. None otherwise."""
    from portal.models import KeptDraft

    token = request.GET.get(PARAM, "")
    if not token or not request.user.is_authenticated or len(token) > 64:
        return None
    with transaction.atomic():
        draft = (
            KeptDraft.objects.select_for_update()
            .filter(token=token, kind=kind, target=target, created__gte=_cutoff())
            .first()
        )
        if draft is None or (draft.user_id is not None and draft.user_id != request.user.pk):
            return None
        if draft.user_id is None:
            draft.user = request.user
            draft.save(update_fields=["user"])
    messages.info(
        request,
        _(
            "Your session had ended when you sent the form, so nothing was saved. We kept your text: "
            "it is in the form below. Check it and send it again."
        ),
    )
    return draft.data


def _cutoff():
    hours = getattr(settings, "KEPT_DRAFT_RETENTION_HOURS", 24)
    return timezone.now() - timedelta(hours=hours)


def purge(*, now=None) -> int:
    """Deletes kept drafts older than KEPT_DRAFT_RETENTION_HOURS. Safe to repeat. Returns how many."""
    from portal.models import KeptDraft

    hours = getattr(settings, "KEPT_DRAFT_RETENTION_HOURS", 24)
    now = now or timezone.now()
    return KeptDraft.objects.filter(created__lt=now - timedelta(hours=hours)).delete()[0]
