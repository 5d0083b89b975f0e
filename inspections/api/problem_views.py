"""The problem API: list (keyset), detail, register, and one action per transition of the workflow
(``POST /api/v1/problems/{id}/{transition}/``), each answering the problem as it now stands."""

from django.db.models import Prefetch
from django.utils.translation import gettext_lazy as _
from django.utils.translation import override
from drf_spectacular.utils import OpenApiExample, OpenApiResponse, extend_schema
from rest_framework import exceptions, mixins, permissions, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response

from inspections import problems, workflow
from inspections.api.problem_serializers import (
    TRANSITION_INPUTS,
    ProblemCreateSerializer,
    ProblemListSerializer,
    ProblemSerializer,
    service_arguments,
)
from inspections.filtersets import ProblemFilterSet
from inspections.models import Problem, ProblemEvent
from inspections.models.problems import RECENT_FIRST
from wushui.api.pagination import KeysetPagination
from wushui.api.parsers import SafeJSONParser
from wushui.scoping import VIEW, get_in_scope

CREATE_EXAMPLE = {
    "source": "supervision",
    "segment": 12,
    "category": "dumping",
    "description": "建筑垃圾堆放在河岸",
    "location": [120.7555, 27.9312],
    "urgency": "urgent",
}

TRANSITION_EXAMPLES = {
    "assign": {"assignee_chief": 41, "due": "2026-12-15", "note": "本周内清理"},
    "accept": {"note": "已安排人员"},
    "send_back": {"reason": "该河段不属本村"},
    "complete": {"note": "已清运两车", "photos": ["(a JPEG file, multipart)"]},
    "verify": {"note": "现场核查通过"},
    "reject": {"reason": "仍有残留"},
    "archive": {"note": ""},
    "merge": {"duplicate_of": 1024, "note": "同一处垃圾"},
    "close": {"close_reason": "not_ours", "note": "私人鱼塘，已告知业主"},
    "escalate": {"reason": "需区级协调"},
    "urge": {"note": "请于周五前办结"},
}


class Conflict(exceptions.APIException):
    status_code = status.HTTP_409_CONFLICT
    default_code = "conflict"
    default_detail = _("The problem was changed meanwhile; reload it and try again.")


class ProblemPagination(KeysetPagination):
    ordering = RECENT_FIRST


class SignedIn(permissions.BasePermission):
    """Anyone signed in reads the problems of their scope and registers problems on the segments they
    see; whether they may make a transition is the workflow's to say (403 with its reason)."""

    def has_permission(self, request, view):
        return bool(request.user and request.user.is_authenticated)


def _transition_action(name):
    transition = workflow.TRANSITIONS[name]
    serializer_class = TRANSITION_INPUTS[name][0]
    takes_photos = "photos" in transition.inputs
    media = (
        {"multipart/form-data": serializer_class}
        if takes_photos
        else {"application/json": serializer_class, "multipart/form-data": serializer_class}
    )

    def act(self, request, pk=None, format=None):
        problem = get_in_scope(Problem.objects.all(), request.user, VIEW, pk=pk)
        try:
            # One who may not make the transition is told so (403) before the body is read: its fields
            # and its media type are no business of theirs.
            problems.check_allowed(request.user, problem, name)
            serializer = serializer_class(data=request.data, context=self.get_serializer_context())
            serializer.is_valid(raise_exception=True)
            problems.SERVICES[name](problem, request.user, **service_arguments(name, serializer.validated_data))
        except problems.TransitionConflict as error:
            raise Conflict(str(error)) from None
        return Response(self._detail(problem.pk))

    # The router maps the method to the action by the function's name: set it before decorating.
    act.__name__ = name
    act.__doc__ = str(transition.help)
    act = action(
        detail=True,
        methods=["post"],
        url_path=name.replace("_", "-"),
        url_name=name.replace("_", "-"),
        serializer_class=serializer_class,
        parser_classes=[MultiPartParser] if takes_photos else [SafeJSONParser, MultiPartParser, FormParser],
    )(act)
    # The schema is written in English whatever language is active when this module is imported.
    with override("en"):
        return _documented(act, name, transition, media)


def _documented(act, name, transition, media):
    return extend_schema(
        request=media,
        responses={
            200: ProblemSerializer,
            400: OpenApiResponse(description=str(_("Invalid input; the fields are named."))),
            403: OpenApiResponse(description=str(_("You may see the problem but not make this transition now."))),
            404: OpenApiResponse(description=str(_("No such problem in your scope."))),
            409: OpenApiResponse(description=str(_("Another transition changed the problem meanwhile."))),
        },
        examples=[
            OpenApiExample(
                str(transition.label),
                value=TRANSITION_EXAMPLES[name],
                request_only=True,
                media_type=next(iter(media)),
            )
        ],
        summary=str(transition.label),
        description=(
            f"{transition.help} From: {', '.join(transition.sources)}; to: {transition.target or 'the same state'}. "
            f"Who: {', '.join(str(workflow.ROLES[role].label) for role in transition.roles)}."
        ),
    )(act)


def _with_related(problems):
    """What the problems' answers name beside them; no shape but the problem's point (a street's outline
    is most of its row)."""
    return problems.select_related("segment", "street", "assignee_unit", "assignee_chief").defer(
        "segment__geometry", "street__boundary"
    )


def _with_timeline(problems):
    return problems.prefetch_related(
        "photos", Prefetch("events", queryset=ProblemEvent.objects.select_related("actor"))
    )


class ProblemViewSet(
    mixins.CreateModelMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """Problems (事件) in your scope, and their workflow."""

    queryset = Problem.objects.all()
    permission_classes = [SignedIn]
    filterset_class = ProblemFilterSet
    parser_classes = [SafeJSONParser, MultiPartParser, FormParser]
    pagination_class = ProblemPagination

    def get_queryset(self):
        queryset = _with_related(Problem.objects.restrict(self.request.user))
        if self.action == "retrieve":
            queryset = _with_timeline(queryset)
        return queryset

    def get_serializer_class(self):
        if self.action == "create":
            return ProblemCreateSerializer
        if self.action == "list":
            return ProblemListSerializer
        return ProblemSerializer

    @extend_schema(
        description=(
            "Problems in your scope, newest first (by registration, then id), paged by cursor: follow next (older) "
            "and previous (newer). No total count; the filters are kept in the links."
        )
    )
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    @extend_schema(
        request={"application/json": ProblemCreateSerializer, "multipart/form-data": ProblemCreateSerializer},
        responses={201: ProblemSerializer},
        examples=[OpenApiExample("A supervision finding", value=CREATE_EXAMPLE, request_only=True)],
        description=(
            "Register a problem on a segment you can see: from supervision, the hotline, an assignment from above "
            "or a system alert. Deadlines come from the rules for its source and urgency. Photos (before the work) "
            "go in a multipart body as repeated `photos` parts."
        ),
    )
    def create(self, request, *args, **kwargs):
        serializer = ProblemCreateSerializer(data=request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        problem = problems.register_problem(reported_by=request.user, **serializer.validated_data)
        return Response(self._detail(problem.pk), status=status.HTTP_201_CREATED)

    def _detail(self, pk):
        queryset = _with_timeline(_with_related(Problem.objects.all()))
        return ProblemSerializer(queryset.get(pk=pk), context=self.get_serializer_context()).data

    for _name in workflow.TRANSITIONS:
        locals()[_name] = _transition_action(_name)
    del _name
