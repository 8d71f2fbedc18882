"""``dlquiz config``: show or change the settings and preferences."""

from __future__ import annotations

import typer

from dlquiz.cli.app import app, fail


@app.command()
def config(
    name: str | None = typer.Argument(None, metavar="[NAME]", help="A setting (dlquiz config lists them)."),
    value: str | None = typer.Argument(None, metavar="[VALUE]", help="Its new value (omit to show the current one)."),
    reset: str | None = typer.Option(
        None, "--reset", metavar="NAME", help="Forget this setting: its default applies again.", show_default=False
    ),
) -> None:
    """Show the settings and where your data is kept, or change one.

    desired_retention (default 0.9) is the chance FSRS aims for that you still
    remember a question when it comes due; new_per_day (20) and
    reviews_per_day (200) are the daily limits of dlquiz drill; timezone
    (default: the system's) is where your days start at midnight, for
    dlquiz stats and dlquiz bury. bank_paths are bank files or folders every
    command loads as if given with --bank (several separated by ':');
    bundled_banks no leaves out the banks that come with dlquiz. Export and
    import carry the settings but not these two preferences about this machine.

    Examples:

        dlquiz config

        dlquiz config new_per_day 10

        dlquiz config timezone Europe/Berlin

        dlquiz config bank_paths ~/my-questions

        dlquiz config --reset bank_paths
    """
    from dlquiz.errors import DlquizError, SettingError
    from dlquiz.settings import SETTINGS, TIMEZONE, current, parse_setting
    from dlquiz.store import Store

    try:
        if reset is not None:
            if name is not None:
                fail("--reset takes the setting's name alone", 2)
            if reset not in SETTINGS:
                parse_setting(reset, "")  # raises the unknown-setting error
            with Store.open() as store:
                store.delete_setting(reset)
            print(f"{reset} = {SETTINGS[reset].show(current({})[reset])}  (default)")
            return
        if name is not None and value is not None:
            parsed = parse_setting(name, value)
            with Store.open() as store:
                store.set_setting(name, parsed)
            print(f"{name} = {SETTINGS[name].show(parsed)}")
            return
        if name is not None and name not in SETTINGS:
            parse_setting(name, "")  # raises the unknown-setting error
        with Store.open(readonly=True) as store:
            stored = store.settings()
            where = store.path
        values = current(stored)
    except SettingError as error:
        fail(str(error), 2)  # a usage error, like typer's own
    except DlquizError as error:
        fail(str(error))
    if name is None:
        print(f"data folder: {where.parent}  (progress in {where.name}; set DLQUIZ_HOME to move it)")
    for key, setting in SETTINGS.items():
        if name is None or key == name:
            note = " (the system's)" if key == TIMEZONE and key not in stored else ""
            print(f"{key} = {setting.show(values[key])}    # {setting.help}{note}")
