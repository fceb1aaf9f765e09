"""The seed's input rules: normalise to `image`, refuse missing/empty/unknown, and the seed's log line."""

from __future__ import annotations

import logging

import pytest

from upscaler_gui.core import i18n
from upscaler_gui.core.engine.inputs import build_input, input_log_line, is_remote_url

URL = "https://example.com/photo.jpg"


@pytest.mark.parametrize("key", ["image", "image_url", "image_base64"])
def test_each_alias_becomes_image_and_nothing_else_is_sent(key: str) -> None:
    task_input, error = build_input({key: URL})
    assert error is None
    assert task_input == {"image": URL}


def test_image_wins_over_aliases_and_duplicates_are_removed() -> None:
    task_input, error = build_input(
        {"image": URL, "image_url": "https://other/x.png", "image_base64": "AAAA"}
    )
    assert error is None
    assert task_input == {"image": URL}


def test_empty_image_falls_back_to_a_filled_alias() -> None:
    task_input, _ = build_input({"image": "", "image_url": URL})
    assert task_input == {"image": URL}


def test_missing_image_gives_the_seed_error() -> None:
    task_input, error = build_input({})
    assert task_input is None
    assert error == "Field 'image' is required. Upload an image to upscale."


@pytest.mark.parametrize(
    "payload", [{"image": ""}, {"image": "   "}, {"image_url": None}, {"image": "", "image_url": ""}]
)
def test_empty_image_gives_the_seed_error(payload: dict[str, object]) -> None:
    assert build_input(payload) == (None, "Field 'image' cannot be empty. Give a valid image URL.")


@pytest.mark.parametrize("extra", ["scale", "upscale_factor", "format"])
def test_unknown_key_is_refused_by_name(extra: str) -> None:
    task_input, error = build_input({"image": URL, extra: "2"})
    assert task_input is None
    assert error is not None and f"'{extra}'" in error


def test_non_text_value_is_refused() -> None:
    _, error = build_input({"image": 42})
    assert error is not None and "must be text" in error


def test_russian_translation_is_the_seeds_text() -> None:
    i18n.set_language("ru")
    try:
        assert build_input({})[1] == "Поле 'image' обязательно. Загрузите изображение для апскейла."
        assert (
            build_input({"image": ""})[1]
            == "Поле 'image' не может быть пустым. Укажите валидный URL изображения."
        )
    finally:
        i18n.set_language("")


def test_log_line_has_the_seed_shape_and_hides_query_and_base64(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO, logger="upscaler.inputs")
    build_input({"image_url": "https://cdn.example.com/a.png?X-Amz-Signature=secret123&token=abc"})
    line = next(r.getMessage() for r in caplog.records if r.name == "upscaler.inputs")
    assert line.startswith("MODEL=recraft/crisp-upscale TYPE=upscale INPUT_KEYS=['image'] INPUT_PREVIEW={")
    assert "https://cdn.example.com/a.png" in line
    assert "secret123" not in line and "token" not in line

    data_uri = "data:image/png;base64," + "A" * 5000
    line = input_log_line({"image": data_uri})
    assert "AAAAAAAAAA" not in line and "5022 chars" in line and len(line) < 200


def test_remote_url_versus_data() -> None:
    assert is_remote_url("HTTPS://x.com/a.png")
    assert not is_remote_url("data:image/png;base64,AAAA")
