"""The API key never shows: not in errors, not in logs, not behind a Bearer header."""

from __future__ import annotations

import logging

import pytest

from upscaler_gui.core import log
from upscaler_gui.core.errors import KieAuthError
from upscaler_gui.core.redact import hide_query, preview_value, redact, register_secret

KEY = "kie-live-Zq81VbT0pLwXs92"


def test_registered_key_is_scrubbed_from_errors_and_bearer_anywhere() -> None:
    register_secret(KEY)
    err = KieAuthError(f"refused key {KEY}", hint=f"header was Authorization: Bearer {KEY}")
    assert KEY not in str(err) and KEY not in err.user_text() and "***" in str(err)
    assert redact("Authorization: Bearer abcdefghijklmnop") == "Authorization: Bearer ***"


@pytest.mark.allow_warning_logs
def test_log_records_are_scrubbed_at_the_source(caplog: pytest.LogCaptureFixture) -> None:
    register_secret(KEY)
    caplog.set_level(logging.DEBUG, logger="upscaler")
    log.api.info("calling with key %s", KEY)
    try:
        raise ValueError(f"boom {KEY}")
    except ValueError:
        log.api.exception("failed")
    text = caplog.text + "".join(r.getMessage() for r in caplog.records)
    assert KEY not in text
    assert "calling with key ***" in text


def test_query_strings_and_long_values_are_hidden() -> None:
    assert hide_query("https://x.com/a.png?sig=1#frag") == "https://x.com/a.png?***"
    assert hide_query("https://x.com/a.png") == "https://x.com/a.png"
    assert "chars" in preview_value("x" * 500)
