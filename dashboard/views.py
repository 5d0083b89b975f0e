from django.contrib.auth.mixins import LoginRequiredMixin
from django.views.generic import TemplateView

from rivers.maps import segment_features
from rivers.models import Segment
from rivers.selectors import registry_figures, segments_with_current_chiefs


class HomeView(LoginRequiredMixin, TemplateView):
    """The signed-in user's overview of their scope."""

    template_name = "dashboard/home.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        segments = segments_with_current_chiefs(Segment.objects.restrict(user), user)
        context["figures"] = registry_figures(user)
        context["map_features"] = segment_features(segments)
        return context
