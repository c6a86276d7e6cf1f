"""The minutes as a PDF, rendered by WeasyPrint from an HTML template.

Only `data:` URLs may be fetched: the PDF uses the system's fonts and never reaches the network or the
file system, whatever the minutes contain. The PDF is tagged (PDF/UA-1): a structure tree, marked
content and the document language from the template's <html lang>, so screen readers can read it; its
HTML version is the minutes on the meeting's page.
"""

from django.template.loader import render_to_string


def render_pdf(template_name: str, context: dict) -> bytes:
    # Imported here: WeasyPrint takes a moment to load and only this view needs it.
    from weasyprint import HTML
    from weasyprint.urls import URLFetcher

    html = render_to_string(template_name, context)
    return HTML(string=html, url_fetcher=URLFetcher(allowed_protocols=["data"])).write_pdf(
        pdf_variant="pdf/ua-1"
    )
