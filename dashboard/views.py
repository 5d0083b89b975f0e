from django.contrib.auth.mixins import LoginRequiredMixin
from django.views.generic import TemplateView

from rivers.maps import SegmentLayer
from rivers.selectors import registry_figures
from wushui.maps import RegionLayer, layer_map


class HomeView(LoginRequiredMixin, TemplateView):
    """The signed-in user's overview of their scope."""

    template_name = "dashboard/home.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        context["figures"] = registry_figures(user)
        context["map_layers"] = layer_map(self.request, (RegionLayer, {}), (SegmentLayer, {}))
        return context
