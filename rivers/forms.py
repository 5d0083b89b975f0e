"""Forms of the registry pages."""

from django import forms
from django.utils.translation import gettext_lazy as _

from wushui.models import Region


class ChiefDirectoryForm(forms.Form):
    """Which region of the chief directory to show; only regions in the user's scope are accepted,
    so another street's id is refused rather than shown. Filled by the page's links, never drawn."""

    region = forms.ModelChoiceField(label=_("Region"), queryset=Region.objects.none(), required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = (
            Region.objects.restrict(user)
            .select_related("parent__parent")
            .defer("boundary", "parent__boundary", "parent__parent__boundary")
        )
