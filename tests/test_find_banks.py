"""Finding bank files in folders: the same files, resolved and in the same order, as ``rglob`` gives."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from dlquiz.loader import BANK_SUFFIXES, find_bank_files


def by_rglob(folder: Path) -> list[Path]:
    """The definition the walk must match: every bank file pathlib finds under ``folder``, resolved."""
    found = sorted(p for p in folder.rglob("*") if p.suffix in BANK_SUFFIXES and p.is_file())
    return list(dict.fromkeys(p.resolve() for p in found))


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    root = tmp_path / "banks"
    for name in [
        "b.yaml",
        "a.yml",
        "a-b.yaml",
        "notes.txt",
        "README.yaml.bak",
        ".hidden.yaml",
        ".yaml",  # no suffix for pathlib: a name that only starts with a dot
        "x.yaml.",
        "Upper.YAML",
        "a/z.yaml",
        "a/b/c.yaml",
        "a/b/d.yml",
        "a.d/e.yaml",
        ".git/f.yaml",
        "folder.yaml/inner.yaml",
    ]:
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("[]\n", encoding="utf-8")
    outside = tmp_path / "outside"
    (outside / "deep").mkdir(parents=True)
    (outside / "o.yaml").write_text("[]\n", encoding="utf-8")
    (outside / "deep" / "p.yaml").write_text("[]\n", encoding="utf-8")
    (root / "link.yaml").symlink_to(outside / "o.yaml")  # a linked file: listed, resolved to its target
    (root / "again.yaml").symlink_to(root / "b.yaml")  # the same file twice: listed once
    (root / "linked-folder").symlink_to(outside / "deep")  # a linked folder: not entered, as rglob
    (root / "folder-link.yaml").symlink_to(outside / "deep")  # a link to a folder named like a bank
    (root / "broken.yaml").symlink_to(tmp_path / "missing.yaml")
    os.mkfifo(root / "pipe.yaml")  # not a regular file
    return root


def test_the_walk_finds_what_rglob_finds(tree: Path):
    files, errors = find_bank_files([tree])
    assert not errors
    assert files == by_rglob(tree)
    # And the cases above are really there to be told apart.
    names = [p.name for p in files]
    assert {"o.yaml", ".hidden.yaml", "inner.yaml", "f.yaml"} <= set(names)
    assert not {"p.yaml", ".yaml", "Upper.YAML", "broken.yaml", "pipe.yaml"} & set(names)
    assert names.count("b.yaml") == 1


def test_a_folder_reached_through_a_link(tree: Path, tmp_path: Path):
    via = tmp_path / "via"
    via.symlink_to(tree)
    assert find_bank_files([via])[0] == by_rglob(via) == by_rglob(tree)


def test_an_unreadable_folder_is_skipped(tree: Path):
    locked = tree / "locked"
    locked.mkdir()
    (locked / "g.yaml").write_text("[]\n", encoding="utf-8")
    locked.chmod(0)
    try:
        if os.access(locked, os.R_OK):
            pytest.skip("running as a user who reads any folder")
        assert find_bank_files([tree])[0] == by_rglob(tree)
    finally:
        locked.chmod(0o755)


def test_files_and_folders_given_together_are_listed_once(tree: Path, tmp_path: Path):
    files, errors = find_bank_files([tree / "b.yaml", tree, tmp_path / "nowhere"])
    assert files[0] == (tree / "b.yaml").resolve()
    assert files[1:] == [p for p in by_rglob(tree) if p != files[0]]
    assert [e.path for e in errors] == [str(tmp_path / "nowhere")]
