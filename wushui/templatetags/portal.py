from django import template
from django.utils.html import format_html

from wushui.choices import BADGES

register = template.Library()


@register.simple_tag
def badge(choice_set, value):
    """A coloured label for a choice value: ``{% badge "tier" segment.tier %}``; the choice set is the one
    registered under that name (``ChoiceSet.badge``)."""
    choices = BADGES[choice_set]
    if value in (None, ""):
        return ""
    return format_html('<span class="badge {}">{}</span>', choices.colour(value), choices.label(value))


@register.filter
def get_item(mapping, key):
    """``mapping[key]`` in a template (``{{ values|get_item:code }}``), or ``None``."""
    if not hasattr(mapping, "get"):
        return None
    return mapping.get(key)
