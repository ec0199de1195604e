"""Synthetic reports built inside the tests (no binaries committed)."""
