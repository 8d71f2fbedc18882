"""Where dlquiz keeps things: the bundled banks and the user's data folder."""

from __future__ import annotations

import os
from pathlib import Path

from dlquiz.errors import DlquizError

HOME_ENV = "DLQUIZ_HOME"


def home_dir() -> Path:
    """``$DLQUIZ_HOME`` when set, else the platform's user data folder (not created here)."""
    env = os.environ.get(HOME_ENV)
    if env is not None:
        if not env.strip():
            # Set but empty is a mistake (an unset variable in a script), not a request for the default.
            raise DlquizError(f"{HOME_ENV} is set but empty: unset it for the default folder, or name a folder")
        try:
            return Path(env).expanduser()
        except RuntimeError:  # '~nosuchuser/x': there is no such user to expand
            raise DlquizError(f"{HOME_ENV}={env!r}: cannot expand '~' (no such user)") from None
    from platformdirs import user_data_path

    return user_data_path("dlquiz", appauthor=False)


def db_path() -> Path:
    return home_dir() / "progress.db"


def bundled_banks_dir() -> Path:
    """The banks shipped with dlquiz.

    In a wheel they sit inside the package (``dlquiz/questions``); in a source
    checkout or editable install they are the repo's ``questions/`` folder.
    """
    here = Path(__file__).resolve().parent
    packaged = here / "questions"
    if packaged.is_dir():
        return packaged
    return here.parent / "questions"
