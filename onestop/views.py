from django.views.generic import TemplateView

from procedures.forms import SearchForm
from procedures.selectors import published_field_counts


class HomeView(TemplateView):
    template_name = "onestop/home.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            search_form=SearchForm(), fields=published_field_counts(), **kwargs
        )
