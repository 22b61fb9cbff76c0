"""Template filters of the catalogue pages: the wording of procedures/words.py, and
``web_link`` for the untrusted form links of imported catalogues."""

from django import template
from django.utils.translation import gettext as _

from procedures import words
from procedures.models import Procedure

register = template.Library()

register.filter("copies", words.copies)


@register.filter
def time_limit(terms):
    """``{{ procedure|time_limit }}`` (its default limit) or ``{{ channel_terms|time_limit }}``
    (a selectors.ChannelTerms)."""
    if isinstance(terms, Procedure):
        if not terms.time_limit_stated:
            return _("Time limit not stated")
        return words.time_limit_words(
            terms.time_limit_amount, terms.time_limit_unit, terms.same_day_cutoff
        )
    return words.time_limit_words(terms.amount, terms.unit, terms.cutoff, terms.unit_text)


@register.filter
def fee(amount, currency=""):
    """``{{ amount|fee }}`` or ``{{ amount|fee:currency }}``."""
    return words.fee_words(amount, currency)


@register.filter
def web_link(url):
    """The URL when it is an http(s) link, else "": imported form links are untrusted text,
    and a "javascript:" link must never reach a page."""
    url = (url or "").strip()
    return url if url.lower().startswith(("https://", "http://")) else ""
