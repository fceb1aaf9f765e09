"""Result names and placement: template, sanitising, conflict policies, temp files never left."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest

from upscaler_gui.core.errors import InputError
from upscaler_gui.core.output import (
    NameFields,
    place,
    remove_stale_temp_files,
    render_name,
    stem_of,
    temp_file,
    validate_template,
)


def fields(**kw: object) -> NameFields:
    base: dict[str, object] = {
        "stem": "photo",
        "ext": "png",
        "n": 3,
        "task_id": "task_1",
        "width": 200,
        "height": 100,
        "when": datetime(2026, 11, 23, 14, 5, 9),
    }
    base.update(kw)
    return NameFields(**base)  # type: ignore[arg-type]


def test_default_and_every_field() -> None:
    assert render_name("{stem}_crisp.{ext}", fields()) == "photo_crisp.png"
    name = render_name("{n}-{stem}-{date}-{time}-{task_id}-{width}x{height}.{ext}", fields())
    assert name == "3-photo-2026-11-23-14-05-09-task_1-200x100.png"


@pytest.mark.parametrize(
    ("stem", "expected"),
    [
        ("../../etc/passwd", "_.._etc_passwd_crisp.png"),
        ("..", "image_crisp.png"),
        ("a/b\\c", "a_b_c_crisp.png"),
        ("CON", "_CON_crisp.png"),
        (".hidden", "hidden_crisp.png"),
        ("x" * 400, "x" * 150 + "_crisp.png"),
    ],
)
def test_names_cannot_escape_hide_or_overflow(stem: str, expected: str) -> None:
    name = render_name("{stem}_crisp.{ext}", fields(stem=stem))
    assert "/" not in name and "\\" not in name
    assert name == expected


def test_reserved_windows_name_alone_is_prefixed() -> None:
    assert render_name("{stem}.{ext}", fields(stem="CON")) == "_CON.png"


@pytest.mark.parametrize(
    ("template", "message"),
    [
        ("{stem}.{bogus}", "unknown field {bogus}"),
        ("{stem", "not valid"),
        ("{stem}_x", "must contain {ext}"),
        ("{n:d}.{ext}", "not valid"),
        ("{stem!z}.{ext}", "not valid"),
    ],
)
def test_bad_templates_are_refused_clearly(template: str, message: str) -> None:
    with pytest.raises(InputError, match=message.replace("{", r"\{").replace("}", r"\}")):
        validate_template(template)


def test_stem_of_names_and_url_segments() -> None:
    assert stem_of("photo.final.jpg") == "photo.final"
    assert stem_of("noext") == "noext"


def _finished_temp(folder: Path, content: bytes) -> Path:
    path = folder / ".crisp-abc.part"
    path.write_bytes(content)
    return path


def test_rename_policy_numbers_and_never_overwrites(tmp_path: Path) -> None:
    (tmp_path / "x_crisp.png").write_bytes(b"users file")
    (tmp_path / "x_crisp-1.png").write_bytes(b"another")
    placed = place(_finished_temp(tmp_path, b"new"), tmp_path, "x_crisp.png", "rename")
    assert placed == tmp_path / "x_crisp-2.png" and placed.read_bytes() == b"new"
    assert (tmp_path / "x_crisp.png").read_bytes() == b"users file"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["x_crisp-1.png", "x_crisp-2.png", "x_crisp.png"]


def test_skip_policy_leaves_existing_and_reports_none(tmp_path: Path) -> None:
    (tmp_path / "x_crisp.png").write_bytes(b"users file")
    temp = _finished_temp(tmp_path, b"new")
    assert place(temp, tmp_path, "x_crisp.png", "skip") is None
    assert (tmp_path / "x_crisp.png").read_bytes() == b"users file"


def test_overwrite_policy_replaces(tmp_path: Path) -> None:
    (tmp_path / "x_crisp.png").write_bytes(b"old")
    place(_finished_temp(tmp_path, b"new"), tmp_path, "x_crisp.png", "overwrite")
    assert (tmp_path / "x_crisp.png").read_bytes() == b"new"
    assert [p.name for p in tmp_path.iterdir()] == ["x_crisp.png"]


def test_temp_file_is_removed_on_failure_and_after_success(tmp_path: Path) -> None:
    with pytest.raises(RuntimeError), temp_file(tmp_path) as (path, stream):
        stream.write(b"half")
        assert path.exists() and path.name.startswith(".")
        raise RuntimeError("download cut")
    assert list(tmp_path.iterdir()) == []
    with temp_file(tmp_path) as (path, stream):
        stream.write(b"all")
        stream.flush()
        place(path, tmp_path, "done.png", "rename")
    assert [p.name for p in tmp_path.iterdir()] == ["done.png"]


def test_stale_temp_files_are_cleaned(tmp_path: Path) -> None:
    (tmp_path / ".crisp-dead.part").write_bytes(b"x")
    (tmp_path / "keep.png").write_bytes(b"x")
    assert remove_stale_temp_files(tmp_path) == 1
    assert [p.name for p in tmp_path.iterdir()] == ["keep.png"]


def test_a_temp_file_another_live_process_is_writing_is_left_alone(tmp_path: Path) -> None:
    import subprocess
    import sys

    writer = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)"])
    try:
        live = tmp_path / f".crisp-{writer.pid}-abc.part"
        live.write_bytes(b"being written")
        dead = tmp_path / ".crisp-999999999-def.part"
        dead.write_bytes(b"left by a killed run")
        assert remove_stale_temp_files(tmp_path) == 1
        assert live.exists() and not dead.exists()
    finally:
        writer.kill()
        writer.wait()


def test_our_temp_names_carry_our_pid(tmp_path: Path) -> None:
    import os

    with temp_file(tmp_path) as (path, _stream):
        assert path.name.startswith(f".crisp-{os.getpid()}-") and path.name.endswith(".part")
