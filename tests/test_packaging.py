"""The wheel carries the bundled banks: installed in a fresh venv, dlquiz finds them from any folder."""

from __future__ import annotations

import os
import site
import subprocess
import sys
import zipfile
from pathlib import Path

from banktools import REPO


def test_a_fresh_install_ships_and_finds_the_bundled_banks(tmp_path):
    wheels = tmp_path / "wheels"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--quiet",
            "--no-deps",
            "--no-build-isolation",
            "-w",
            str(wheels),
            str(REPO),
        ],
        check=True,
        capture_output=True,
    )
    (wheel,) = wheels.glob("dlquiz-*.whl")
    archive = zipfile.ZipFile(wheel)
    names = archive.namelist()
    banks = sorted(p.name for p in (REPO / "questions").glob("*.yaml"))
    assert sorted(n.rsplit("/", 1)[1] for n in names if n.startswith("dlquiz/questions/")) == banks
    assert "dlquiz/schema/bank.schema.json" in names
    # The shipped banks are the repo's, byte for byte, so test_check's run of `dlquiz check` on the
    # repo's banks covers them; the installed copy only has to be found and loaded (below).
    for name in banks:
        assert archive.read(f"dlquiz/questions/{name}") == (REPO / "questions" / name).read_bytes(), name

    # A venv that borrows this environment's dependencies (no network needed) through a
    # .pth file, placed after its own site-packages, so dlquiz itself comes from the wheel.
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    python = venv / "bin" / "python"
    own_site = subprocess.run(
        [str(python), "-c", "import site; print(site.getsitepackages()[0])"], capture_output=True, text=True, check=True
    ).stdout.strip()
    (Path(own_site) / "borrowed.pth").write_text("\n".join(site.getsitepackages()) + "\n")
    subprocess.run(
        [sys.executable, "-m", "pip", "--python", str(python), "install", "--quiet", "--no-deps", str(wheel)],
        check=True,
        capture_output=True,
    )
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    env = dict(os.environ, NO_COLOR="1", DLQUIZ_HOME=str(tmp_path / "home"))
    done = subprocess.run(
        [str(venv / "bin" / "dlquiz"), "list"], cwd=elsewhere, env=env, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "site-packages" in done.stdout and done.stderr == ""  # every bundled bank loaded
    located = subprocess.run(
        [str(python), "-c", "import dlquiz.paths as p; print(p.bundled_banks_dir())"],
        cwd=elsewhere,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert "site-packages" in located
