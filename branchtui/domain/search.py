"""Search as you type: Chinese text, full pinyin or initials."""

from __future__ import annotations

import re


# Longer than any name or note one searches for, and far below SQLite's
# LIKE pattern limit (50,000 bytes: "LIKE or GLOB pattern too complex").
MAX_QUERY = 100


def normalize_query(query) -> str:
    from branchtui.domain.errors import ValidationError
    from branchtui.i18n import _

    if query is not None and not isinstance(query, str):
        raise ValidationError("query", _("查找内容应为文字"))
    # Control characters (NUL above all, which PostgreSQL refuses in text) cannot be typed into a name.
    text = "".join(ch for ch in "".join((query or "").split()) if ch.isprintable())
    if len(text) > MAX_QUERY:
        raise ValidationError("query", _("查找内容太长：最多 {n} 个字").format(n=MAX_QUERY))
    return text


def is_pinyin_query(query) -> bool:
    return isinstance(query, str) and bool(re.fullmatch(r"[A-Za-z]+", query))


def name_condition(model, query: str, *extra_text_fields):
    """Rows of ``model`` whose name (or extra fields) matches ``query``.

    Latin letters search the stored pinyin keys (jumin, jm, zcf); anything
    else searches the text itself. Returns None for an empty query.
    """
    query = normalize_query(query)
    if not query:
        return None
    if is_pinyin_query(query):
        q = query.lower()
        condition = model.name_pinyin.contains(q) | model.name_initials.contains(q)
    else:
        condition = model.name.contains(query)
    for field in extra_text_fields:
        condition = condition | field.contains(query)
    return condition
