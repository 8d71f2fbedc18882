"""Shared fixtures: no test ever touches a real user's data folder."""

from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def dlquiz_home(tmp_path, monkeypatch):
    """Point ``$DLQUIZ_HOME`` at a fresh folder for every test."""
    home = tmp_path / "dlquiz-home"
    monkeypatch.setenv("DLQUIZ_HOME", str(home))
    return home
