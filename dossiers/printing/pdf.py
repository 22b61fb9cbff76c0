"""The official forms and the logbook as PDF, rendered by WeasyPrint from their HTML."""

from django.contrib.staticfiles import finders
from django.template.loader import render_to_string


def render_pdf(template, context, request=None):
    """The form as PDF bytes. The stylesheet is read from the static files and nothing is
    fetched over the network while rendering."""
    # WeasyPrint loads Pango and fonts at import; only PDF requests should pay for that.
    from weasyprint import CSS, HTML
    from weasyprint.urls import URLFetcher

    html = render_to_string(template, {**context, "pdf": True}, request=request)
    # No protocol allowed: a form carries its QR code inline and needs nothing else.
    nothing_fetched = URLFetcher(allowed_protocols=())
    document = HTML(string=html, url_fetcher=nothing_fetched)
    return document.write_pdf(stylesheets=[CSS(string=_print_css(), url_fetcher=nothing_fetched)])


def _print_css():
    with open(finders.find("css/print.css"), encoding="utf-8") as stylesheet:
        return stylesheet.read()
