"""The shipped detector, loaded once per test session (Detector.load caches it)."""

from __future__ import annotations

import pytest

from bot.detection import Detector


@pytest.fixture(scope="session")
def det() -> Detector:
    return Detector.load()
