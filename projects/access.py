"""Who manages the five-waters work, and which unit a user reports for.

The 治水办 (district roles) and the department users of the projects domain (the 水利局) manage every
project, task and enterprise: they plan, import, correct and report. An owner unit's people (users
attached to a unit of kind owner, department users of the projects domain as the 水利局's are) see the
district and report on their own projects only. A user attached to a unit answers for the tasks that
unit is responsible for. Streets see what concerns them.
"""

from wushui.choices import Domain, Role, UnitKind
from wushui.scoping import remembered_from_registry


def unit_kind(user):
    """The kind of the user's unit ("" without a unit)."""
    if user.unit_id is None:
        return ""

    def compute():
        from wushui.models import Unit

        return Unit.objects.filter(pk=user.unit_id).values_list("kind", flat=True).first() or ""

    return remembered_from_registry(user, "unit_kind", compute)


def is_owner_unit_user(user):
    return unit_kind(user) == UnitKind.OWNER


def manages_projects(user):
    """The 治水办 (district administrators and officials) and the projects domain's departments, not
    an owner unit's people (who report on their own projects only)."""
    if not (user and user.is_authenticated and user.is_active):
        return False
    if user.is_superuser or user.role in (Role.DISTRICT_ADMIN, Role.DISTRICT_OFFICIAL):
        return True
    return Domain.PROJECTS in user.domains and not is_owner_unit_user(user)
