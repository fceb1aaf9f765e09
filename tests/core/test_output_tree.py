"""The folder tree kept in the output: `{relpath}` and `keep_tree`, and nothing that can lead out of it."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from upscaler_gui.core.errors import OutputError
from upscaler_gui.core.jobs import OutputOptions
from upscaler_gui.core.output import NameFields, place, predicted_name, render_name, tree_template
from upscaler_gui.core.sources import Source, expand


def fields(relpath: str, stem: str = "photo") -> NameFields:
    return NameFields(stem=stem, ext="png", relpath=relpath)


def test_relpath_puts_the_result_in_the_inputs_subfolder() -> None:
    assert render_name("{relpath}/{stem}_crisp.{ext}", fields("2026/trip")) == "2026/trip/photo_crisp.png"
    assert render_name("{relpath}/{stem}_crisp.{ext}", fields("")) == "photo_crisp.png"  # at the top
    assert render_name("{stem}_crisp.{ext}", fields("2026/trip")) == "photo_crisp.png"  # not asked for
    assert render_name("out-{relpath}-{stem}.{ext}", fields("a/b")) == "out-a/b-photo.png"


@pytest.mark.parametrize(
    ("relpath", "expected"),
    [
        ("../../etc", "etc/photo.png"),
        ("/etc/cron.d", "etc/cron.d/photo.png"),
        ("a/../../b", "a/b/photo.png"),
        ("..\\..\\windows", "windows/photo.png"),
        ("C:\\Users", "C_/Users/photo.png"),
        ("./.hidden/x", "hidden/x/photo.png"),
        ("con/aux", "_con/_aux/photo.png"),
        ("a\x00b/\x1b[31m", "a_b/_[31m/photo.png"),
        ("...", "photo.png"),
    ],
)
def test_hostile_subfolders_never_lead_out_or_hide(relpath: str, expected: str) -> None:
    assert render_name("{relpath}/{stem}.{ext}", fields(relpath)) == expected


def test_the_templates_own_slashes_cannot_climb_out() -> None:
    assert render_name("{relpath}/../../{stem}.{ext}", fields("a")) == "a/photo.png"
    assert render_name("/{relpath}//{stem}.{ext}", fields("a")) == "a/photo.png"
    assert render_name("{relpath}/{stem}.{ext}", fields("a", stem="../../x")) == "a/_.._x.png"


def test_keep_tree_adds_the_subfolder_once() -> None:
    assert tree_template("{stem}_crisp.{ext}") == "{relpath}/{stem}_crisp.{ext}"
    assert tree_template("{date}/{relpath}/{stem}.{ext}") == "{date}/{relpath}/{stem}.{ext}"
    options = OutputOptions.checked("/tmp/out", keep_tree=True)
    assert options.template == "{relpath}/{stem}_crisp.{ext}"


def test_place_makes_the_subfolders_and_refuses_a_way_out(tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    temp = out / ".crisp-1.part"
    temp.write_bytes(b"result")
    placed = place(temp, out, "a/b/x.png", "rename")
    assert placed == out / "a" / "b" / "x.png" and placed.read_bytes() == b"result"
    for name in ("../x.png", "/tmp/x.png", "a/../../x.png"):
        temp.write_bytes(b"result")
        with pytest.raises(OutputError, match="would leave the output folder"):
            place(temp, out, name, "rename")
    (tmp_path / "elsewhere").mkdir()
    os.symlink(tmp_path / "elsewhere", out / "link")  # a subfolder that is a link out of it
    with pytest.raises(OutputError, match="would leave the output folder"):
        place(temp, out, "link/x.png", "rename")
    assert list((tmp_path / "elsewhere").iterdir()) == []


def test_a_folders_images_carry_their_subfolder(tmp_path: Path) -> None:
    for name in ("top.png", "a/one.png", "a/b/two.png"):
        (tmp_path / "in" / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / "in" / name).write_bytes(b"\x89PNG\r\n\x1a\n")
    found = {Path(i.given).name: i.relpath for i in expand([str(tmp_path / "in")]) if isinstance(i, Source)}
    assert found == {"top.png": "", "one.png": "a", "two.png": "a/b"}
    (given,) = expand([str(tmp_path / "in" / "a" / "one.png")])
    assert isinstance(given, Source) and given.relpath == ""  # a file given by itself: no subfolder


def test_the_predicted_name_knows_the_subfolder() -> None:
    name = predicted_name("{relpath}/{stem}_crisp.{ext}", "x", "keep", "png", 1, relpath="a/b")
    assert name == "a/b/x_crisp.png"


def test_options_stored_before_these_fields_read_with_their_defaults() -> None:
    old = json.dumps({"folder": "/out", "template": "{stem}.{ext}", "quality": 80, "future_field": 1})
    options = OutputOptions.from_json(old)
    assert (options.fit_bytes, options.fit_pixels, options.relpath, options.quality) == (True, False, "", 80)
    again = OutputOptions.from_json(OutputOptions("/out", relpath="a/b", fit_pixels=True).to_json())
    assert (again.relpath, again.fit_pixels) == ("a/b", True)
