from django.shortcuts import redirect
from django.templatetags.static import static
from django.views.decorators.cache import cache_control
from django.views.generic import TemplateView

from procedures.forms import SearchForm
from procedures.selectors import published_field_counts


class HomeView(TemplateView):
    template_name = "onestop/home.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            search_form=SearchForm(), fields=published_field_counts(), **kwargs
        )


@cache_control(max_age=86400, public=True)
def favicon(request):
    """Browsers ask for /favicon.ico before (or without) reading the page's icon link; a
    temporary redirect, because the static name carries a hash that changes with the icon."""
    return redirect(static("favicon.svg"))
