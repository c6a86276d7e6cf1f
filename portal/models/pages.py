"""The site's Wagtail page types: home, content pages, news and the contact form.

Page tree (per language): HomePage → ContentPage (→ ContentPage …), NewsIndexPage → NewsArticlePage,
ContactFormPage. Another app may allow its own page type under the home page by naming it in the
setting `PORTAL_HOME_EXTRA_SUBPAGE_TYPES` ("app_label.ModelName"), so the portal never imports it.
"""

import datetime

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import models
from django.template.response import TemplateResponse
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel
from wagtail.contrib.forms.models import AbstractEmailForm, AbstractFormField
from wagtail.contrib.forms.panels import FormSubmissionsPanel
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Page
from wagtail.search import index

from portal.blocks import RICH_TEXT_FEATURES, BodyBlock

NEWS_PER_PAGE = 10
HOME_NEWS_COUNT = 3
# At most this many contact form posts per client address within the window (seconds).
# Posts of the contact form per client address (PORTAL_RATE_LIMITS["contact"], "5/10m/ip").
CONTACT_RATE_LIMIT = int(settings.PORTAL_RATE_LIMITS["contact"].split("/")[0])
HONEYPOT_FIELD = "website"


class HomePage(Page):
    """The start page of one language. Open consultations and coming meetings come from the templates
    named in `PORTAL_HOME_SLOTS`, which the domain apps provide."""

    introduction = RichTextField(_("introduction"), features=RICH_TEXT_FEATURES, blank=True)
    body = StreamField(BodyBlock(), verbose_name=_("body"), blank=True)

    content_panels = Page.content_panels + [FieldPanel("introduction"), FieldPanel("body")]
    search_fields = Page.search_fields + [index.SearchField("introduction"), index.SearchField("body")]

    parent_page_types = ["wagtailcore.Page"]
    subpage_types = [
        "portal.ContentPage",
        "portal.NewsIndexPage",
        "portal.ContactFormPage",
        *getattr(settings, "PORTAL_HOME_EXTRA_SUBPAGE_TYPES", []),
    ]

    class Meta:
        verbose_name = _("home page")
        verbose_name_plural = _("home pages")

    def latest_news(self, limit: int = HOME_NEWS_COUNT):
        return (
            NewsArticlePage.objects.live()
            .public()
            .descendant_of(self)
            .select_related("image")
            .order_by("-date", "-first_published_at")[:limit]
        )

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["latest_news"] = self.latest_news()
        context["news_index"] = NewsIndexPage.objects.live().child_of(self).first()
        return context


class ContentPage(Page):
    intro = models.TextField(_("introduction"), blank=True, help_text=_("A short summary shown in bold."))
    body = StreamField(BodyBlock(), verbose_name=_("body"), blank=True)

    content_panels = Page.content_panels + [FieldPanel("intro"), FieldPanel("body")]
    search_fields = Page.search_fields + [index.SearchField("intro"), index.SearchField("body")]

    parent_page_types = ["portal.HomePage", "portal.ContentPage"]
    subpage_types = ["portal.ContentPage", "portal.ContactFormPage"]

    class Meta:
        verbose_name = _("content page")
        verbose_name_plural = _("content pages")


class NewsIndexPage(Page):
    intro = models.TextField(_("introduction"), blank=True)

    content_panels = Page.content_panels + [FieldPanel("intro")]
    search_fields = Page.search_fields + [index.SearchField("intro")]

    parent_page_types = ["portal.HomePage"]
    subpage_types = ["portal.NewsArticlePage"]

    class Meta:
        verbose_name = _("news index")
        verbose_name_plural = _("news indexes")

    def articles(self):
        return (
            NewsArticlePage.objects.live()
            .public()
            .child_of(self)
            .select_related("image")
            .order_by("-date", "-first_published_at")
        )

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        page_obj = Paginator(self.articles(), NEWS_PER_PAGE).get_page(request.GET.get("page"))
        context["page_obj"] = page_obj
        context["articles"] = page_obj.object_list
        return context


class NewsArticlePage(Page):
    date = models.DateField(_("date"), default=datetime.date.today)
    intro = models.TextField(_("introduction"), blank=True)
    body = StreamField(BodyBlock(), verbose_name=_("body"), blank=True)
    image = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name=_("image"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    image_alt = models.CharField(
        _("alternative text"),
        max_length=250,
        blank=True,
        help_text=_("Describe what the image shows for people who cannot see it. Required with an image."),
    )

    content_panels = Page.content_panels + [
        FieldPanel("date"),
        FieldPanel("intro"),
        MultiFieldPanel([FieldPanel("image"), FieldPanel("image_alt")], heading=_("Image")),
        FieldPanel("body"),
    ]
    search_fields = Page.search_fields + [
        index.SearchField("intro"),
        index.SearchField("body"),
        index.FilterField("date"),
    ]

    parent_page_types = ["portal.NewsIndexPage"]
    subpage_types = []

    class Meta:
        verbose_name = _("news article")
        verbose_name_plural = _("news articles")

    def clean(self):
        super().clean()
        if self.image_id and not self.image_alt.strip():
            raise ValidationError({"image_alt": _("Describe the image for people who cannot see it.")})


class ContactFormField(AbstractFormField):
    page = ParentalKey("portal.ContactFormPage", on_delete=models.CASCADE, related_name="form_fields")


class ContactFormMixin(forms.Form):
    """Adds a honeypot to the editor-built form: a field people never see (hidden with CSS and from
    assistive technology) that simple bots fill in."""

    required_css_class = "required"
    error_css_class = "has-error"

    website = forms.CharField(
        label=_("Leave this field empty"),
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )

    def clean(self):
        cleaned_data = super().clean()
        if cleaned_data.get(HONEYPOT_FIELD):
            raise ValidationError(
                _("Your message could not be sent. Please try again, or e-mail us instead."),
                code="honeypot",
            )
        return cleaned_data


def client_address(request) -> str:
    """The client's address, read through the configured trusted proxies (portal.ratelimits)."""
    from portal.ratelimits import client_ip

    return client_ip(request)


def contact_rate_limit_exceeded(request) -> bool:
    """Count one post from this address; True once it has posted more than PORTAL_RATE_LIMITS["contact"]
    allows (5 in 10 minutes), counted per client address behind the trusted proxies."""
    from portal.ratelimits import consume

    return not consume(request, "contact")


class ContactFormPage(AbstractEmailForm):
    """A form the editor builds from fields. Submissions are stored and the coordinators are e-mailed
    by a Celery task after the transaction commits, so no visitor waits for the mail server."""

    intro = RichTextField(_("introduction"), features=RICH_TEXT_FEATURES, blank=True)
    thank_you_text = RichTextField(_("thank-you text"), features=RICH_TEXT_FEATURES, blank=True)

    content_panels = AbstractEmailForm.content_panels + [
        FormSubmissionsPanel(),
        FieldPanel("intro"),
        InlinePanel("form_fields", label=_("Form fields")),
        FieldPanel("thank_you_text"),
        MultiFieldPanel(
            [
                FieldRowPanel([FieldPanel("from_address"), FieldPanel("to_address")]),
                FieldPanel("subject"),
            ],
            heading=_("E-mail"),
        ),
    ]
    search_fields = Page.search_fields + [index.SearchField("intro")]

    parent_page_types = ["portal.HomePage", "portal.ContentPage"]
    subpage_types = []

    class Meta:
        verbose_name = _("contact form page")
        verbose_name_plural = _("contact form pages")

    def get_form_class(self):
        return type("ContactForm", (ContactFormMixin, super().get_form_class()), {})

    def get_recipients(self) -> list[str]:
        """The page's own addresses, else the site's contact address, else COORDINATOR_EMAILS."""
        if self.to_address:
            return [address.strip() for address in self.to_address.split(",") if address.strip()]
        from portal.models.site_settings import SiteSettings

        site = self.get_site()
        if site is not None:
            contact_email = SiteSettings.for_site(site).contact_email
            if contact_email:
                return [contact_email]
        return list(settings.COORDINATOR_EMAILS)

    def process_form_submission(self, form):
        data = {name: value for name, value in form.cleaned_data.items() if name != HONEYPOT_FIELD}
        submission = self.get_submission_class().objects.create(form_data=data, page=self)
        self.send_mail(submission)
        return submission

    def send_mail(self, submission):
        """Schedule the e-mail to the coordinators (replaces Wagtail's synchronous send)."""
        from portal.tasks import send_contact_form_email

        send_contact_form_email.delay_on_commit(submission.pk)

    def serve(self, request, *args, **kwargs):
        if request.method != "POST":
            return super().serve(request, *args, **kwargs)
        form = self.get_form(request.POST, request.FILES, page=self, user=request.user)
        if contact_rate_limit_exceeded(request):
            form.is_valid()
            form.add_error(
                None,
                _("You have sent several messages in a short time. Please wait ten minutes and try again."),
            )
            status = 429
        elif form.is_valid():
            from portal.idempotency import run_once

            # Sent twice (a double click, a retry): stored and e-mailed once, the thank-you page again.
            def send():
                return self.render_landing_page(request, self.process_form_submission(form), *args, **kwargs)

            return run_once(
                request, send, replay=lambda: self.render_landing_page(request, None, *args, **kwargs)
            )
        else:
            status = 200
        context = self.get_context(request)
        context["form"] = form
        return TemplateResponse(request, self.get_template(request), context, status=status)
