"""新增标准 / 新增项目: room standards are data."""

from __future__ import annotations

from branchtui.domain import standards as domain
from branchtui.domain.parse import clean_text
from branchtui.i18n import _
from branchtui.tui.forms.base import FieldSpec, FormScreen


class StandardForm(FormScreen):
    NEW_TITLE = "新增标准"
    SAVE_AND_NEXT = False
    FIELDS = [
        FieldSpec("name", "标准名称", placeholder="如 六有",
                  check=lambda v: clean_text(v, "name", "标准名称", 30, required=True)),
        FieldSpec("description", "说明", placeholder="如 有场所、有设施、有制度、有资料、有活动、有记录",
                  check=lambda v: clean_text(v, "description", "说明", 500)),
    ]

    def save(self, values: dict[str, str]):
        return domain.create_standard(values)


class StandardItemForm(FormScreen):
    NEW_TITLE = "新增项目"
    FIELDS = [
        FieldSpec("name", "项目名称", placeholder="如 有场所",
                  check=lambda v: clean_text(v, "name", "项目名称", 30, required=True)),
        FieldSpec("category", "类别", "select", keep=True, options=[(_(c), c) for c in domain.CATEGORIES]),
        FieldSpec("requirement", "要求", check=lambda v: clean_text(v, "requirement", "要求", 200)),
    ]

    def __init__(self, standard_id: int, standard_name: str) -> None:
        super().__init__(initial={"category": "设施"})
        self.standard_id = standard_id
        self.standard_name = standard_name

    def on_mount(self) -> None:
        super().on_mount()
        self.query_one("#dialog").border_subtitle = _("标准“{name}”").format(name=self.standard_name)

    def save(self, values: dict[str, str]):
        return domain.add_item(self.standard_id, values)
