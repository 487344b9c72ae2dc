"""SQLAlchemy 2.0 tables of Gridbot; the Alembic migrations live in models/migrations/.

Every module of this package is imported here so that Base.metadata is complete.
"""
import importlib
import pkgutil

from models.base import Base, UTCDateTime, utcnow

for _m in pkgutil.iter_modules(__path__):
    if _m.name not in ("base", "migrations"):
        importlib.import_module(f"{__name__}.{_m.name}")

from models.org import Building, Community, Department, Grid, Invitation  # noqa: E402
from models.people import ChatIdentity, ConversationState, Person, RoleAssignment  # noqa: E402
from models.cases import Case, CaseEvent, CaseFollower, CasePhoto, LabelledExample  # noqa: E402
from models.outbox import Lease, Outbox  # noqa: E402

__all__ = [
    "Base", "UTCDateTime", "utcnow", "Community", "Grid", "Building", "Department", "Invitation",
    "Person", "RoleAssignment", "ChatIdentity", "ConversationState",
    "Case", "CaseEvent", "CaseFollower", "CasePhoto", "LabelledExample", "Outbox", "Lease",
]
