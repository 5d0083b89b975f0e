"""Problems in the API: what a list and a detail show, what registering takes, and what each transition
takes (the pages validate their forms with the same serializers, so both refuse the same input)."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from inspections import workflow
from inspections.api.serializers import PointInputField
from inspections.choices import CloseReason, ProblemCategory, ProblemSource, ProblemUrgency
from inspections.models import Problem, ProblemEvent, ProblemPhoto
from inspections.problems import MAX_PHOTOS, MAX_TEXT
from rivers.models import Segment
from wushui.api.base import ScopedRelatedField
from wushui.models import Unit, User


class PhotoListField(serializers.ListField):
    """Photos sent as repeated ``photos`` parts of a multipart form."""

    def __init__(self, **kwargs):
        kwargs.setdefault("child", serializers.ImageField())
        kwargs.setdefault("max_length", MAX_PHOTOS)
        super().__init__(**kwargs)

    def get_value(self, dictionary):
        if hasattr(dictionary, "getlist"):
            return dictionary.getlist(self.field_name) or serializers.empty
        return super().get_value(dictionary)


def text(**kwargs):
    kwargs.setdefault("max_length", MAX_TEXT)
    kwargs.setdefault("allow_blank", not kwargs.get("required", False))
    return serializers.CharField(**kwargs)


class ProblemPhotoSerializer(serializers.ModelSerializer):
    url = serializers.SerializerMethodField(help_text=_("The photo, served after the scope check."))

    class Meta:
        model = ProblemPhoto
        fields = ["id", "stage", "width", "height", "uploaded_at", "url"]

    def get_url(self, photo) -> str:
        request = self.context.get("request")
        url = photo.get_absolute_url()
        return request.build_absolute_uri(url) if request else url


class ProblemEventSerializer(serializers.ModelSerializer):
    actor_name = serializers.SerializerMethodField()

    class Meta:
        model = ProblemEvent
        fields = ["id", "transition", "actor", "actor_name", "at", "from_status", "to_status", "note", "details"]

    def get_actor_name(self, event) -> str:
        return str(event.actor) if event.actor_id else ""


class ProblemListSerializer(serializers.ModelSerializer):
    # A form the browsable API draws from this serializer offers the user's own rows only.
    serializer_related_field = ScopedRelatedField

    location = PointInputField(read_only=True)
    segment_name = serializers.CharField(source="segment.name", read_only=True)
    street_name = serializers.SerializerMethodField()
    assignee = serializers.SerializerMethodField(help_text=_("The unit or chief it is assigned to."))
    overdue = serializers.SerializerMethodField(help_text=_("Open, not handled and past its completion deadline."))
    url = serializers.CharField(source="get_absolute_url", read_only=True, help_text=_("The problem's page."))

    class Meta:
        model = Problem
        fields = [
            "id",
            "status",
            "level",
            "source",
            "category",
            "urgency",
            "segment",
            "segment_name",
            "street",
            "street_name",
            "description",
            "location",
            "created_at",
            "response_due",
            "completion_due",
            "assignee_unit",
            "assignee_chief",
            "assignee",
            "assigned_by",
            "overdue",
            "url",
        ]

    def get_street_name(self, problem) -> str:
        return str(problem.street) if problem.street_id else ""

    def get_assignee(self, problem) -> str:
        return str(problem.assignee or "")

    def get_overdue(self, problem) -> bool:
        return problem.is_overdue()


class ProblemSerializer(ProblemListSerializer):
    timeline = ProblemEventSerializer(source="events", many=True, read_only=True)
    photos = ProblemPhotoSerializer(many=True, read_only=True)
    allowed_transitions = serializers.SerializerMethodField(
        help_text=_("The transitions you may make now; POST to /problems/{id}/{transition}/.")
    )

    class Meta(ProblemListSerializer.Meta):
        fields = [
            *ProblemListSerializer.Meta.fields,
            "reported_by",
            "assigned_at",
            "responded_at",
            "completed_at",
            "ended_at",
            "duplicate_of",
            "close_reason",
            "urge_count",
            "version",
            "photos",
            "timeline",
            "allowed_transitions",
        ]

    @extend_schema_field(serializers.ListField(child=serializers.ChoiceField(choices=list(workflow.TRANSITIONS))))
    def get_allowed_transitions(self, problem):
        request = self.context.get("request")
        return [transition.name for transition in workflow.allowed_transitions(request.user, problem)]


class ProblemCreateSerializer(serializers.Serializer):
    """Register a problem found by supervision, taken by the hotline, assigned from above or raised by
    a system (patrol findings come with their patrol, public reports from the public pages)."""

    source = serializers.ChoiceField(choices=ProblemSource.REGISTERED_BY_STAFF)
    segment = ScopedRelatedField(queryset=Segment.objects.select_related("region"))
    category = serializers.ChoiceField(choices=ProblemCategory.choices())
    description = text(required=True)
    location = PointInputField(required=False, allow_null=True, default=None)
    urgency = serializers.ChoiceField(choices=ProblemUrgency.choices(), default=ProblemUrgency.NORMAL)
    photos = PhotoListField(required=False, default=list, help_text=_("Photos before the work (multipart)."))


# --- What each transition takes ------------------------------------------------------------------------


class NoteSerializer(serializers.Serializer):
    note = text(required=False, default="")


class ReasonSerializer(serializers.Serializer):
    reason = text(required=True)


class AssignSerializer(serializers.Serializer):
    assignee_unit = ScopedRelatedField(queryset=Unit.objects.all(), required=False, allow_null=True, default=None)
    assignee_chief = ScopedRelatedField(
        queryset=User.objects.all(),
        required=False,
        allow_null=True,
        default=None,
        help_text=_("A current chief of the segment at a tier below yours."),
    )
    due = serializers.DateField(required=False, allow_null=True, default=None, help_text=_("Completion deadline."))
    note = text(required=False, default="")


class CompleteSerializer(serializers.Serializer):
    note = text(required=True, help_text=_("What was done."))
    photos = PhotoListField(help_text=_("At least one photo after the work (multipart)."))


class MergeSerializer(serializers.Serializer):
    duplicate_of = ScopedRelatedField(queryset=Problem.objects.all(), help_text=_("The open problem it repeats."))
    note = text(required=False, default="")


class CloseSerializer(serializers.Serializer):
    close_reason = serializers.ChoiceField(choices=CloseReason.choices())
    note = text(required=True, help_text=_("Why, written out."))


# transition -> (input serializer, how its fields become the service's keywords)
TRANSITION_INPUTS = {
    "assign": (AssignSerializer, {}),
    "accept": (NoteSerializer, {}),
    "send_back": (ReasonSerializer, {}),
    "complete": (CompleteSerializer, {}),
    "verify": (NoteSerializer, {}),
    "reject": (ReasonSerializer, {}),
    "archive": (NoteSerializer, {}),
    "merge": (MergeSerializer, {}),
    "close": (CloseSerializer, {"close_reason": "reason"}),
    "escalate": (ReasonSerializer, {}),
    "urge": (NoteSerializer, {}),
}
assert set(TRANSITION_INPUTS) == set(workflow.TRANSITIONS)


def service_arguments(name, validated):
    """The validated fields of transition ``name`` as its service's keyword arguments."""
    renames = TRANSITION_INPUTS[name][1]
    return {renames.get(key, key): value for key, value in validated.items()}
