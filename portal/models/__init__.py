from .audit import AuditEntry
from .users import User

__all__ = ["AuditEntry", "User"]
