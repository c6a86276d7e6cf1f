from .audit import AuditEntry
from .pages import (
    ContactFormField,
    ContactFormPage,
    ContentPage,
    HomePage,
    NewsArticlePage,
    NewsIndexPage,
)
from .site_settings import SiteSettings
from .users import User

__all__ = [
    "AuditEntry",
    "ContactFormField",
    "ContactFormPage",
    "ContentPage",
    "HomePage",
    "NewsArticlePage",
    "NewsIndexPage",
    "SiteSettings",
    "User",
]
