"""Chinese is the source language; English is looked up on request.

Every user-facing string is written in Chinese and passed through ``_``.
The English catalogue is imported only when English is asked for, so the
default start-up pays nothing for it.
"""

from __future__ import annotations

import os

_lang = "zh"
_catalog: dict[str, str] = {}


def set_language(lang: str | None) -> str:
    """Select 'zh' or 'en'; anything else falls back to Chinese."""
    global _lang, _catalog
    lang = (lang or os.environ.get("BRANCHTUI_LANG") or "zh").lower()
    _lang = "en" if lang.startswith("en") else "zh"
    if _lang == "en":
        from branchtui.i18n_en import CATALOG

        _catalog = CATALOG
    else:
        _catalog = {}
    return _lang


def language() -> str:
    return _lang


def _(text: str) -> str:
    return _catalog.get(text, text) if _catalog else text
