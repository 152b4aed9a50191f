"""Search as you type: Chinese text, full pinyin or initials."""

from __future__ import annotations

import re


def normalize_query(query: str) -> str:
    return "".join((query or "").split())


def is_pinyin_query(query: str) -> bool:
    return bool(re.fullmatch(r"[A-Za-z]+", query))


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
