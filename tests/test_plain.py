"""Plain tables (``dlquiz list``): columns line up by terminal cells, whatever the text and the output's encoding."""

from __future__ import annotations

import io
import sys

import pytest

from dlquiz.ui.plain import styled, table, width


@pytest.fixture(autouse=True)
def plain(monkeypatch):
    monkeypatch.setenv("NO_COLOR", "1")


def test_columns_line_up_by_cells_with_wide_and_combining_characters():
    rows = [["cnn", "3"], ["注意力", "12"], ["café", "7"], ["e\u0301te\u0301", "1"]]  # the last: combining accents
    lines = table(["topic", "n"], rows, right=[1])
    assert [width(line) for line in lines[2:]] == [width(lines[0])] * len(rows)
    assert lines[3] == "注意力  12"  # six cells, the gap, then the number right-aligned under "n"
    assert lines[0] == "topic    n"
    assert lines[1] == "─" * 6 + "  " + "─" * 2


def test_a_total_row_gets_a_rule_above_it():
    lines = table(["topic", "n"], [["a", "1"], ["b", "2"], ["all", "3"]], right=[1], total=True)
    assert lines[-2] == lines[1] and lines[-1] == "all    3"
    assert table(["topic", "n"], [], total=True) == ["topic  n", "─" * 5 + "  " + "─"]


def test_the_rule_is_ascii_where_the_output_cannot_show_box_lines(monkeypatch):
    monkeypatch.setattr(sys, "stdout", io.TextIOWrapper(io.BytesIO(), encoding="latin-1"))
    assert table(["ab"], [["c"]])[1] == "--"


def test_styles_are_dropped_under_no_color(monkeypatch):
    assert styled("x", bold=True) == "x"
    monkeypatch.delenv("NO_COLOR")
    assert styled("x", bold=True) == "\x1b[1mx\x1b[0m"
