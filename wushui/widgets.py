"""Form widgets of the portal."""

from django import forms
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _


class SearchableChoiceWidget(forms.TextInput):
    """A choice among thousands (regions, chiefs) for a ``ModelChoiceField``: renders the selected
    choice only, never the others.

    Without JavaScript it is a text field for the id, with the selected choice's name beside it.
    ``static/js/choice-search.js`` turns it into a search box that asks ``url_name`` (a
    ``wushui.api.choices`` endpoint answering from the same scoped queryset as the field) for the
    choices matching what the user types. The field validates the id exactly as before.
    """

    class Media:
        js = ["js/choice-search.js"]

    def __init__(self, url_name, attrs=None):
        self.url_name = url_name
        super().__init__({"inputmode": "numeric", "size": 8, "autocomplete": "off", **(attrs or {})})

    def selected_label(self, value):
        """The selected choice's label, from the field's (scoped) queryset: one query, and nothing for
        an id the user may not see."""
        choices = getattr(self, "choices", None)  # set by the ModelChoiceField
        queryset = getattr(choices, "queryset", None)
        try:
            pk = int(value)
        except (TypeError, ValueError):
            return ""
        if queryset is None:
            return ""
        selected = queryset.filter(pk=pk).first()
        return choices.field.label_from_instance(selected) if selected is not None else ""

    def render(self, name, value, attrs=None, renderer=None):
        value = value[0] if isinstance(value, (list, tuple)) and value else value
        label = self.selected_label(value)
        input_html = super().render(name, value, {**(attrs or {}), "data-choice-id": ""}, renderer)
        return format_html(
            '<span class="choice-search" data-choice-search data-url="{url}" data-label="{label}" '
            'data-placeholder="{placeholder}" data-none="{none}" data-more="{more}">'
            '{input}<small class="muted" data-choice-label>{label}</small></span>',
            url=reverse(self.url_name),
            label=label,
            placeholder=_("Type a name or code"),
            none=_("No match."),
            more=_("More choices match: type more to narrow them."),
            input=input_html,
        )
