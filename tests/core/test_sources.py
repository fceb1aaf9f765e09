"""Turning what the user gave into items: files, folders, URLs, data: URIs, stdin; bad ones explained."""

from __future__ import annotations

import base64
import io
import os
from pathlib import Path
from typing import Any

import pytest

from tests.imagefactory import image_bytes, write_image
from upscaler_gui.core.errors import InputError
from upscaler_gui.core.images import check_file
from upscaler_gui.core.sources import (
    Rejected,
    Source,
    check_url,
    decode_data_uri,
    expand,
    is_hidden_or_partial,
)


def test_files_urls_and_data_keep_their_order(tmp_path: Path) -> None:
    a = write_image(tmp_path / "a.png")
    data = "data:image/png;base64," + base64.b64encode(image_bytes()).decode()
    items = expand([str(a), "https://example.com/b.jpg", data])
    assert [type(i) for i in items] == [Source, Source, Source]
    assert [i.kind for i in items if isinstance(i, Source)] == ["file", "url", "data"]


def test_folder_is_recursive_images_only_and_skips_hidden_and_partial(tmp_path: Path) -> None:
    write_image(tmp_path / "in" / "a.png")
    write_image(tmp_path / "in" / "sub" / "b.jpg", "JPEG")
    write_image(tmp_path / "in" / "noext", "WEBP")  # no extension, but the bytes say image
    (tmp_path / "in" / "notes.txt").write_text("hello")
    write_image(tmp_path / "in" / ".hidden.png")
    write_image(tmp_path / "in" / "c.png.part")
    write_image(tmp_path / "in" / "d.png.crdownload")
    write_image(tmp_path / "in" / ".git" / "e.png")
    (tmp_path / "in" / "x.gif").write_bytes(image_bytes("GIF"))  # kept: it will be refused by name
    names = sorted(i.path.name for i in expand([str(tmp_path / "in")]) if isinstance(i, Source) and i.path)
    assert names == ["a.png", "b.jpg", "noext", "x.gif"]


def test_missing_path_is_rejected_with_its_name(tmp_path: Path) -> None:
    (item,) = expand([str(tmp_path / "nope.png")])
    assert isinstance(item, Rejected) and "nope.png" in item.error


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("ftp://example.com/a.png", "Only http and https"),
        ("file:///etc/passwd", "Only http and https"),
        ("https:///nohost.png", "no valid host"),
        ("http://exa mple.com/a.png", "contains a space"),
        ("https://example.com/my photo.png", "contains a space"),
        ("http://[::1/a.png", "not a valid URL"),
    ],
)
def test_bad_urls(url: str, message: str) -> None:
    with pytest.raises(InputError, match=message):
        check_url(url)
    (item,) = expand([url])
    assert isinstance(item, Rejected) and message in item.error


def test_data_uri_forms() -> None:
    raw = image_bytes()
    assert decode_data_uri("data:image/png;base64," + base64.b64encode(raw).decode()) == raw
    assert decode_data_uri("data:text/plain,hello%20there") == b"hello there"
    with pytest.raises(InputError, match="no data"):
        decode_data_uri("data:image/png;base64")


def test_stdin_one_per_line(tmp_path: Path) -> None:
    a = write_image(tmp_path / "a.png")
    stdin = io.StringIO(f"{a}\n\nhttps://example.com/b.png\n")
    items = expand(["-"], stdin=stdin)
    assert [i.given for i in items] == [str(a), "https://example.com/b.png"]


@pytest.mark.parametrize(
    ("name", "hidden"),
    [
        ("a.png", False),
        (".a.png", True),
        ("a.png.part", True),
        ("~$doc.png", True),
        ("x.TMP", True),
        (".syncthing.a.png.tmp", True),
        ("a.download", True),
    ],
)
def test_hidden_or_partial(name: str, hidden: bool) -> None:
    assert is_hidden_or_partial(name) is hidden


# --- odd files: never opened, always explained ----------------------------------------------------


def test_a_subfolder_that_cannot_be_listed_is_reported(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write_image(tmp_path / "in" / "a.png")
    write_image(tmp_path / "in" / "locked" / "b.png")
    real_scandir = os.scandir

    def scandir(path: Any) -> Any:  # what a folder without read permission does (root reads any)
        if str(path).endswith("locked"):
            raise PermissionError(13, "Permission denied", str(path))
        return real_scandir(path)

    monkeypatch.setattr(os, "scandir", scandir)
    items = expand([str(tmp_path / "in")])
    assert [type(i) for i in items] == [Source, Rejected]
    refused = items[1]
    assert isinstance(refused, Rejected) and refused.given == str(tmp_path / "in" / "locked")
    assert "This folder cannot be read (Permission denied)" in refused.error


def test_a_pipe_is_refused_by_its_kind_without_opening_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    os.mkfifo(tmp_path / "pipe.png")
    opened: list[object] = []
    with monkeypatch.context() as patched:  # undone before the fixtures' teardown opens anything
        patched.setattr(os, "open", lambda *args, **kwargs: opened.append(args))  # any open is seen
        (item,) = expand([str(tmp_path / "pipe.png")])
        with pytest.raises(InputError, match="a named pipe"):
            check_file(tmp_path / "pipe.png")
    assert isinstance(item, Rejected)
    assert item.error == "This is not a regular file (a named pipe): only image files can be upscaled."
    assert opened == []


def test_what_is_shown_of_an_input_hides_link_secrets_and_long_data() -> None:
    link = "https://ann:s3cret@example.com/a.png?token=T0K3N&sig=abc"
    data = "data:image/png;base64," + "A" * 5000
    items = expand([link, data, os.fsdecode(b"caf\xe9.png")])
    assert [i.given for i in items] == [
        "https://***@example.com/a.png?token=***&sig=***",
        "data:image/png;base64,...(5022 chars)",
        "caf\\xe9.png",
    ]
    source = items[0]
    assert isinstance(source, Source) and source.url == link  # the real link stays for KIE
