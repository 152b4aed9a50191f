"""Room standards as data: 三个一 is built in; 六有, 七有 … can be added."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Mapping

from peewee import IntegrityError, fn

from branchtui.domain import audit
from branchtui.domain.errors import Collector, NotFound, ValidationError
from branchtui.domain.parse import clean_text, parse_choice, record_id
from branchtui.i18n import _
from branchtui.store.models import Standard, StandardItem

CATEGORIES = ("场所", "设施", "标识", "制度", "资料", "记录")


@dataclass(frozen=True)
class ItemInfo:
    id: int
    name: str
    category: str
    requirement: str


@dataclass(frozen=True)
class StandardInfo:
    id: int
    name: str
    description: str
    is_current: bool
    items: tuple[ItemInfo, ...]


def _info(standard: Standard, items) -> StandardInfo:
    return StandardInfo(standard.id, standard.name, standard.description, standard.is_current,
                        tuple(ItemInfo(i.id, i.name, i.category, i.requirement) for i in items))


def _items(standard_id: int):
    return (StandardItem.select().where(StandardItem.standard == standard_id)
            .order_by(StandardItem.position, StandardItem.id))


def get_standard(standard_id: int) -> StandardInfo:
    standard = Standard.get_or_none(Standard.id == record_id(standard_id))
    if standard is None:
        raise NotFound(_("标准不存在"))
    return _info(standard, _items(standard_id))


def current_standard() -> StandardInfo | None:
    """The town's standard for the overview (the first one if none is marked)."""
    standard = (Standard.select()
                .order_by(Standard.is_current.desc(), Standard.id).first())
    return _info(standard, _items(standard.id)) if standard else None


def list_standards() -> list[StandardInfo]:
    standards = list(Standard.select().order_by(Standard.id))
    items: dict[int, list] = {s.id: [] for s in standards}
    for item in StandardItem.select().order_by(StandardItem.position, StandardItem.id):
        items[item.standard_id].append(item)
    return [_info(s, items[s.id]) for s in standards]


def create_standard(data: Mapping[str, Any]) -> Standard:
    try:
        with audit.transaction():
            audit.check_role(Standard)
            c = Collector()
            name = c.take("name", clean_text, data.get("name"), "name", "标准名称", 30, required=True)
            description = c.take("description", clean_text, data.get("description"), "description",
                                 "说明", 500)
            if name and Standard.select().where(Standard.name == name).exists():
                c.add("name", _("已有同名标准“{name}”").format(name=name))
            c.raise_if_any()
            standard = Standard(name=name, description=description,
                                is_current=not Standard.select().exists())
            audit.save_audited(standard)
    except IntegrityError:
        raise ValidationError("name", _("已有同名标准“{name}”").format(name=name)) from None
    return standard


def add_item(standard_id: int, data: Mapping[str, Any]) -> StandardItem:
    with audit.transaction():
        audit.check_role(StandardItem)
        get_standard(standard_id)
        c = Collector()
        name = c.take("name", clean_text, data.get("name"), "name", "项目名称", 30, required=True)
        category = c.take("category", parse_choice, data.get("category") or "设施", CATEGORIES,
                          "category", "类别")
        requirement = c.take("requirement", clean_text, data.get("requirement"), "requirement", "要求", 200)
        if name and StandardItem.select().where(
                (StandardItem.standard == standard_id) & (StandardItem.name == name)).exists():
            c.add("name", _("本标准已有项目“{name}”").format(name=name))
        c.raise_if_any()
        position = (StandardItem.select(fn.COALESCE(fn.MAX(StandardItem.position), -1))
                    .where(StandardItem.standard == standard_id).scalar()) + 1
        item = StandardItem(standard=standard_id, name=name, category=category,
                            requirement=requirement, position=position)
        audit.save_audited(item)
    return item


def set_current(standard_id: int) -> None:
    """Make one standard the town's current one (exactly one is current): each
    standard that changes is written, role-checked and audited like any record."""
    with audit.transaction():
        audit.check_role(Standard)
        get_standard(standard_id)
        for standard in Standard.select().order_by(Standard.id):
            if standard.is_current != (standard.id == standard_id):
                standard.is_current = standard.id == standard_id
                audit.save_audited(standard)


def item_choices() -> list[tuple[str, str]]:
    """("standard · item", id) of every item of every standard, for pickers."""
    return [(f"{s.name} · {i.name}", str(i.id)) for s in list_standards() for i in s.items]
