"""One error root with typed subclasses.

Every message is a sentence a user understands (what is wrong, what to do). No message ever carries
the API key: KIE's own `msg` is passed through `redact()` before it is shown.
"""

from __future__ import annotations

import re

from upscaler_gui.core.i18n import Text, joined
from upscaler_gui.core.redact import redact


def cleared(text: str) -> str:
    """The text without secrets; a Text keeps what it was made from, its arguments cleared too (so a
    message shown again in another language never brings a secret back)."""
    if not isinstance(text, Text) or not text.source:
        return redact(text)
    source = tuple(
        (template, {name: cleared(v) if isinstance(v, str) else v for name, v in args.items()})
        for template, args in text.source
    )
    return Text(redact(text), source)


class UpscalerError(Exception):
    """Root of every error this app raises on purpose."""

    def __init__(self, message: str, *, hint: str = "") -> None:
        self.message = cleared(message)
        self.hint = cleared(hint)
        super().__init__(self.user_text())

    def user_text(self) -> str:
        """The message and, when there is one, what to do about it (a Text: see core.i18n)."""
        return joined(self.message, self.hint)


# --- inputs and local files -------------------------------------------------------------------


class InputError(UpscalerError):
    """One input item cannot be used; the rest of a batch goes on."""


class ImageError(InputError):
    """A local image is refused before anything is sent (format, size, decoding)."""


class OutputError(UpscalerError):
    """A result cannot be written where the user asked."""


class StoreError(UpscalerError):
    """The job store cannot be read or written."""


class TaskNotRecordedError(StoreError):
    """KIE made a task, and the store could not record its taskId: the id is said, so it is not lost."""

    def __init__(self, message: str, *, task_id: str, hint: str = "") -> None:
        super().__init__(message, hint=hint)
        self.task_id = task_id


class OverBudgetError(UpscalerError):
    """A create would pass the budget the user set (for this batch, or for today): it is not sent, the
    job waits as "over budget" and a larger budget (or tomorrow, for the daily one) lets it go on."""


class SettingsError(UpscalerError):
    """Settings cannot be read, written or understood."""


class KeyringUnavailableError(SettingsError):
    """The system keyring cannot keep the API key: the user chooses a 0600 file or this session."""


# --- KIE --------------------------------------------------------------------------------------


class KieError(UpscalerError):
    """Anything that went wrong talking to KIE (API or upload host)."""

    #: body code (or HTTP status when the body has none); 0 when no answer arrived
    code: int = 0
    #: True when the same request may simply be sent again later
    transient: bool = False

    def __init__(
        self, message: str, *, hint: str = "", code: int | None = None, http_status: int = 0
    ) -> None:
        super().__init__(message, hint=hint)
        if code is not None:
            self.code = code
        self.http_status = http_status


class KieAuthError(KieError):
    """401: the key is missing or refused. The queue stops; jobs are kept."""

    code = 401


class KieFirewallError(KieError):
    """HTTP 403 from Cloudflare in front of KIE (error 1010: the request's signature is banned). Not
    the key: every request would be refused alike, so the queue stops; jobs are kept."""

    code = 403


class KieCreditsError(KieError):
    """402: not enough credits. The queue pauses; jobs are kept."""

    code = 402


class KieNotFoundError(KieError):
    """404: the task or endpoint does not exist."""

    code = 404


class KieValidationError(KieError):
    """422: KIE refused the request's content."""

    code = 422


class KieRateLimitError(KieError):
    """429: too many requests; back off and send again."""

    code = 429
    transient = True

    def __init__(self, message: str, *, retry_after: float | None = None, **kwargs: object) -> None:
        super().__init__(message, **kwargs)  # type: ignore[arg-type]
        self.retry_after = retry_after


class KieSubKeyLimitError(KieError):
    """433: a sub-key went over its own limit. The queue pauses."""

    code = 433


class KieMaintenanceError(KieError):
    """455: KIE is under maintenance; back off and try later."""

    code = 455
    transient = True


class KieServerError(KieError):
    """500 and other 5xx: a server fault on KIE's side."""

    code = 500
    transient = True


class KieGenerationError(KieError):
    """501: generation failed on KIE's side."""

    code = 501


class KieFeatureDisabledError(KieError):
    """505: the feature is disabled."""

    code = 505


class KieUploadError(KieError):
    """The upload host refused a file (400, 405, or `success: false`)."""


class KieConnectionError(KieError):
    """No answer: connection refused or dropped, DNS failure, TLS failure."""

    transient = True

    def __init__(self, message: str, *, sent: bool, **kwargs: object) -> None:
        super().__init__(message, **kwargs)  # type: ignore[arg-type]
        #: False only when the request certainly never reached KIE (connect failed)
        self.sent = sent


class KieTimeoutError(KieConnectionError):
    """KIE did not answer in time."""


class KieMalformedAnswerError(KieError):
    """KIE answered something that is not the documented JSON."""

    transient = True


class CreateOutcomeUnknownError(KieError):
    """A create may have reached KIE (and been billed) but no taskId came back.

    Never repeated automatically: the job becomes `unknown` and the user decides.
    """


class KieTaskFailedError(KieError):
    """The task ended in state `fail` on KIE's side."""

    def __init__(self, message: str, *, fail_code: str = "", **kwargs: object) -> None:
        super().__init__(message, **kwargs)  # type: ignore[arg-type]
        self.fail_code = fail_code
        self.transient = is_transient_failure(fail_code, message)


class ResultLinkExpiredError(KieError):
    """A result URL no longer answers; a fresh link can be asked for."""


class ResultGoneError(KieError):
    """A paid result that KIE no longer has (no fresh link either): only a new task can make it again."""


class ResultUnusableError(KieError):
    """The result file itself cannot be used: not an image, or too slow to arrive.

    Fetched again a few times (a host may serve one bad copy), never forever. The job keeps its task
    and result link: the result is paid for, and a later retry downloads it again.
    """

    transient = True


class ResultTooLargeError(ResultUnusableError):
    """The result is over the size cap: fetching it again would not make it smaller."""

    transient = False


class KieTaskMismatchError(KieError):
    """KIE's record for our task names another image: never taken as our result."""


class KieTaskStateError(KieError):
    """KIE kept reporting a task state it does not document."""


def is_transient_failure(fail_code: str, fail_msg: str) -> bool:
    """KIE calls a failure transient with a 5xx failCode or a "try again later" message."""
    code = fail_code.strip()
    if code.isdigit() and 500 <= int(code) <= 599:
        return True
    text = fail_msg.lower()
    return "try again later" in text or "internal error" in text


_FAILED = re.compile(r"\b(could ?n[o']t|can ?n[o']t|not|unable|fail\w*|error|inaccessible)\b")
_FETCHING = re.compile(r"\b(fetch|download|retriev|access|load|reach|get)\w*")
_IMAGE = re.compile(r"(?<![a-z])(image|url|file|link|resource|input)")


def is_fetch_failure(message: str) -> bool:
    """KIE's words for "the image at input.image could not be fetched" (a task's failMsg or a create's
    422): KIE's docs give no code for it, so the message is read, as public clients do."""
    text = message.lower()
    return all(pattern.search(text) for pattern in (_FAILED, _FETCHING, _IMAGE))
