"""A modal form for fast keyboard entry.

Ctrl+S saves and closes; Ctrl+N saves and opens a fresh form for the next
record, keeping the context fields (the branch, …). Errors from domain/
appear in Chinese under their field, and nothing typed is thrown away.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable

from textual.app import ComposeResult
from textual.binding import Binding
from textual.content import Content
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.validation import ValidationResult, Validator
from textual.widgets import Input, Label, Select, Static

from branchtui.domain.errors import ValidationError
from branchtui.i18n import _
from branchtui.tui.background import run_db
from branchtui.tui.widgets.inputs import QuietInput


@dataclass
class FieldSpec:
    name: str
    label: str
    kind: str = "text"  # "text" or "select"
    placeholder: str = ""
    options: list[tuple[str, str]] = field(default_factory=list)
    keep: bool = False  # kept for the next record by "save and next"
    check: Callable[[str], Any] | None = None  # a domain parser, for checking on leaving the field
    max_length: int = 0


class DomainValidator(Validator):
    """Runs a domain/ parser, so the form and the save speak the same rules."""

    def __init__(self, check: Callable[[str], Any]) -> None:
        super().__init__()
        self.check = check

    def validate(self, value: str) -> ValidationResult:
        try:
            self.check(value)
        except ValidationError as exc:
            return self.failure(next(iter(exc.errors.values())))
        return self.success()


def read_only_reason() -> str | None:
    """Runs in a thread: why the current login may not save any form, or None."""
    from branchtui.domain import access, audit

    role, own_branch = access.current_role()
    if access.allowed(access.WRITE, None) or (own_branch is not None and access.allowed(access.WRITE, own_branch)):
        return None
    return _("只读：您（{login}）的角色是“{role}”，可以查看，但保存会被拒绝").format(
        login=audit.current_login(), role=_(access.ROLE_NAMES.get(role, role)))


class FormScreen(ModalScreen):
    """Subclasses give FIELDS, ``load`` and ``save`` (both run in a thread)."""

    FIELDS: list[FieldSpec] = []
    # Focus is ours to place (the first field to type in), not the first focusable widget.
    AUTO_FOCUS = None
    NEW_TITLE = ""
    EDIT_TITLE = ""
    SAVE_AND_NEXT = True  # Ctrl+N: save and start the next record (new records only)
    BINDINGS = [
        Binding("ctrl+s", "save", _("保存"), id="form.save" ),
        Binding("ctrl+n", "save_next", _("保存并录下一条"), id="form.save_next" ),
        Binding("escape", "cancel", _("取消"), id="form.cancel" ),
    ]

    def __init__(self, record_id: int | None = None, initial: dict[str, str] | None = None) -> None:
        super().__init__()
        self.record_id = record_id
        self.initial = dict(initial or {})
        self._loaded: dict[str, str] | None = None  # the values as loaded: to tell unsaved typing
        self._saving = False
        self._cancel_armed = False
        self._last_saved_id: int | None = None
        self._errors_for: dict[str, str] = {}  # field → the value its shown error is about
        self._first_focus = None
        self._untouched: dict[str, str] = {}

    # --- building -------------------------------------------------------
    def compose(self) -> ComposeResult:
        with Vertical(id="dialog"):
            with VerticalScroll(id="fields"):
                for spec in self.FIELDS:
                    with Horizontal(classes="row"):
                        yield Label(_(spec.label), id=f"label-{spec.name}")
                        yield self._make_widget(spec)
                    yield Static("", classes="error", id=f"error-{spec.name}")
            keys = _("Ctrl+S 保存 · Ctrl+N 保存并录下一条 · Esc 取消") if self._can_save_next() \
                else _("Ctrl+S 保存 · Esc 取消")
            yield Static(keys, id="form-keys")

    def _make_widget(self, spec: FieldSpec):
        if spec.kind == "select":
            return Select(spec.options, prompt=_("请选择"), id=f"field-{spec.name}", compact=True)
        validators = [DomainValidator(spec.check)] if spec.check else []
        return QuietInput(
            placeholder=_(spec.placeholder), id=f"field-{spec.name}", compact=True,
            validators=validators, validate_on={"blur"}, max_length=spec.max_length,
        )

    def on_mount(self) -> None:
        dialog = self.query_one("#dialog")
        dialog.border_title = _(self.EDIT_TITLE if self.record_id else self.NEW_TITLE)
        # Ready to type at once: a clerk does not wait for the database.
        self._first_focus = self.focus_first(self.initial)
        self._untouched = self.values()
        run_db(self, self.load, self._filled, group="form-load")
        run_db(self, read_only_reason, self._warn_read_only, group="form-access")

    def _warn_read_only(self, reason: str | None) -> None:
        """Said before anything is typed, not at Ctrl+S."""
        if reason:
            self.query_one("#dialog").mount(Static(reason, id="read-only", markup=False), before=0)

    def load(self) -> dict[str, Any]:
        """Runs in a thread: ``{"values": {...}, "options": {field: [(label, value)]},
        "disabled": [field, ...]}`` (the last optional: fields shown but not editable)."""
        return {"values": {}, "options": {}}

    def save(self, values: dict[str, str]) -> Any:
        """Runs in a thread: write through domain/ and return the record."""
        raise NotImplementedError

    def _filled(self, loaded: dict[str, Any]) -> None:
        for name, options in loaded.get("options", {}).items():
            self.query_one(f"#field-{name}", Select).set_options(options)
        current = self.values()
        values = {**loaded.get("values", {}), **self.initial}
        # What the user typed while the record was loading wins over it.
        self.set_values({k: v for k, v in values.items() if k in current and not current[k]})
        for name in loaded.get("disabled", ()):
            self.widget(name).disabled = True
        self._loaded = self.values()
        # Moved to the first field the load left empty, unless the clerk already
        # typed or moved: then the focus is theirs.
        if self.focused is None or (self.focused is self._first_focus and current == self._untouched):
            self.focus_first()

    # --- values ---------------------------------------------------------
    def widget(self, name: str):
        return self.query_one(f"#field-{name}")

    def values(self) -> dict[str, str]:
        out = {}
        for spec in self.FIELDS:
            widget = self.widget(spec.name)
            if isinstance(widget, Select):
                out[spec.name] = "" if widget.value is Select.NULL else str(widget.value)
            else:
                out[spec.name] = widget.value
        return out

    def set_value(self, name: str, value: Any) -> None:
        widget = self.widget(name)
        text = "" if value is None else str(value)
        if isinstance(widget, Select):
            known = {str(v) for _label, v in widget._options if v is not Select.NULL}
            if text in known:
                widget.value = text
            elif not text:
                widget.clear()
        else:
            widget.value = text

    def set_values(self, values: dict[str, Any]) -> None:
        for spec in self.FIELDS:
            if spec.name in values:
                self.set_value(spec.name, values[spec.name])

    def focus_first(self, values: dict[str, Any] | None = None):
        """The first field to type in: the first empty one (the first of all when every
        field is filled, as in an edit). Returns the widget focused."""
        values = self.values() if values is None else values
        usable = [spec for spec in self.FIELDS if not self.widget(spec.name).disabled]
        chosen = next((spec for spec in usable if not values.get(spec.name)), usable[0] if usable else None)
        if chosen is None:
            return None
        return self.widget(chosen.name).focus()

    # --- errors ---------------------------------------------------------
    def show_error(self, name: str, message: str) -> None:
        box = self.query_one(f"#error-{name}", Static)
        box.update(Content(message))
        box.set_class(bool(message), "-shown")
        # Remembered with the value it is about: editing the field retires it.
        if message:
            self._errors_for[name] = self.values().get(name, "")
        else:
            self._errors_for.pop(name, None)

    def clear_errors(self) -> None:
        for spec in self.FIELDS:
            self.show_error(spec.name, "")

    def on_input_blurred(self, event: Input.Blurred) -> None:
        name = (event.input.id or "").removeprefix("field-")
        result = event.validation_result
        if result is None or not name:
            return
        # Passing over an empty field is not an error yet: that waits for the save.
        if not result.is_valid and event.value.strip():
            self.show_error(name, result.failure_descriptions[0])
        elif self._errors_for.get(name) != event.value:
            self.show_error(name, "")  # an error from the save stays until the field changes

    def on_input_changed(self, event: Input.Changed) -> None:
        name = (event.input.id or "").removeprefix("field-")
        if name in self._errors_for and self._errors_for[name] != event.value:
            self.show_error(name, "")

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.focus_next()

    # --- saving ---------------------------------------------------------
    def action_save(self) -> None:
        self._submit(then_next=False)

    def _can_save_next(self) -> bool:
        return self.SAVE_AND_NEXT and self.record_id is None

    def action_save_next(self) -> None:
        self._submit(then_next=self._can_save_next())

    def _submit(self, then_next: bool) -> None:
        if self._saving:  # a second Ctrl+S while the first is being written
            return
        self._saving = True
        values = self.values()
        run_db(self, lambda: self.save(values),
               lambda record: self._saved(record, then_next), self._refused,
               group="form-save", exclusive=False)

    def _refused(self, exc: Exception) -> None:
        self._saving = False
        if not isinstance(exc, ValidationError):
            self.app.show_error(exc)
            return
        self.clear_errors()
        known = [spec.name for spec in self.FIELDS]
        for name, message in exc.errors.items():
            if name in known:
                self.show_error(name, message)
            else:
                self.app.notify(message, severity="error", markup=False)
        # The first error in the order of the form, wherever the cursor was.
        first = next((name for name in known if name in exc.errors), None)
        if first:
            self.widget(first).focus()
        self.app.bell()

    def _saved(self, record: Any, then_next: bool) -> None:
        self._saving = False
        self.app.notify(_("已保存：{name}").format(name=self.saved_label(record)), timeout=2, markup=False)
        if not then_next:
            self.dismiss(record.id)
            return
        self.saved_and_next(record)

    def saved_label(self, record: Any) -> str:
        return str(getattr(record, "name", ""))

    def saved_and_next(self, record: Any) -> None:
        """Clear the record's own fields, keep the context, start again."""
        self.clear_errors()
        kept = {spec.name: v for spec, v in zip(self.FIELDS, self.values().values()) if spec.keep}
        for spec in self.FIELDS:
            if not spec.keep:
                self.set_value(spec.name, "")
        self.set_values(kept)
        self._loaded = self.values()
        self._last_saved_id = record.id
        self._cancel_armed = False
        self.focus_first()

    # --- leaving --------------------------------------------------------
    def unsaved_work(self) -> str | None:
        if self._loaded is not None and self.values() != self._loaded:
            return _("表单“{title}”").format(title=_(self.EDIT_TITLE if self.record_id else self.NEW_TITLE))
        return None

    def action_cancel(self) -> None:
        if self._loaded is not None and self.values() != self._loaded and not self._cancel_armed:
            self._cancel_armed = True
            self.app.notify(_("表单有未保存的内容：再按一次 Esc 放弃，Ctrl+S 保存"), timeout=3)
            return
        self.dismiss(self._last_saved_id)
