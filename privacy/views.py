"""My data: export, account deletion and consent to the privacy terms. Every view works on the signed-in
person's own data only; anything else is a 404."""

from allauth.core import ratelimit
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.http import Http404, JsonResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from portal.private_media import serve_private_file
from privacy import selectors, services
from privacy.forms import AccountDeleteForm, ConsentForm
from privacy.middleware import SESSION_KEY


@never_cache
@login_required
def home(request):
    return TemplateResponse(
        request,
        "privacy/my_data.html",
        {
            "exports": selectors.exports_for(request.user),
            "terms_version": services.current_terms_version(),
            "consent": request.user.privacy_consents.order_by("-accepted_at").first(),
            "privacy_url": selectors.privacy_page_url(request),
        },
    )


@require_POST
@login_required
def export_create(request):
    export = services.export_request(user=request.user)
    messages.success(request, _("We are preparing your data. You can follow it on this page."))
    return redirect(export)


@never_cache
@login_required
def export_status(request, public_id):
    export = selectors.export_for(request.user, public_id)
    if export is None:
        raise Http404
    if request.GET.get("format") == "json":
        return JsonResponse(
            {"status": export.status, "label": export.get_status_display(), "progress": export.progress}
        )
    return TemplateResponse(request, "privacy/export_status.html", {"export": export})


@never_cache
@login_required
def export_download(request, public_id):
    export = selectors.export_for(request.user, public_id)
    if export is None or not export.is_ready or not export.file:
        raise Http404
    return serve_private_file(
        request, export.file, filename=export.file.name.rsplit("/", 1)[-1], content_type="application/zip"
    )


@never_cache
@login_required
def account_delete(request):
    blockers = services.deletion_blockers(request.user)
    # The password re-check counts against allauth's "reauthenticate" limit (10 a minute per person),
    # like every other place where a signed-in person proves it is them.
    rate_limited = request.method == "POST" and not ratelimit.consume(
        request, action="reauthenticate", user=request.user
    )
    form = AccountDeleteForm(request.POST or None, user=request.user, rate_limited=rate_limited)
    if request.method == "POST" and not blockers and form.is_valid():
        try:
            services.account_erase(user=request.user)
        except services.ErasureBlocked as exc:
            blockers = exc.blockers
        else:
            logout(request)
            return redirect(reverse("privacy:deleted"))
    return TemplateResponse(
        request,
        "privacy/account_delete.html",
        {"form": form, "blockers": blockers},
        status=429 if rate_limited else 200,
    )


def account_deleted(request):
    return TemplateResponse(request, "privacy/account_deleted.html", {})


@never_cache
@login_required
def consent(request):
    next_url = request.POST.get("next") or request.GET.get("next") or "/"
    if not url_has_allowed_host_and_scheme(next_url, {request.get_host()}, request.is_secure()):
        next_url = "/"
    if services.has_current_consent(request.user) and request.method != "POST":
        return redirect(next_url)
    form = ConsentForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.consent_record(user=request.user)
        request.session[SESSION_KEY] = services.current_terms_version()
        messages.success(request, _("Thank you. You have accepted the privacy terms."))
        return redirect(next_url)
    return TemplateResponse(
        request,
        "privacy/consent.html",
        {
            "form": form,
            "next": next_url,
            "privacy_url": selectors.privacy_page_url(request),
            "had_earlier": request.user.privacy_consents.exists(),
        },
    )
