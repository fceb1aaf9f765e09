"""The KIE key: where to get one, and testing, reading and saving it away from the Qt thread.

The Settings dialog never does any of this (it must not block the window): it asks through signals, the
settings flow awaits these coroutines (started with the window's WindowTasks) and hands the answers back.

Keyring calls run in a worker thread because they may block for seconds: a locked wallet asks for its
password, a D-Bus secret service may be slow to start or time out.
"""

from __future__ import annotations

import asyncio
from pathlib import Path

from PySide6.QtCore import QCoreApplication

from upscaler_gui.core import settings
from upscaler_gui.core.errors import UpscalerError
from upscaler_gui.core.kie import RetryPolicy, open_kie_client

KEY_PAGE = "https://kie.ai/api-key"  # where a user gets a key

# A key test answers in seconds: one retry covers a blip, the engine's long back-off would look frozen.
KEY_TEST_POLICY = RetryPolicy(attempts=2, base_delay=0.5, max_delay=2.0, retry_after_cap=2.0)


def format_credits(balance: float) -> str:
    """123.5 -> "123.5", 1000.0 -> "1000": no trailing zeros and no exponent, whatever the size."""
    return f"{balance:.2f}".rstrip("0").rstrip(".")


async def check_key(key: str, *, api_base: str | None) -> tuple[bool, str]:
    """(True, "Key works: N credits") or (False, a sentence to show); never raises for KIE's errors.

    Asks for the credit balance: it creates nothing and costs nothing.
    """
    if not key.strip():
        return False, QCoreApplication.translate("KeyTest", "There is no key to test: paste one first.")
    try:
        async with open_kie_client(api_key=key, api_base=api_base or None, policy=KEY_TEST_POLICY) as kie:
            balance = await kie.credits()
    except UpscalerError as exc:  # KIE's refusals, the network, and a bad API address in settings
        return False, exc.user_text()
    return True, QCoreApplication.translate("KeyTest", "Key works: {balance} credits").format(
        balance=format_credits(balance)
    )


async def save_key_off_thread(key: str) -> None:
    """Store the key in the OS keyring ("" removes every saved key); KeyringUnavailableError when the keyring
    cannot keep it (the caller then asks where to keep it: `key_storage`)."""
    await asyncio.to_thread(settings.save_api_key, key)


async def save_key_to_file_off_thread(key: str) -> Path:
    """The user's choice without a keyring: the 0600 key file; where it went."""
    return await asyncio.to_thread(settings.save_api_key_to_file, key)


async def key_in_effect_off_thread() -> str | None:
    """KIE_API_KEY, else the kept or saved key, else None: what "Test key" tests when nothing was typed."""
    return await asyncio.to_thread(settings.api_key)


async def find_key_off_thread() -> settings.FoundKey | None:
    """The key in effect and where it comes from (settings.find_api_key's order)."""
    return await asyncio.to_thread(settings.find_api_key)


async def has_saved_key_off_thread() -> bool:
    """Whether the keyring holds a key: the window asks this before it builds the dialog."""
    return await asyncio.to_thread(settings.keyring_key) is not None
