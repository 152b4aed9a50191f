"""bench.imports at a tiny scale: its file imports whole (no time asserted)."""

from __future__ import annotations


def test_bench_import_file_imports_every_row(tmp_path):
    from bench.imports import measure

    result = measure(30, tmp_path)
    assert result["bad"] == []
    assert result["created"] == 30 and result["members_after"] == 74 + 30
