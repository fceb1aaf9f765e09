"""The async KIE client: create, poll, upload, credits, fresh links and result downloads."""

from upscaler_gui.core.kie.client import KieClient
from upscaler_gui.core.kie.pacing import NullPacer, RequestKind, RequestPacer
from upscaler_gui.core.kie.records import TaskRecord, UploadedFile, task_failed_error
from upscaler_gui.core.kie.retry import RetryPolicy, call_with_retries, retry_delay, should_retry
from upscaler_gui.core.kie.session import make_http_client, open_kie_client, resolve_endpoints

__all__ = [
    "KieClient",
    "NullPacer",
    "RequestKind",
    "RequestPacer",
    "RetryPolicy",
    "TaskRecord",
    "UploadedFile",
    "call_with_retries",
    "make_http_client",
    "open_kie_client",
    "resolve_endpoints",
    "retry_delay",
    "should_retry",
    "task_failed_error",
]
