"""Shared fixtures (no test ever touches a real user's data folder) and the Hypothesis profile."""

from __future__ import annotations

import os

import profiles  # noqa: F401  (registers the profiles)
import pytest
from hypothesis import settings

from dlquiz.cli import register_commands

# In-process CLI tests invoke any command on dlquiz.cli.app.app: register them all.
register_commands()

# Loaded here, before any test module is imported: ``--hypothesis-profile`` is
# applied after this by Hypothesis' own plugin, so it still wins.
settings.load_profile("ci" if os.environ.get("CI") else "fast")


@pytest.fixture(autouse=True)
def dlquiz_home(tmp_path, monkeypatch):
    """Point ``$DLQUIZ_HOME`` at a fresh folder for every test."""
    home = tmp_path / "dlquiz-home"
    monkeypatch.setenv("DLQUIZ_HOME", str(home))
    return home
