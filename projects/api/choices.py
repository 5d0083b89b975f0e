"""Choices of the five-waters filters: a district has a hundred and more units."""

from projects.filtersets import units_in_scope
from wushui.api.choices import ChoiceView
from wushui.choices import UnitKind


class UnitChoiceView(ChoiceView):
    """Units in the user's scope by name or short name (owner units, lead departments, responsible units)."""

    search_fields = ("name", "short_name")

    def get_queryset(self):
        return units_in_scope(self.request).only("pk", "name", "kind")

    def detail(self, unit):
        return str(UnitKind.label(unit.kind))
