"""What the screens may ask about the store itself: is it read-only, was a
failure the disk or another writer. The TUI asks here, never ``store/``."""

from branchtui.store.db import is_busy, is_disk_full, is_read_only, storage_problem

__all__ = ["is_busy", "is_disk_full", "is_read_only", "storage_problem"]
