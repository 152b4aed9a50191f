"""Pinyin search keys for names, with every reading of polyphonic characters.

pypinyin costs about 200 ms to import, so it is loaded here, on the first
name written, never at start-up.
"""

from __future__ import annotations

from itertools import islice, product

MAX_VARIANTS = 32
MAX_KEY_LEN = 400


def _readings(name: str, style_name: str) -> list[list[str]]:
    from pypinyin import Style, pinyin

    style = getattr(Style, style_name)
    rows = pinyin(name, style=style, heteronym=True, errors=lambda s: list(s.lower()))
    out = []
    for index, readings in enumerate(rows):
        unique = list(dict.fromkeys(r.lower() for r in readings if r.strip()))
        # The surname gets every reading (单 shan/dan, 曾 zeng/ceng); later
        # characters keep their two commonest so the key stays small.
        out.append(unique if index == 0 else unique[:2])
    return [r for r in out if r]


def _join(rows: list[list[str]]) -> str:
    variants = list(dict.fromkeys("".join(p) for p in islice(product(*rows), MAX_VARIANTS)))
    key = ""
    for variant in variants:
        candidate = f"{key} {variant}".strip()
        if len(candidate) > MAX_KEY_LEN:
            break
        key = candidate
    return key


def search_keys(name: str) -> tuple[str, str]:
    """(full pinyin variants, initials variants), each space-separated."""
    name = "".join(name.split())
    if not name:
        return "", ""
    return _join(_readings(name, "NORMAL")), _join(_readings(name, "FIRST_LETTER"))
