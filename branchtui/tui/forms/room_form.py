"""党员活动室: add or edit a branch's activity room."""

from __future__ import annotations

from typing import Any

from branchtui.domain import rooms as domain
from branchtui.domain.branches import branch_choices
from branchtui.domain.parse import clean_text, parse_int, parse_money
from branchtui.i18n import _
from branchtui.tui.forms.base import FieldSpec, FormScreen


class RoomForm(FormScreen):
    NEW_TITLE = "新增活动室"
    EDIT_TITLE = "编辑活动室"
    FIELDS = [
        FieldSpec("branch", "所属支部", "select", keep=True),
        FieldSpec("name", "活动室名称", check=lambda v: clean_text(v, "name", "活动室名称", 60, required=True)),
        FieldSpec("address", "地址", check=lambda v: clean_text(v, "address", "地址", 120)),
        FieldSpec("area_m2", "面积（㎡）", check=lambda v: parse_int(v, "area_m2", "面积（平方米）", 1, 100000)),
        FieldSpec("manager", "管理员", check=lambda v: clean_text(v, "manager", "管理员", 30)),
        FieldSpec("open_hours", "开放时间", placeholder="如 周一至周五 8:30-17:30",
                  check=lambda v: clean_text(v, "open_hours", "开放时间", 60)),
        FieldSpec("origin", "来源", "select", options=[(_(o), o) for o in domain.ORIGINS]),
        FieldSpec("origin_year", "建成年份", placeholder="新建、改建的年份",
                  check=lambda v: parse_int(v, "origin_year", "建成年份", 1949, 2100)),
        FieldSpec("build_cost", "建设投入（元）", placeholder="如 16000、1.6万",
                  check=lambda v: parse_money(v, "build_cost", "建设投入")),
        FieldSpec("tags", "多功能用途", placeholder="如 市民学校、人口学校、远程教育",
                  check=domain.parse_tags),
        FieldSpec("notes", "备注", check=lambda v: clean_text(v, "notes", "备注", 500)),
    ]

    def load(self) -> dict[str, Any]:
        options = {"branch": [(name, str(bid)) for name, bid in branch_choices()]}
        if self.record_id is None:
            return {"values": {"origin": "既有"}, "options": options}
        r = domain.get_room(self.record_id)
        return {
            "values": {"branch": r.branch_id, "name": r.name, "address": r.address,
                       "area_m2": r.area_m2 or "", "manager": r.manager, "open_hours": r.open_hours,
                       "build_cost": r.build_cost if r.build_cost else "", "notes": r.notes,
                       "origin": r.origin, "origin_year": r.origin_year or "",
                       "tags": "、".join(t for t in r.tags.split(",") if t)},
            "options": options,
        }

    def save(self, values: dict[str, str]):
        return domain.save_room(values, room_id=self.record_id, today=self.app.today)
