"""Pydantic models of every record, and the data files the rules read (schemas/data/)."""

from pathlib import Path

from schemas.models import *  # noqa: F403

DATA_DIR = Path(__file__).parent / "data"
