"""Forms of the five-waters pages; they parse, the services decide."""

import datetime

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import FileExtensionValidator
from django.utils.translation import gettext_lazy as _

from projects.choices import MilestoneKind, RemediationStatus
from projects.models import PlanTarget
from projects.services import MAX_REPORT_PHOTOS
from wushui import periods
from wushui.filtersets import CalendarDateField


class MonthField(forms.CharField):
    """A month as ``YYYY-MM`` (the browser's month input), cleaned to its first day."""

    widget = forms.TextInput(attrs={"type": "month", "placeholder": "YYYY-MM"})

    def to_python(self, value):
        value = super().to_python(value)
        if not value:
            return None
        try:
            month = datetime.datetime.strptime(value.strip(), "%Y-%m").date()
        except ValueError:
            raise ValidationError(_("Enter a month as YYYY-MM."), code="invalid") from None
        if not periods.FIRST_DAY <= month <= periods.LAST_DAY:
            raise ValidationError(_("Enter a month from 2000 to 2099."), code="out_of_range")
        return month


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleImageField(forms.ImageField):
    """Several photos from one input, each checked as an image."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": "image/jpeg,image/png"}))
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        files = data if isinstance(data, list | tuple) else ([data] if data else [])
        if len(files) > MAX_REPORT_PHOTOS:
            raise ValidationError(_("Send at most %(count)s photos with a report.") % {"count": MAX_REPORT_PHOTOS})
        return [super(MultipleImageField, self).clean(upload, initial) for upload in files]


class TargetQuantitiesMixin:
    """A field per physical target of the year's plan, for the quantity done this month."""

    def add_target_fields(self, targets, done=None):
        self.targets = list(targets)
        for target in self.targets:
            self.fields[f"target_{target.pk}"] = forms.DecimalField(
                label=f"{target.measure} ({target.get_unit_display()})",
                max_digits=12,
                decimal_places=2,
                required=False,
                initial=(done or {}).get(target.pk),
                help_text=_("Done this month; target for the year %(quantity)s") % {"quantity": target.quantity},
            )

    def quantities(self):
        """``{target id: quantity}`` of the targets given a quantity."""
        return {
            target.pk: self.cleaned_data[f"target_{target.pk}"]
            for target in self.targets
            if self.cleaned_data.get(f"target_{target.pk}") is not None
        }


class ReportForm(TargetQuantitiesMixin, forms.Form):
    """An owner unit's monthly report: the month, the investment completed in it, the quantities of
    the year's targets done in it, notes and photos."""

    month = MonthField(label=_("Month"))
    investment = forms.DecimalField(
        label=_("Investment completed this month (10,000 yuan)"), max_digits=12, decimal_places=2
    )
    notes = forms.CharField(label=_("Notes"), widget=forms.Textarea(attrs={"rows": 3}), required=False, max_length=4000)
    photos = MultipleImageField(label=_("Photos"))

    def __init__(self, *args, project, **kwargs):
        super().__init__(*args, **kwargs)
        self.project = project
        # The targets are those of the year of the month sent (of this year before one is sent).
        month = _month_or_none(self.fields["month"], self.data.get("month")) if self.is_bound else None
        year = (month or periods.local_date()).year
        self.add_target_fields(PlanTarget.objects.filter(plan__project=project, plan__year=year))


class CorrectionForm(TargetQuantitiesMixin, forms.Form):
    """A correction of a filed report: the month's investment and quantities done, raised (never
    lowered: the service refuses), and its notes. Each field starts from what was reported."""

    investment = forms.DecimalField(
        label=_("Investment completed this month (10,000 yuan)"), max_digits=12, decimal_places=2
    )
    notes = forms.CharField(label=_("Notes"), widget=forms.Textarea(attrs={"rows": 3}), required=False, max_length=4000)

    def __init__(self, *args, report, **kwargs):
        done = {row.target_id: row.quantity for row in report.quantities.all()}
        kwargs["initial"] = {"investment": report.investment, "notes": report.notes, **(kwargs.get("initial") or {})}
        super().__init__(*args, **kwargs)
        self.report = report
        self.add_target_fields(
            PlanTarget.objects.filter(plan__project_id=report.project_id, plan__year=report.month.year), done
        )


def _month_or_none(field, value):
    try:
        return field.to_python(value)
    except ValidationError:
        return None


class MilestoneForm(forms.Form):
    kind = forms.ChoiceField(label=_("Milestone"), choices=MilestoneKind.choices())
    planned_date = CalendarDateField(
        label=_("Planned date"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    actual_date = CalendarDateField(
        label=_("Actual date"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )


class TaskUpdateForm(forms.Form):
    reported_on = CalendarDateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}))
    note = forms.CharField(label=_("Progress"), widget=forms.Textarea(attrs={"rows": 3}), max_length=4000)
    quantity = forms.DecimalField(label=_("Quantity done"), max_digits=12, decimal_places=2, required=False)
    marks_done = forms.BooleanField(label=_("The task is done"), required=False)
    evidence = forms.FileField(
        label=_("Evidence"),
        required=False,
        validators=[FileExtensionValidator(["pdf", "jpg", "jpeg", "png", "docx", "xlsx"])],
    )


class InspectionForm(forms.Form):
    inspected_on = CalendarDateField(label=_("Inspected on"), widget=forms.DateInput(attrs={"type": "date"}))
    passed = forms.BooleanField(label=_("Up to the requirements"), required=False)
    notes = forms.CharField(label=_("Notes"), widget=forms.Textarea(attrs={"rows": 3}), required=False, max_length=4000)
    resolution = forms.ChoiceField(
        label=_("Close the case as"),
        required=False,
        choices=[
            ("", "—"),
            *[(value, label) for value, label in RemediationStatus.choices() if value != "in_progress"],
        ],
    )


class ImportForm(forms.Form):
    workbook = forms.FileField(
        label=_("Workbook (.xlsx)"), validators=[FileExtensionValidator(["xlsx"])], help_text=_("Use the template.")
    )


class SummaryForm(forms.Form):
    """Which year, and as of which day, the investment summary reads."""

    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2099, required=False)
    as_of = CalendarDateField(label=_("As of"), required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def clean(self):
        data = super().clean()
        as_of = data.get("as_of") or periods.local_date()
        if as_of > periods.local_date():
            self.add_error("as_of", _("The day lies in the future."))
        data["as_of"] = as_of
        data["year"] = data.get("year") or as_of.year
        return data
