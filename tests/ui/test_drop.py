"""What a drop or paste holds, from QMimeData built the way file managers and browsers build it."""

from __future__ import annotations

import base64
import os
import re
import threading
from pathlib import Path

import pytest
from PIL import Image
from PySide6.QtCore import QMimeData, QPoint, QPointF, Qt, QUrl
from PySide6.QtGui import QDragEnterEvent, QDropEvent, QImage
from PySide6.QtWidgets import QApplication, QWidget
from pytestqt.qtbot import QtBot

from tests.imagefactory import image_bytes, write_image
from upscaler_gui.ui.drop.intake import InputIntake, accept_copy
from upscaler_gui.ui.drop.mime import (
    MAX_DATA_URI_CHARS,
    DropPayload,
    accepts,
    parse_mime,
    save_pasted_image,
)

pytestmark = pytest.mark.usefixtures("qapp")

IMG = "https://cdn.example.com/photos/cat.jpg"


def make_mime(
    formats: dict[str, bytes] | None = None,
    *,
    text: str | None = None,
    html: str | None = None,
    urls: list[QUrl] | None = None,
    image: QImage | None = None,
) -> QMimeData:
    mime = QMimeData()
    if urls is not None:
        mime.setUrls(urls)
    if html is not None:
        mime.setHtml(html)
    if text is not None:
        mime.setText(text)
    if image is not None:
        mime.setImageData(image)
    for name, data in (formats or {}).items():
        mime.setData(name, data)
    return mime


def small_image() -> QImage:
    image = QImage(8, 6, QImage.Format.Format_RGB32)
    image.fill(Qt.GlobalColor.darkCyan)
    return image


def moz_url(*pairs: tuple[str, str]) -> bytes:
    return "\n".join(f"{url}\n{title}" for url, title in pairs).encode("utf-16-le")


# --- files and folders ---------------------------------------------------------------------------------


def test_local_files_and_a_folder_become_paths(tmp_path: Path) -> None:
    photo, folder = tmp_path / "a photo.png", tmp_path / "album"
    urls = [QUrl.fromLocalFile(str(photo)), QUrl.fromLocalFile(str(folder))]
    # A file manager also puts the paths in text/plain: they must not come twice.
    payload = parse_mime(make_mime(urls=urls, text=f"{photo}\n{folder}"))
    assert payload.inputs == [str(photo), str(folder)]
    assert payload.images == [] and payload.rejected == []


@pytest.mark.skipif(os.name == "nt", reason="on Windows, file://host/share is a UNC path")
def test_file_url_on_another_host_is_refused() -> None:
    payload = parse_mime(make_mime(urls=[QUrl("file://nas.example/share/p.png")]))
    assert payload.inputs == []
    [(what, why)] = payload.rejected
    assert "nas.example" in what and "another computer (nas.example)" in why


def test_file_url_naming_localhost_is_local() -> None:
    payload = parse_mime(make_mime({"text/uri-list": b"file://localhost/tmp/x.png\r\n"}))
    assert payload.inputs == ["/tmp/x.png"]


def test_nautilus_copied_files_format(tmp_path: Path) -> None:
    data = f"copy\n{QUrl.fromLocalFile(str(tmp_path / 'b.jpg')).toString()}".encode()
    payload = parse_mime(make_mime({"x-special/gnome-copied-files": data}))
    assert payload.inputs == [str(tmp_path / "b.jpg")]


# --- links ---------------------------------------------------------------------------------------------


def test_uri_list_skips_comment_lines() -> None:
    data = b"# two pictures\r\nhttps://a.example/1.png\r\n#second\r\nhttp://b.example/2.jpg\r\n"
    payload = parse_mime(make_mime({"text/uri-list": data}))
    assert payload.inputs == ["https://a.example/1.png", "http://b.example/2.jpg"]
    assert payload.rejected == []


def test_firefox_image_drag_gives_one_input() -> None:
    # Firefox offers the same URL five ways, its HTML in UTF-16 LE without a BOM (X11), and the pixels.
    html = f'<img src="{IMG}" alt="A cat">'.encode("utf-16-le")
    mime = make_mime(
        {
            "text/x-moz-url": moz_url((IMG, "cat.jpg")),
            "text/html": html,
            "text/uri-list": f"{IMG}\r\n".encode(),
            "application/x-moz-file-promise-url": IMG.encode(),
            "image/png": image_bytes("PNG"),
        },
        text=IMG,
    )
    payload = parse_mime(mime)
    assert payload == DropPayload(inputs=[IMG])


def test_chrome_image_drag_takes_the_url_not_the_pixels() -> None:
    meta = '<meta http-equiv="content-type" content="text/html; charset=utf-8">'
    html = f'{meta}<img src="{IMG}?w=800&amp;h=600" alt="cat">'
    payload = parse_mime(make_mime(html=html, image=small_image()))
    assert payload.inputs == [f"{IMG}?w=800&h=600"]
    assert payload.images == []


def test_html_in_utf16_with_bom() -> None:
    html = f'<img src="{IMG}">'.encode("utf-16")  # BOM first
    assert parse_mime(make_mime({"text/html": html})).inputs == [IMG]


def test_relative_src_resolved_against_base_href() -> None:
    html = '<base href="https://example.com/gallery/page.html"><p><img src="../img/a%20b.png"></p>'
    assert parse_mime(make_mime(html=html)).inputs == ["https://example.com/img/a%20b.png"]


def test_relative_src_resolved_against_windows_source_url() -> None:
    html = "Version:0.9\r\nSourceURL:https://example.org/news/today\r\n<html><img src='/i/x.webp'></html>"
    assert parse_mime(make_mime(html=html)).inputs == ["https://example.org/i/x.webp"]


def test_relative_src_without_a_page_address_is_refused() -> None:
    payload = parse_mime(make_mime(html='<img src="img/x.png">'))
    assert payload.inputs == []
    [(what, why)] = payload.rejected
    assert what == "img/x.png" and "relative" in why


def test_lazy_loading_placeholder_gives_way_to_the_real_url() -> None:
    gif = "data:image/gif;base64,R0lGODlhAQABAAAAACw="
    html = f'<img src="{gif}" data-src="{IMG}">'
    assert parse_mime(make_mime(html=html)).inputs == [IMG]


def test_srcset_takes_the_widest() -> None:
    html = '<img srcset="https://e.x/s.jpg 480w, https://e.x/l.jpg 1600w, https://e.x/m.jpg 800w">'
    assert parse_mime(make_mime(html=html)).inputs == ["https://e.x/l.jpg"]


def test_linked_image_drag_skips_the_page_link() -> None:
    # Browsers put a linked image's <a href> (a web page here) in uri-list and text; the picture is the src.
    page = "https://example.com/posts/42"
    html = f'<a href="{page}"><img src="{IMG}"></a>'
    mime = make_mime({"text/uri-list": page.encode(), "text/x-moz-url": moz_url((page, "post"))}, html=html)
    mime.setText(page)
    assert parse_mime(mime).inputs == [IMG]


def test_gallery_thumbnail_drag_takes_the_full_size_link() -> None:
    full = "https://example.com/full/cat.jpg"
    html = f'<a href="{full}"><img src="https://example.com/thumbs/cat_small.jpg"></a>'
    payload = parse_mime(make_mime({"text/uri-list": full.encode()}, html=html))
    assert payload.inputs == [full]


def test_plain_text_with_two_links_and_words() -> None:
    text = "Look at https://a.example/one.png and (https://b.example/two.jpg).\nNice, right? :)"
    payload = parse_mime(make_mime(text=text))
    assert payload.inputs == ["https://a.example/one.png", "https://b.example/two.jpg"]
    assert payload.rejected == []


def test_plain_text_path_with_spaces_kept_whole(tmp_path: Path) -> None:
    path = tmp_path / "My Photos" / "sea view.jpg"
    payload = parse_mime(make_mime(text=f'"{path}"\n/tmp/a.png /tmp/b.png'))
    assert payload.inputs == [str(path), "/tmp/a.png", "/tmp/b.png"]


def test_plain_text_with_nothing_usable_is_refused_with_a_reason() -> None:
    payload = parse_mime(make_mime(text="hello there, a cat photo.jpg"))
    assert payload.inputs == [] and payload.images == []
    [(what, why)] = payload.rejected
    assert what.startswith("hello there")
    assert "no image link or file in the pasted text" in why.lower()


def test_ftp_link_is_refused() -> None:
    payload = parse_mime(make_mime({"text/uri-list": b"ftp://files.example/p.png\r\n"}))
    assert payload.inputs == []
    [(what, why)] = payload.rejected
    assert what == "ftp://files.example/p.png" and "(this one is ftp)" in why


def test_a_refused_link_is_shown_without_its_password_or_token() -> None:
    link = b"ftp://ann:pw-secret@files.example/p.png?token=tok-secret\r\n"
    payload = parse_mime(make_mime({"text/uri-list": link}))
    [(what, why)] = payload.rejected
    assert what == "ftp://***@files.example/p.png?token=***" and "(this one is ftp)" in why


def test_ftp_link_in_text_is_refused_once() -> None:
    mime = make_mime({"text/uri-list": b"ftp://files.example/p.png"}, text="ftp://files.example/p.png")
    assert len(parse_mime(mime).rejected) == 1


def test_non_ascii_url_is_encoded_once() -> None:
    raw = "https://пример.рф/фото кота.jpg"
    encoded = "https://xn--e1afmkfd.xn--p1ai/%D1%84%D0%BE%D1%82%D0%BE%20%D0%BA%D0%BE%D1%82%D0%B0.jpg"
    mime = make_mime({"text/uri-list": encoded.encode()}, html=f'<img src="{raw}">')
    assert parse_mime(mime).inputs == [encoded]


def test_duplicates_across_formats_are_kept_once_files_first(tmp_path: Path) -> None:
    photo = tmp_path / "p.png"
    mime = make_mime(
        {"text/x-moz-url": moz_url((IMG, "cat"), ("https://b.example/x.png", "x"))},
        urls=[QUrl(IMG), QUrl.fromLocalFile(str(photo))],
        html=f'<img src="{IMG}#top"><img src="https://B.EXAMPLE/x.png">',
        text=f"{IMG}\n{photo}\n{QUrl.fromLocalFile(str(photo)).toString()}",
    )
    assert parse_mime(mime).inputs == [str(photo), IMG, "https://b.example/x.png"]


# --- data: URIs ----------------------------------------------------------------------------------------


def test_small_data_uri_is_an_input_even_with_pixels_beside_it() -> None:
    uri = "data:image/png;base64," + base64.b64encode(image_bytes("PNG")).decode()
    payload = parse_mime(make_mime({"image/png": image_bytes("PNG")}, html=f'<img src="{uri}">'))
    assert payload.inputs == [uri] and payload.images == []


def test_huge_data_uri_is_refused_with_its_size() -> None:
    uri = "data:image/png;base64," + "A" * MAX_DATA_URI_CHARS
    payload = parse_mime(make_mime(text=uri))
    assert payload.inputs == []
    [(what, why)] = payload.rejected
    assert what.startswith("data:image/png;base64,AAA") and len(what) < 80
    assert re.search(r"15\.0 MB of text; at most 15\.0 MB", why)


# --- raw pixels ----------------------------------------------------------------------------------------


def test_image_data_only_gives_an_image() -> None:
    payload = parse_mime(make_mime(image=small_image()))
    assert payload.inputs == [] and payload.rejected == []
    [image] = payload.images
    assert (image.width(), image.height()) == (8, 6)


@pytest.mark.parametrize(
    ("name", "fmt"), [("image/png", "PNG"), ("image/jpeg", "JPEG"), ("image/webp", "WEBP")]
)
def test_image_bytes_only_give_an_image(name: str, fmt: str) -> None:
    payload = parse_mime(make_mime({name: image_bytes(fmt, (30, 20))}))
    [image] = payload.images
    assert (image.width(), image.height()) == (30, 20)


def test_pixels_replace_a_blob_link_without_a_refusal() -> None:
    # Images made by page scripts have blob: URLs, which live only in the tab: the pixels are all we get.
    mime = make_mime(html='<img src="blob:https://app.example/1b2c">', image=small_image())
    payload = parse_mime(mime)
    assert payload.inputs == [] and len(payload.images) == 1 and payload.rejected == []


def test_blob_link_alone_is_refused_with_advice() -> None:
    [(_, why)] = parse_mime(make_mime(html='<img src="blob:https://app.example/1b2c">')).rejected
    assert "only inside the browser" in why


def test_empty_drop_is_refused() -> None:
    [(what, why)] = parse_mime(QMimeData()).rejected
    assert what and "Nothing to add" in why


# --- accepts -------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "mime",
    [
        make_mime(urls=[QUrl("https://a.example/x.png")]),
        make_mime(text="anything"),
        make_mime(html="<b>hi</b>"),
        make_mime(image=QImage(2, 2, QImage.Format.Format_RGB32)),
        make_mime({"image/webp": b"RIFF"}),
        make_mime({"text/x-moz-url": b"h\x00"}),
        make_mime({"text/plain;charset=utf-8": b"x"}),
    ],
)
def test_accepts_what_may_hold_an_input(mime: QMimeData) -> None:
    assert accepts(mime)


@pytest.mark.parametrize(
    "mime",
    [
        QMimeData(),
        make_mime({"application/x-qabstractitemmodeldatalist": b"\x00\x00"}),  # a row dragged in our view
        make_mime({"application/octet-stream": b"\x00"}),
    ],
)
def test_accepts_refuses_what_cannot(mime: QMimeData) -> None:
    assert not accepts(mime)


# --- save_pasted_image ---------------------------------------------------------------------------------


def test_save_pasted_image_writes_a_png_under_a_fresh_name(tmp_path: Path) -> None:
    folder = tmp_path / "pasted"
    first = save_pasted_image(small_image(), folder)
    second = save_pasted_image(small_image(), folder)
    assert first != second
    assert re.fullmatch(r"pasted-\d{8}-\d{6}-[0-9a-f]{4}\.png", first.name)
    assert sorted(p.name for p in folder.iterdir()) == sorted([first.name, second.name])  # no .part left
    with Image.open(first) as image:
        assert (image.format, image.size) == ("PNG", (8, 6))


def test_save_pasted_image_in_a_worker_thread(tmp_path: Path) -> None:
    image = QImage.fromData(image_bytes("JPEG", (40, 30)))
    results: list[Path] = []
    worker = threading.Thread(target=lambda: results.append(save_pasted_image(image, tmp_path)))
    worker.start()
    worker.join(10)
    [path] = results
    assert path.read_bytes().startswith(b"\x89PNG")


def test_save_pasted_image_refuses_a_null_image(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="null"):
        save_pasted_image(QImage(), tmp_path)


# --- the intake: what the main window does with drags, drops, refusals and the link dialog ---------------


class DropTarget(QWidget):
    """Takes drops as the main window does: accept_copy() on enter (format names only, fast), the intake
    on drop (parsed at once: the QMimeData belongs to the drag and is gone once the handler returns).

    Always a copy: accepting a proposed MoveAction (Shift held, or a source's default) would tell a
    file manager that the file moved, and some delete the user's original.
    """

    def __init__(self) -> None:
        super().__init__()
        self.setAcceptDrops(True)
        self.intake = InputIntake(self)
        self.given: list[list[str]] = []
        self.refused: list[str] = []
        self.intake.inputs_given.connect(lambda inputs, _images: self.given.append(inputs))
        self.intake.refused.connect(self.refused.append)

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:  # noqa: N802 - Qt's name
        accept_copy(event)

    def dropEvent(self, event: QDropEvent) -> None:  # noqa: N802
        self.intake.take_drop(event)


ANY_ACTION = Qt.DropAction.CopyAction | Qt.DropAction.MoveAction | Qt.DropAction.LinkAction


def drag_enter(
    widget: QWidget, mime: QMimeData, modifiers: Qt.KeyboardModifier = Qt.KeyboardModifier.NoModifier
) -> QDragEnterEvent:
    event = QDragEnterEvent(QPoint(5, 5), ANY_ACTION, mime, Qt.MouseButton.LeftButton, modifiers)
    QApplication.sendEvent(widget, event)
    return event


def drop(
    widget: QWidget, mime: QMimeData, modifiers: Qt.KeyboardModifier = Qt.KeyboardModifier.NoModifier
) -> QDropEvent:
    event = QDropEvent(QPointF(5, 5), ANY_ACTION, mime, Qt.MouseButton.LeftButton, modifiers)
    QApplication.sendEvent(widget, event)
    return event


def test_a_real_drop_event_reaches_parse_mime(qtbot: QtBot, tmp_path: Path) -> None:
    target = DropTarget()
    qtbot.addWidget(target)
    photo = write_image(tmp_path / "in.jpg", "JPEG")
    mime = make_mime(urls=[QUrl.fromLocalFile(str(photo)), QUrl(IMG)])

    entered = drag_enter(target, mime)
    assert entered.isAccepted() and entered.dropAction() == Qt.DropAction.CopyAction
    dropped = drop(target, mime)

    assert dropped.isAccepted()
    assert target.given == [[str(photo), IMG]]


def test_a_drag_of_our_own_rows_is_not_accepted(qtbot: QtBot) -> None:
    target = DropTarget()
    qtbot.addWidget(target)
    event = drag_enter(target, make_mime({"application/x-qabstractitemmodeldatalist": b""}))
    assert not event.isAccepted()


def test_a_shift_drop_is_still_a_copy(qtbot: QtBot, tmp_path: Path) -> None:
    target = DropTarget()
    qtbot.addWidget(target)
    mime = make_mime(urls=[QUrl.fromLocalFile(str(tmp_path / "keep-me.png"))])
    shift = Qt.KeyboardModifier.ShiftModifier
    entered = drag_enter(target, mime, shift)
    assert entered.proposedAction() == Qt.DropAction.MoveAction  # what the source suggests
    assert entered.dropAction() == Qt.DropAction.CopyAction
    dropped = drop(target, mime, shift)
    assert dropped.isAccepted() and dropped.dropAction() == Qt.DropAction.CopyAction


def test_many_refusals_make_one_status_line(qtbot: QtBot, tmp_path: Path) -> None:
    target = DropTarget()
    qtbot.addWidget(target)
    gif = tmp_path / "anim.gif"
    mime = make_mime(urls=[QUrl("ftp://example.com/a.png"), QUrl("blob:https://example.com/1")])
    assert drag_enter(target, mime).isAccepted()  # links: something usable may be inside
    assert drop(target, mime).isAccepted()
    assert target.given == [] and len(target.refused) == 1  # one line, never a storm of dialogs
    assert target.refused[0].startswith("ftp://example.com/a.png: ")
    assert target.refused[0].endswith(" (and 1 more)")
    target.intake.take([str(gif)])  # the command line's inputs: checked later, by the engine
    assert target.given == [[str(gif)]]


def test_the_link_dialog_gives_one_input_per_link(qtbot: QtBot) -> None:
    target = DropTarget()
    qtbot.addWidget(target)
    dialog = target.intake.ask_link()  # returns at once: open(), not exec()
    assert dialog.isVisible()
    dialog.field.setPlainText(f"{IMG}\n  https://example.com/b.png  ")
    dialog.ok_button.click()
    assert target.given == [[IMG, "https://example.com/b.png"]]


def test_enter_confirms_the_link_dialog_and_shift_enter_starts_a_line(qtbot: QtBot) -> None:
    target = DropTarget()
    qtbot.addWidget(target)
    dialog = target.intake.ask_link()
    qtbot.keyClicks(dialog.field, IMG)
    qtbot.keyClick(dialog.field, Qt.Key.Key_Return, Qt.KeyboardModifier.ShiftModifier)
    assert dialog.isVisible() and dialog.field.toPlainText() == IMG + "\n"
    qtbot.keyClicks(dialog.field, "https://example.com/b.png")
    qtbot.keyClick(dialog.field, Qt.Key.Key_Return)
    assert not dialog.isVisible()
    assert target.given == [[IMG, "https://example.com/b.png"]]


def test_enter_in_an_empty_link_dialog_adds_nothing(qtbot: QtBot) -> None:
    target = DropTarget()
    qtbot.addWidget(target)
    dialog = target.intake.ask_link()
    qtbot.keyClick(dialog.field, Qt.Key.Key_Return)
    assert not dialog.isVisible() and target.given == []


def test_a_paste_prefers_the_copied_pixels_to_the_link_beside_them() -> None:
    """A browser's "Copy image": the pixels and the image's link (and its <img>) together."""
    mime = make_mime(html=f'<img src="{IMG}">', urls=[QUrl(IMG)], image=small_image())
    pasted = parse_mime(mime, prefer_pixels=True)
    assert pasted.inputs == [] and len(pasted.images) == 1
    dropped = parse_mime(mime)  # a drag of the same: the link, so the original is upscaled
    assert dropped.inputs == [IMG] and dropped.images == []


def test_a_paste_of_a_copied_file_keeps_the_file_even_with_pixels(tmp_path: Path) -> None:
    photo = write_image(tmp_path / "photo.png")
    mime = make_mime(urls=[QUrl.fromLocalFile(str(photo))], image=small_image())
    pasted = parse_mime(mime, prefer_pixels=True)
    assert pasted.inputs == [str(photo)] and pasted.images == []
