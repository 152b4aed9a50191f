"""Every business rule of branchtui. Plain Python: no textual, no rich."""

from branchtui.domain.errors import DomainError, NotFound, ValidationError

__all__ = ["DomainError", "NotFound", "ValidationError"]
