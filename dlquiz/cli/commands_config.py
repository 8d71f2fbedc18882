"""``dlquiz config``: show or change the settings."""

from __future__ import annotations

import typer

from dlquiz.cli.app import app, fail


@app.command()
def config(
    name: str | None = typer.Argument(
        None, help="A setting: desired_retention, new_per_day, reviews_per_day or timezone."
    ),
    value: str | None = typer.Argument(None, help="Its new value (omit to show the current one)."),
) -> None:
    """Show the settings, or change one.

    desired_retention (default 0.9) is the chance FSRS aims for that you still
    remember a question when it comes due; new_per_day (20) and
    reviews_per_day (200) are the daily limits of dlquiz drill; timezone
    (default: the system's) is where your days start at midnight, for
    dlquiz stats.

    Examples:

        dlquiz config

        dlquiz config new_per_day 10

        dlquiz config timezone Europe/Berlin
    """
    from dlquiz.errors import DlquizError, SettingError
    from dlquiz.settings import SETTINGS, TIMEZONE, current, parse_setting
    from dlquiz.store import Store

    try:
        if name is not None and value is not None:
            parsed = parse_setting(name, value)
            with Store.open() as store:
                store.set_setting(name, parsed)
            print(f"{name} = {parsed}")
            return
        if name is not None and name not in SETTINGS:
            parse_setting(name, "")  # raises the unknown-setting error
        with Store.open(readonly=True) as store:
            stored = store.settings()
        values = current(stored)
    except SettingError as error:
        fail(str(error), 2)  # a usage error, like typer's own
    except DlquizError as error:
        fail(str(error))
    for key, setting in SETTINGS.items():
        if name is None or key == name:
            note = " (the system's)" if key == TIMEZONE and key not in stored else ""
            print(f"{key} = {values[key]}    # {setting.help}{note}")
