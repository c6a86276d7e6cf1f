from .audit import AuditEntry
from .idempotency import IdempotencyKey, KeptDraft
from .pages import (
    ContactFormField,
    ContactFormPage,
    ContentPage,
    HomePage,
    NewsArticlePage,
    NewsIndexPage,
)
from .privacy import DataExport, InactivityNotice, LoginEvent, PrivacyConsent
from .site_settings import SiteSettings
from .users import User

__all__ = [
    "AuditEntry",
    "ContactFormField",
    "ContactFormPage",
    "ContentPage",
    "DataExport",
    "InactivityNotice",
    "LoginEvent",
    "HomePage",
    "IdempotencyKey",
    "KeptDraft",
    "NewsArticlePage",
    "NewsIndexPage",
    "PrivacyConsent",
    "SiteSettings",
    "User",
]
