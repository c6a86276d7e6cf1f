"""Seeds the portal's demo content: the site's pages in Swedish and English (portal/demo/pages.py), the
site settings, and a site admin and a coordinator account. Called by `manage.py seed_demo`.

Idempotent: pages are found by their slug under their parent (and by translation for English), users by
e-mail; whatever exists is left as it is, so an editor's changes and a changed password survive a re-run.
The privacy page and the accessibility statement are the exception: a re-run brings their text up to date
as long as no editor has touched them.
"""

import json

from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from wagtail.models import Locale, Page, Site

from portal.models import (
    ContactFormField,
    ContactFormPage,
    ContentPage,
    HomePage,
    NewsArticlePage,
    NewsIndexPage,
    SiteSettings,
)

from .pages import ABOUT, ACCESSIBILITY, ACTION_PLAN, CONTACT, HOME, NEWS, NEWS_INDEX, PRIVACY, SITE_SETTINGS

DEMO_ACCOUNTS = [
    # email, password, display name, superuser, groups
    ("admin@example.org", "demo-admin-2026", "Webbredaktör (demo)", True, []),
    (
        "samordnare@example.org",
        "demo-samordnare-2026",
        "Samordnare (demo)",
        False,
        [settings.COORDINATORS_GROUP, "Moderators"],
    ),
]


# --- Seeding -------------------------------------------------------------------------------------


def seed(command):
    locale_sv, _ = Locale.objects.get_or_create(language_code="sv")
    locale_en, _ = Locale.objects.get_or_create(language_code="en")

    home_sv, site = _ensure_home(locale_sv)
    home_en = _ensure_translation(home_sv, locale_en, _fields(HOME["en"]))

    pages = {}
    # The contact page first: the other pages' calls to action link to it.
    pages["contact"] = _ensure_contact(home_sv, home_en, locale_sv, locale_en)
    for key, model, spec, menu in [
        ("about", ContentPage, ABOUT, True),
        ("action_plan", ContentPage, ACTION_PLAN, True),
        ("news", NewsIndexPage, NEWS_INDEX, True),
        ("privacy", ContentPage, PRIVACY, False),
        ("accessibility", ContentPage, ACCESSIBILITY, False),
    ]:
        fields_sv = _fields(spec["sv"], pages)
        page_sv = _ensure_child(home_sv, model, locale_sv, fields_sv, show_in_menus=menu)
        fields_en = _fields(spec["en"], pages)
        page_en = _ensure_translation(page_sv, locale_en, fields_en)
        if key in ("privacy", "accessibility"):
            _refresh_if_unedited(page_sv, fields_sv)
            _refresh_if_unedited(page_en, fields_en)
        pages[key] = page_sv

    _place_contact_last(home_sv, home_en, pages["contact"])

    for article in NEWS:
        fields_sv = {**_fields(article["sv"]), "date": article["date"]}
        page_sv = _ensure_child(pages["news"], NewsArticlePage, locale_sv, fields_sv)
        _ensure_translation(page_sv, locale_en, {**_fields(article["en"]), "date": article["date"]})

    _ensure_site_settings(site, pages)
    _ensure_accounts(command)


def _fields(spec, pages=None):
    return {
        name: (value(pages) if callable(value) else value)
        for name, value in spec.items()
        if name not in ("fields",)
    }


def _publish(page):
    page.save_revision().publish()


def _ensure_home(locale_sv):
    """Replace Wagtail's welcome page with the Swedish home page and point the default site at it."""
    root = Page.get_first_root_node()
    home = HomePage.objects.filter(depth=2, locale=locale_sv).first()
    if home is None:
        home = HomePage(locale=locale_sv, **_fields(HOME["sv"]))
        root.add_child(instance=home)
        _publish(home)
    site = Site.objects.filter(is_default_site=True).first()
    if site is None:
        site = Site(hostname="localhost", port=80, is_default_site=True)
    if site.root_page_id != home.pk or site.site_name != settings.WAGTAIL_SITE_NAME:
        site.root_page = home
        site.site_name = settings.WAGTAIL_SITE_NAME
        site.save()
    # Wagtail's "Welcome to your new Wagtail site!" page: a plain Page with nothing under it.
    plain_page = ContentType.objects.get_for_model(Page)
    for welcome in Page.objects.filter(depth=2, content_type=plain_page, numchild=0):
        if not Site.objects.filter(root_page=welcome).exists():
            welcome.delete()
    return home, site


def _ensure_child(parent, model, locale, fields, show_in_menus=False):
    # child_of() rather than get_children(): the latter trusts the in-memory numchild, stale here.
    existing = Page.objects.child_of(parent).filter(slug=fields["slug"]).first()
    if existing is not None:
        return existing.specific
    page = model(locale=locale, show_in_menus=show_in_menus, **fields)
    parent.add_child(instance=page)
    _publish(page)
    return page


def _ensure_translation(page, locale, fields):
    """The page's translation into `locale`: copied from the Swedish page, then given its own text."""
    existing = page.get_translation_or_none(locale)
    if existing is not None:
        return existing.specific
    translation = page.copy_for_translation(locale).specific
    _rename_new_copy(translation, fields["slug"])
    for name, value in fields.items():
        setattr(translation, name, value)
    translation.save()
    _publish(translation)
    return translation


def _refresh_if_unedited(page, fields):
    """Bring a page seeded by an earlier version of this module up to date with today's text, but only
    while nobody has edited it: every revision was made by the seed (no user). An editor's change wins."""
    if page.revisions.exclude(user=None).exists():
        return
    wanted = {name: value for name, value in fields.items() if name != "slug"}
    current_body = [{"type": b["type"], "value": b["value"]} for b in page.body.raw_data]
    if all(getattr(page, name) == value for name, value in wanted.items() if name != "body") and (
        "body" not in wanted or current_body == json.loads(wanted["body"])
    ):
        return
    for name, value in wanted.items():
        setattr(page, name, value)
    page.save()
    _publish(page)


def _rename_new_copy(page, slug):
    """Give a copy made a moment ago its own slug without Wagtail's slug-change machinery: nobody can
    have visited the copy's first address, so no redirect from it is wanted."""
    url_path = f"{page.get_parent().url_path}{slug}/"
    Page.objects.filter(pk=page.pk).update(slug=slug, url_path=url_path)
    page.slug = slug
    page.url_path = url_path


def _ensure_contact(home_sv, home_en, locale_sv, locale_en):
    def with_fields(page, spec):
        page.form_fields = [
            ContactFormField(label=label, field_type=kind, required=required, help_text=help_text)
            for label, kind, required, help_text in spec["fields"]
        ]
        return page

    contact_sv = Page.objects.child_of(home_sv).filter(slug=CONTACT["sv"]["slug"]).first()
    if contact_sv is None:
        contact_sv = with_fields(
            ContactFormPage(locale=locale_sv, show_in_menus=True, **_fields(CONTACT["sv"])), CONTACT["sv"]
        )
        home_sv.add_child(instance=contact_sv)
        _publish(contact_sv)
    contact_sv = contact_sv.specific
    if contact_sv.get_translation_or_none(locale_en) is None:
        contact_en = contact_sv.copy_for_translation(locale_en).specific
        _rename_new_copy(contact_en, CONTACT["en"]["slug"])
        for name, value in _fields(CONTACT["en"]).items():
            setattr(contact_en, name, value)
        with_fields(contact_en, CONTACT["en"]).save()
        _publish(contact_en)
    return contact_sv


def _place_contact_last(home_sv, home_en, contact_sv):
    """The contact page is created first (others link to it) but belongs last in the menu."""
    for home, contact in [
        (home_sv, contact_sv),
        (home_en, contact_sv.get_translation_or_none(home_en.locale)),
    ]:
        if contact is None:
            continue
        last = Page.objects.child_of(home).order_by("path").last()
        if last is not None and last.pk != contact.pk:
            Page.objects.get(pk=contact.pk).move(last, pos="right")


def _ensure_site_settings(site, pages):
    site_settings = SiteSettings.for_site(site)
    changed = False
    for name, value in SITE_SETTINGS.items():
        if not getattr(site_settings, name):
            setattr(site_settings, name, value)
            changed = True
    for name, key in [("privacy_page", "privacy"), ("accessibility_page", "accessibility")]:
        if getattr(site_settings, f"{name}_id") is None:
            setattr(site_settings, name, pages[key])
            changed = True
    if changed:
        site_settings.save()


def _ensure_accounts(command):
    User = get_user_model()
    for email, password, name, is_superuser, group_names in DEMO_ACCOUNTS:
        user, created = User.objects.get_or_create(
            email=email,
            defaults={"display_name": name, "is_staff": is_superuser, "is_superuser": is_superuser},
        )
        if created:
            user.set_password(password)
            user.save()
        if group_names:
            user.groups.add(*Group.objects.filter(name__in=group_names))
        EmailAddress.objects.update_or_create(
            user=user, email=email, defaults={"verified": True, "primary": True}
        )
        if user.check_password(password):
            command.demo_passwords[email] = password
