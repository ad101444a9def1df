"""Unruled tables placeholder: filled in below."""

from __future__ import annotations

from extract.pdf.model import Page, Table
from extract.pdf.settings import LayoutSettings


def find_unruled(page: Page, s: LayoutSettings) -> list[Table]:
    return []
