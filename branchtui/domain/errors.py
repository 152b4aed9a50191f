"""One family of errors whose messages a person can act on."""

from __future__ import annotations


class DomainError(Exception):
    """Base of every refusal by the domain layer."""


class NotFound(DomainError):
    pass


class ValidationError(DomainError):
    """Bad input, per field: ``errors`` maps a field name to a Chinese message."""

    def __init__(self, errors: dict[str, str] | str, message: str | None = None):
        if isinstance(errors, str):
            errors = {errors: message or ""}
        self.errors = dict(errors)
        super().__init__("；".join(self.errors.values()))

    @property
    def field(self) -> str:
        return next(iter(self.errors))


class Collector:
    """Gathers the errors of a whole form so the user sees them all at once."""

    def __init__(self) -> None:
        self.errors: dict[str, str] = {}
        self.values: dict[str, object] = {}

    def take(self, field: str, parse, *args, **kwargs):
        """Run ``parse``; keep its value, or its message under ``field``."""
        try:
            value = parse(*args, **kwargs)
        except ValidationError as exc:
            self.errors.setdefault(field, next(iter(exc.errors.values())))
            value = None
        except (TypeError, ValueError, ArithmeticError, AttributeError):
            # A value of a kind no parser expects (the parsers refuse the
            # known ones themselves): the field's message, not a traceback.
            from branchtui.i18n import _

            self.errors.setdefault(field, _("该项的值无法识别"))
            value = None
        self.values[field] = value
        return value

    def ref(self, field: str, model, value, message: str, *, required: bool = True):
        """The ``model`` row whose id ``value`` names (a picker's value), or ``message``
        under ``field``. An empty value is fine when not ``required``."""
        # A picker's value: plain ASCII digits of a sane length (or an int
        # row id); anything else names no row and is not "empty" either.
        if value is None:
            text = ""
        elif isinstance(value, str):
            text = value.strip()
        elif isinstance(value, int) and not isinstance(value, bool):
            text = str(value) if 0 <= value < 10**12 else "?"
        else:
            text = "?"
        is_id = text.isascii() and text.isdigit() and len(text) <= 12
        found = model.get_or_none(model.id == int(text)) if is_id else None
        if found is None and (required or text):
            self.add(field, message)
        return found

    def add(self, field: str, message: str) -> None:
        self.errors.setdefault(field, message)

    def raise_if_any(self) -> None:
        if self.errors:
            raise ValidationError(self.errors)
