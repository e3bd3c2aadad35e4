"""The admin for every placements model, registered by each sub-package's admin module. Admin
writes go through the same services as the pages."""

from placements.attendance import admin as attendance_admin  # noqa: F401
from placements.compliance import admin as compliance_admin  # noqa: F401
from placements.core import admin as core_admin  # noqa: F401
from placements.plans import admin as plans_admin  # noqa: F401
from placements.visits import admin as visits_admin  # noqa: F401
