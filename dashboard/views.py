from django.contrib.auth.mixins import LoginRequiredMixin
from django.views.generic import TemplateView

from rivers.maps import SegmentLayer
from rivers.models import ChiefAppointment, Segment, WaterBody
from rivers.selectors import segments_with_current_chiefs
from wushui.choices import RegionLevel
from wushui.maps import RegionLayer, layer_map
from wushui.models import Region


class HomeView(LoginRequiredMixin, TemplateView):
    """The signed-in user's overview of their scope."""

    template_name = "dashboard/home.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        segments = segments_with_current_chiefs(Segment.objects.restrict(user), user)
        context["counts"] = {
            "water_bodies": WaterBody.objects.restrict(user).count(),
            "segments": len(segments),
            "chiefs": ChiefAppointment.objects.restrict(user).current().values("chief").distinct().count(),
            "villages": Region.objects.restrict(user).filter(level=RegionLevel.VILLAGE).count(),
        }
        context["length_km"] = round(sum(segment.length_m for segment in segments) / 1000, 1)
        context["map_layers"] = layer_map(self.request, (RegionLayer, {}), (SegmentLayer, {}))
        return context
