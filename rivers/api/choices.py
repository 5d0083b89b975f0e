"""Choices of the registry's searchable filters."""

from rivers.filtersets import chiefs_in_scope
from wushui.api.choices import ChoiceView


class ChiefChoiceView(ChoiceView):
    """Chiefs who hold or held an appointment in the user's scope, by name or user name."""

    search_fields = ("name", "username")

    def get_queryset(self):
        return chiefs_in_scope(self.request).select_related("region").only("pk", "name", "username", "region__name")

    def detail(self, user):
        return user.region.name if user.region is not None else ""
