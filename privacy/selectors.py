"""Reads for the privacy pages; each takes the signed-in user and returns only what is theirs."""

from django.utils import timezone

from portal.models import DataExport


def exports_for(user):
    """The person's own exports that can still be downloaded or are being prepared, newest first."""
    return DataExport.objects.filter(user=user).live(timezone.now()).order_by("-created", "-pk")


def export_for(user, public_id):
    """One of the person's own exports, or None: someone else's export is as good as missing."""
    if not getattr(user, "is_authenticated", False):
        return None
    return DataExport.objects.filter(user=user, public_id=public_id).live(timezone.now()).first()


def privacy_page_url(request=None) -> str:
    """The address of the privacy page named in the site settings, in the current language ("" if none)."""
    from wagtail.models import Site

    from portal.models import SiteSettings

    site = Site.find_for_request(request) if request is not None else None
    if site is None:
        site = Site.objects.filter(is_default_site=True).first()
    if site is None:
        return ""
    page = SiteSettings.for_site(site).privacy_page
    if page is None:
        return ""
    return page.localized.get_url(request=request) or ""
