"""The problem workflow in one place, as data: the transitions between states (:data:`TRANSITIONS`),
who may make each (:data:`ROLES`, named in each transition's ``roles``) and when (``condition``).

Nothing else decides. The scope mechanism reads it (``Problem.objects.restrict(user, "assign")``, and
``restrict(user, CHANGE)``: the problems on which the user may make at least one transition now); the
pages and the API offer exactly :func:`allowed_transitions`; the services of ``inspections.problems``
refuse anything else with :func:`refusal` (403) and make the change with a conditional UPDATE.

Why a table and not a state-machine library (django-fsm-2 was considered): each transition here
carries more than a source and a target — the roles that may make it, a time condition, whether it
is a duty for "my work" — and all of it must be answerable as a database predicate (lists, counts,
the scope) as well as for one row. A library's decorated model methods answer for one row only, and
the race between two transitions is a conditional UPDATE on the state that the service writes anyway.

The states (河长云): registered 登记 → assigned 交办 (to a unit or a chief of a lower tier, with a
deadline) → accepted 承办, or sent back 责任退回 within 24 hours of the assignment → completed 办结
(with photos after the work) → verified 核查 by the assigner, or rejected back to redo 重办 → archived
销号. A registered or sent-back problem may also be merged into another as a duplicate, or closed (not
ours, unable to fix); escalation moves it one level up (village → street → district → department)
and registers it there; urging 催办 is recorded while the work is in hand.
"""

import datetime
from dataclasses import dataclass, field

from django.db.models import BooleanField, ExpressionWrapper, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from inspections.choices import ProblemCategory, ProblemLevel
from inspections.choices import ProblemStatus as S
from rivers.choices import ChiefRole
from wushui.choices import Domain, Role, Tier
from wushui.scoping import administers_registry, remembered_from_registry

# A handler may send a problem back (责任退回) only this soon after it was assigned (河长云).
SEND_BACK_WINDOW = datetime.timedelta(hours=24)

# Which department domains answer for which categories when a problem reaches the department level.
CATEGORY_DOMAINS = {
    Domain.WATER_QUALITY: (ProblemCategory.WATER_BODY, ProblemCategory.WATER_SURFACE),
    Domain.OUTLETS: (ProblemCategory.OUTLET,),
    Domain.ENFORCEMENT: (*ProblemCategory.FOUR_CHAOS, ProblemCategory.WATER_ACTIVITY, ProblemCategory.BANK),
    Domain.PROJECTS: (ProblemCategory.HYDRAULIC_STRUCTURE, ProblemCategory.MID_RIVER),
}

# The rank of a tier: a coordinator assigns to chiefs of a lower rank only; the river-chief office
# (district administrators) ranks above the district tier.
TIER_RANK = {Tier.VILLAGE: 0, Tier.STREET: 1, Tier.DISTRICT: 2}
OFFICE_RANK = 3
# The levels a chief of a tier, or a street official, coordinates.
LEVELS_OF_TIER = {
    Tier.VILLAGE: (ProblemLevel.VILLAGE,),
    Tier.STREET: (ProblemLevel.VILLAGE, ProblemLevel.STREET),
    Tier.DISTRICT: (ProblemLevel.VILLAGE, ProblemLevel.STREET, ProblemLevel.DISTRICT),
}


def appointed_segments(user):
    """``{tier: [segment ids]}`` of the user's current river-chief appointments."""
    from rivers.models import ChiefAppointment

    def compute():
        by_tier = {tier: [] for tier in TIER_RANK}
        rows = ChiefAppointment.objects.current().filter(chief=user, role=ChiefRole.CHIEF)
        for segment_id, tier in rows.values_list("segment_id", "tier"):
            by_tier[tier].append(segment_id)
        return by_tier

    return remembered_from_registry(user, "problem_appointed_segments", compute)


def _any(conditions):
    """The disjunction of ``conditions``, or None when there is none (nobody, rather than a Q that
    matches nothing: the callers leave the role out)."""
    result = None
    for condition in conditions:
        if condition == Q():
            # Everything: Django would read ``Q() | x`` as ``x``, an empty Q being no condition at all.
            return Q()
        result = condition if result is None else result | condition
    return result


# --- Roles: who a user is to a problem, as a predicate over problems (None: to none) -------------------


def coordinator_q(user):
    """Those who coordinate the problem at its level: assign it, merge or close it, escalate it. The
    river-chief office everywhere; a street official at the village and street levels of their street;
    a chief at the levels of their tier on their segments; a department user at the department level,
    for the categories of their domains."""
    if administers_registry(user):
        return Q()
    conditions = []
    if user.role == Role.STREET_OFFICIAL and user.region_id:
        conditions.append(Q(street_id=user.region_id, level__in=LEVELS_OF_TIER[Tier.STREET]))
    for tier, segment_ids in appointed_segments(user).items():
        if segment_ids:
            conditions.append(Q(segment_id__in=segment_ids, level__in=LEVELS_OF_TIER[tier]))
    categories = [category for domain in user.domains for category in CATEGORY_DOMAINS.get(domain, ())]
    if categories:
        conditions.append(Q(level=ProblemLevel.DEPARTMENT, category__in=categories))
    return _any(conditions)


def handler_q(user):
    """The assignee: the chief it was assigned to, or the people of the unit it was assigned to."""
    conditions = [Q(assignee_chief_id=user.pk)]
    if user.unit_id:
        conditions.append(Q(assignee_unit_id=user.unit_id))
    return _any(conditions)


def assigner_q(user):
    """The one who assigned it, who checks the result; the river-chief office stands in for an assigner
    who has left."""
    if administers_registry(user):
        return Q()
    return Q(assigned_by_id=user.pk)


def supervisor_q(user):
    """Those who supervise (督办) and may urge: district officials and the office district-wide, a
    street official in their street, and the problem's assigner and coordinators; never its assignee
    (nobody urges themselves)."""
    if administers_registry(user) or user.role == Role.DISTRICT_OFFICIAL:
        return Q()
    conditions = [Q(assigned_by_id=user.pk)]
    if user.role == Role.STREET_OFFICIAL and user.region_id:
        conditions.append(Q(street_id=user.region_id))
    coordinates = coordinator_q(user)
    if coordinates is not None:
        conditions.append(coordinates)
    return _any(conditions) & ~handler_q(user)


@dataclass(frozen=True)
class ProblemRole:
    label: str
    q: object  # user -> Q or None


ROLES = {
    "coordinator": ProblemRole(_("the coordinators of its level"), coordinator_q),
    "handler": ProblemRole(_("its assignee"), handler_q),
    "assigner": ProblemRole(_("its assigner"), assigner_q),
    "supervisor": ProblemRole(_("its supervisors"), supervisor_q),
}


# --- Transitions --------------------------------------------------------------------------------------


def _within_send_back_window(now):
    return Q(assigned_at__gte=now - SEND_BACK_WINDOW)


def _below_the_top(now):
    return ~Q(level=ProblemLevel.DEPARTMENT)


@dataclass(frozen=True)
class Transition:
    """One transition: from any of ``sources`` to ``target`` (None: the state stays, as for urging),
    made by a user holding one of ``roles``, when ``condition(now)`` (a Q) holds. A ``duty`` is work
    somebody owes: it makes the problem part of their "my work"."""

    name: str
    label: str
    sources: tuple
    target: str | None
    roles: tuple
    duty: bool = False
    condition: object = None
    condition_message: str = ""
    help: str = ""
    inputs: tuple = field(default=())  # what the transition takes, for the pages and the docs


TRANSITION_LIST = (
    Transition(
        "assign",
        _("Assign"),
        (S.REGISTERED, S.SENT_BACK),
        S.ASSIGNED,
        ("coordinator",),
        duty=True,
        help=_("To a unit or to a chief of a lower tier, with a deadline."),
        inputs=("assignee_unit", "assignee_chief", "due", "note"),
    ),
    Transition(
        "accept",
        _("Accept"),
        (S.ASSIGNED,),
        S.ACCEPTED,
        ("handler",),
        duty=True,
        help=_("Take the problem on (承办)."),
        inputs=("note",),
    ),
    Transition(
        "send_back",
        _("Send back"),
        (S.ASSIGNED,),
        S.SENT_BACK,
        ("handler",),
        condition=_within_send_back_window,
        condition_message=_("A problem may be sent back only within 24 hours of its assignment."),
        help=_("Not yours to handle (责任退回): within 24 hours of the assignment, with the reason."),
        inputs=("reason",),
    ),
    Transition(
        "complete",
        _("Complete"),
        (S.ACCEPTED, S.REDO),
        S.COMPLETED,
        ("handler",),
        duty=True,
        help=_("The work is done (办结): what was done, with photos after it."),
        inputs=("note", "photos"),
    ),
    Transition(
        "verify",
        _("Verify"),
        (S.COMPLETED,),
        S.VERIFIED,
        ("assigner",),
        duty=True,
        help=_("The result was checked and holds (核查)."),
        inputs=("note",),
    ),
    Transition(
        "reject",
        _("Reject"),
        (S.COMPLETED,),
        S.REDO,
        ("assigner",),
        help=_("The result does not hold: back to the assignee to redo (审核退回), with the reason."),
        inputs=("reason",),
    ),
    Transition(
        "archive",
        _("Archive"),
        (S.VERIFIED,),
        S.ARCHIVED,
        ("assigner",),
        duty=True,
        help=_("Close the file (销号)."),
        inputs=("note",),
    ),
    Transition(
        "merge",
        _("Merge as a duplicate"),
        (S.REGISTERED, S.SENT_BACK),
        S.MERGED,
        ("coordinator",),
        help=_("The same problem is already open: it is followed there."),
        inputs=("duplicate_of", "note"),
    ),
    Transition(
        "close",
        _("Close"),
        (S.REGISTERED, S.SENT_BACK),
        S.CLOSED,
        ("coordinator",),
        help=_("Not ours to handle, or unable to fix, with the reason."),
        inputs=("close_reason", "note"),
    ),
    Transition(
        "escalate",
        _("Escalate"),
        (S.REGISTERED, S.SENT_BACK, S.ACCEPTED),
        S.REGISTERED,
        ("coordinator", "handler"),
        condition=_below_the_top,
        condition_message=_("The problem is already at the department level, the top of the chain."),
        help=_("This level cannot solve it: register it one level up (village → street → district → department)."),
        inputs=("reason",),
    ),
    Transition(
        "urge",
        _("Urge"),
        (S.ACCEPTED, S.REDO),
        None,
        ("supervisor",),
        help=_("Press the assignee to finish (催办); recorded on the timeline."),
        inputs=("note",),
    ),
)

TRANSITIONS = {transition.name: transition for transition in TRANSITION_LIST}
# The name of the timeline entry a problem starts with (not a transition: nobody "makes" it twice).
REGISTER = "register"
# A timeline entry that changes no state: a later water-quality alert of the problem's station (inspections.alerts).
ALERT = "alert"


def label(name):
    if name == REGISTER:
        return _("Register")
    if name == ALERT:
        return _("Alert again")
    transition = TRANSITIONS.get(name)
    return transition.label if transition else name


def transition_q(user, name, now=None):
    """The problems on which ``user`` may make transition ``name`` now (a Q), or None for none."""
    transition = TRANSITIONS[name]
    roles = _any(q for q in (ROLES[role].q(user) for role in transition.roles) if q is not None)
    if roles is None:
        return None
    condition = Q(status__in=transition.sources) & roles
    if transition.condition is not None:
        condition &= transition.condition(now or timezone.now())
    return condition


def any_transition_q(user, duties_only=False, now=None):
    """The problems on which the user may make some transition (a duty, with ``duties_only``)."""
    from wushui.scoping import NOTHING

    now = now or timezone.now()
    names = [t.name for t in TRANSITION_LIST if t.duty or not duties_only]
    return _any(q for q in (transition_q(user, name, now) for name in names) if q is not None) or NOTHING


def allowed_transitions(user, problem, now=None):
    """The transitions ``user`` may make on ``problem`` now, in the table's order: one query, the same
    predicates as ``restrict(user, name)`` (the caller has checked the view scope)."""
    from inspections.models import Problem

    if user is None or not user.is_authenticated or not user.is_active:
        return []
    now = now or timezone.now()
    conditions = {name: transition_q(user, name, now) for name in TRANSITIONS}
    conditions = {name: q for name, q in conditions.items() if q is not None}
    if not conditions:
        return []
    annotations = {f"may_{name}": ExpressionWrapper(q, output_field=BooleanField()) for name, q in conditions.items()}
    row = Problem.objects.filter(pk=problem.pk).annotate(**annotations).values(*annotations).first() or {}
    return [TRANSITIONS[name] for name in conditions if row.get(f"may_{name}")]


def refusal(user, problem, name, now=None):
    """Why ``user`` may not make transition ``name`` on ``problem`` as it stands: the message of a 403."""
    transition = TRANSITIONS[name]
    if problem.status not in transition.sources:
        return _("A problem that is %(status)s cannot be %(verb)s: that is possible from %(sources)s only.") % {
            "status": S.label(problem.status).lower(),
            "verb": str(transition.label).lower(),
            "sources": ", ".join(str(S.label(source)).lower() for source in transition.sources),
        }
    roles = [ROLES[role] for role in transition.roles]
    holds = [role for role in roles if role.q(user) is not None and _matches(problem, role.q(user))]
    if not holds:
        return _("Only %(roles)s may %(verb)s this problem.") % {
            "roles": " / ".join(str(role.label) for role in roles),
            "verb": str(transition.label).lower(),
        }
    if transition.condition_message:
        return str(transition.condition_message)
    return _("You may not %(verb)s this problem now.") % {"verb": str(transition.label).lower()}


def _matches(problem, condition):
    from inspections.models import Problem

    return Problem.objects.filter(condition, pk=problem.pk).exists()


def assigner_rank(user, problem):
    """How high the user assigns from on this problem: chiefs of a lower rank may be its assignees."""
    if administers_registry(user):
        return OFFICE_RANK
    rank = -1
    if user.role == Role.STREET_OFFICIAL and user.region_id and user.region_id == problem.street_id:
        rank = TIER_RANK[Tier.STREET]
    for tier, segment_ids in appointed_segments(user).items():
        if problem.segment_id in segment_ids:
            rank = max(rank, TIER_RANK[tier])
    return rank
