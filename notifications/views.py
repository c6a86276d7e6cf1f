from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core import signing
from django.core.paginator import Paginator
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from notifications import registry, selectors, services
from notifications.forms import OrganisationContactForm, PreferencesForm
from notifications.models import Notification
from notifications.templatetags.notifications_tags import remember_unread_count
from notifications.tokens import (
    DIGEST_PREFIX,
    read_organisation_unsubscribe_token,
    read_unsubscribe_token,
)

PAGE_SIZE = 20


@login_required
def inbox(request):
    page = Paginator(selectors.inbox(request.user), PAGE_SIZE).get_page(request.GET.get("page"))
    unread = selectors.unread_count(request.user)
    remember_unread_count(request, unread)  # the header shows it too: one query for both
    return render(
        request,
        "notifications/notification_list.html",
        {
            "page_obj": page,
            "items": selectors.inbox_items(page.object_list, user=request.user),
            "unread_count": unread,
        },
    )


@login_required
def open_notification(request, pk: int):
    """Marks the notification read and goes to the thing it is about (or back to the inbox)."""
    notification = get_object_or_404(Notification, pk=pk, recipient=request.user)
    services.notification_mark_read(user=request.user, notification_id=notification.pk)
    url = selectors.notification_link(notification)
    if url and url_has_allowed_host_and_scheme(url, allowed_hosts={request.get_host()}):
        return HttpResponseRedirect(url)
    return redirect("notifications:inbox")


def _back_to_inbox(request):
    page = request.POST.get("page", "")
    url = reverse("notifications:inbox")
    return HttpResponseRedirect(f"{url}?page={page}" if page.isdigit() else url)


@login_required
@require_POST
def mark_read(request, pk: int):
    get_object_or_404(Notification, pk=pk, recipient=request.user)
    services.notification_mark_read(user=request.user, notification_id=pk)
    messages.success(request, _("The notification is marked as read."))
    return _back_to_inbox(request)


@login_required
@require_POST
def mark_all_read(request):
    count = services.notifications_mark_all_read(user=request.user)
    messages.success(
        request, _("All notifications are marked as read.") if count else _("Nothing was unread.")
    )
    return _back_to_inbox(request)


@login_required
def preferences(request):
    current = services.preferences_for(request.user)
    form = PreferencesForm(request.POST or None, current=current, user=request.user)
    if request.method == "POST" and form.is_valid():
        for event, frequency in form.cleaned_preferences().items():
            services.preference_set(user=request.user, event=event, frequency=frequency)
        messages.success(request, _("Your notification settings are saved."))
        return redirect("notifications:preferences")
    return render(
        request,
        "notifications/preferences_form.html",
        {"form": form, "organisations": selectors.administered_organisations(request.user)},
    )


@login_required
def organisation_contact(request, organisation_id: int):
    """An organisation admin chooses whether organisation-level messages also go to the
    organisation's contact address. Anyone else gets a 404 (the page does not say the organisation
    exists)."""
    setting = selectors.organisation_contact_setting(request.user, organisation_id)
    if setting is None:
        raise Http404
    form = OrganisationContactForm(
        request.POST or None, initial={"enabled": setting.enabled, "language": setting.language}
    )
    if request.method == "POST" and form.is_valid():
        services.organisation_contact_set(
            actor=request.user,
            organisation_id=organisation_id,
            enabled=form.cleaned_data["enabled"],
            language=form.cleaned_data["language"],
        )
        if form.cleaned_data["enabled"] and not setting.contact_email:
            messages.warning(
                request,
                _("Saved, but the organisation has no contact address yet: add one to its profile."),
            )
        else:
            messages.success(request, _("The setting for %(name)s is saved.") % {"name": setting.name})
        return redirect("notifications:organisation_contact", organisation_id=organisation_id)
    return render(request, "notifications/organisation_contact_form.html", {"form": form, "setting": setting})


def _unsubscribe_targets(event: str) -> str:
    if event.startswith(DIGEST_PREFIX):
        frequency = event[len(DIGEST_PREFIX) :]
        return _("the weekly digest") if frequency == "weekly" else _("the daily digest")
    return str(registry.get(event).verbose_name)


@csrf_exempt  # mail clients POST the one-click unsubscribe without a session or CSRF cookie (RFC 8058)
@require_http_methods(["GET", "POST"])
def unsubscribe(request, token: str):
    """GET shows what the link would turn off and a button; POST (the button or the mail client's
    one-click request) turns it off. A forged or expired token gets a 400 page."""
    try:
        user_id, event = read_unsubscribe_token(token)
        if not event.startswith(DIGEST_PREFIX) and not registry.is_registered(event):
            raise signing.BadSignature("Unknown event type.")
        subject = _unsubscribe_targets(event)
    except signing.BadSignature:
        return render(request, "notifications/unsubscribe_invalid.html", status=400)
    if request.method == "POST":
        services.unsubscribe(user_id=user_id, event=event)
        return render(request, "notifications/unsubscribe_done.html", {"subject": subject})
    return render(request, "notifications/unsubscribe_confirm.html", {"subject": subject, "token": token})


@csrf_exempt  # one-click unsubscribe from a mail client (RFC 8058), as above
@require_http_methods(["GET", "POST"])
def organisation_unsubscribe(request, token: str):
    """Turns off the copies to an organisation's contact address: GET asks, POST does it."""
    try:
        organisation_id = read_organisation_unsubscribe_token(token)
    except signing.BadSignature:
        return render(request, "notifications/unsubscribe_invalid.html", status=400)
    info = selectors.organisation_info(organisation_id)
    name = info.name if info else _("the organisation")
    if request.method == "POST":
        services.organisation_contact_unsubscribe(organisation_id=organisation_id)
        return render(request, "notifications/organisation_unsubscribe_done.html", {"name": name})
    return render(
        request, "notifications/organisation_unsubscribe_confirm.html", {"name": name, "token": token}
    )
