"""recordInfo and upload payloads parsed into typed records, in every form KIE sends."""

from __future__ import annotations

import json

import pytest

from upscaler_gui.core.errors import KieMalformedAnswerError, KieTaskFailedError, KieTaskMismatchError
from upscaler_gui.core.kie import TaskRecord, task_failed_error
from upscaler_gui.core.kie.records import (
    check_task_image,
    cost_time_seconds,
    parse_task_record,
    parse_uploaded_file,
)

from .test_kie_fakes import record


def test_documented_success_record() -> None:
    rec = parse_task_record(record(creditsConsumed=0.5))
    assert rec == TaskRecord(
        task_id="task_1",
        state="success",
        result_urls=("https://tempfile.test/out.png",),
        fail_code="",
        fail_msg="",
        cost_time_s=15.0,
        create_time_ms=1698765400000,
        complete_time_ms=1698765432000,
        credits_consumed=0.5,
    )
    assert rec.is_success and not rec.is_running and not rec.is_failed


@pytest.mark.parametrize("state", ["waiting", "queuing", "generating"])
def test_running_states(state: str) -> None:
    rec = parse_task_record(record(state, completeTime=None, costTime=None))
    assert rec.is_running and not rec.is_success and not rec.is_failed
    assert rec.result_urls == ()
    assert rec.complete_time_ms is None and rec.cost_time_s is None


@pytest.mark.parametrize(("state", "named"), [("done", "done"), ("Cancelled", "Cancelled"), (3, "3")])
def test_a_state_kie_does_not_document_is_reported_not_running(state: object, named: str) -> None:
    # kie-api.md: any other state is an error to report, not "still running"
    rec = parse_task_record(record(state=state))
    assert rec.is_unknown and rec.reported_state == named
    assert not rec.is_running and not rec.is_success and not rec.is_failed


@pytest.mark.parametrize("state", ["", None])
def test_a_record_without_a_state_is_malformed(state: object) -> None:
    with pytest.raises(KieMalformedAnswerError, match="has no state"):
        parse_task_record(record(state=state))


# --- param: the image the task was made from ----------------------------------------------------------


def test_param_names_the_image_the_task_was_created_with() -> None:
    param = json.dumps({"model": "recraft/crisp-upscale", "input": {"image": " https://img.test/a.png "}})
    assert parse_task_record(record(param=param)).image == "https://img.test/a.png"
    assert parse_task_record(record(param={"input": {"image": "https://img.test/b.png"}})).image == (
        "https://img.test/b.png"
    )


@pytest.mark.parametrize("param", [None, "", "{not json", "[]", json.dumps({"input": {}}), 7])
def test_param_absent_or_unreadable_names_no_image(param: object) -> None:
    assert parse_task_record(record(param=param)).image is None


def test_a_record_for_another_image_is_refused_with_the_task_id() -> None:
    rec = parse_task_record(record(param=json.dumps({"input": {"image": "https://evil.test/x.png?sig=S"}})))
    with pytest.raises(KieTaskMismatchError) as caught:
        check_task_image(rec, "https://img.test/mine.png")
    assert "task_1" in caught.value.message and "another image" in caught.value.message
    assert "sig=S" not in caught.value.user_text()  # a link's query may carry a token
    assert not caught.value.transient


def test_the_same_image_written_differently_is_accepted() -> None:
    rec = parse_task_record(record(param=json.dumps({"input": {"image": "https://img.test/a%20b.png"}})))
    check_task_image(rec, "https://img.test/a b.png")
    check_task_image(parse_task_record(record()), "https://img.test/anything.png")  # no param: accepted


def test_state_is_case_insensitive() -> None:
    raw = json.dumps({"resultUrls": ["https://a.test/1.png"]})
    assert parse_task_record(record("SUCCESS", resultJson=raw)).state == "success"


# --- resultJson -------------------------------------------------------------------------------------


def test_result_json_as_string_is_parsed_a_second_time() -> None:
    raw = json.dumps({"resultUrls": ["https://a.test/1.png", "https://a.test/2.png"]})
    assert parse_task_record(record(resultJson=raw)).result_urls == (
        "https://a.test/1.png",
        "https://a.test/2.png",
    )


def test_result_json_already_decoded_dict() -> None:
    rec = parse_task_record(record(resultJson={"resultUrls": ["https://a.test/1.png"]}))
    assert rec.result_urls == ("https://a.test/1.png",)


def test_result_urls_as_a_lone_string() -> None:
    rec = parse_task_record(record(resultJson={"resultUrls": "https://a.test/1.png"}))
    assert rec.result_urls == ("https://a.test/1.png",)


@pytest.mark.parametrize("raw", ["", "   ", None])
def test_empty_or_null_result_json_is_fine_while_running_or_failed(raw: object) -> None:
    assert parse_task_record(record("generating", resultJson=raw)).result_urls == ()
    assert parse_task_record(record("fail", resultJson=raw, failMsg="x")).result_urls == ()


@pytest.mark.parametrize("raw", ["", None, "{}", '{"resultUrls": []}', {"resultUrls": [""]}])
def test_success_without_a_result_url_is_malformed(raw: object) -> None:
    with pytest.raises(KieMalformedAnswerError) as caught:
        parse_task_record(record(resultJson=raw))
    assert "no result link" in caught.value.message


@pytest.mark.parametrize(
    "raw", ["{not json", "[1, 2]", '{"resultUrls": [1, 2]}', '{"resultUrls": {"a": 1}}', 42]
)
def test_unreadable_result_json_on_success_is_malformed(raw: object) -> None:
    with pytest.raises(KieMalformedAnswerError):
        parse_task_record(record(resultJson=raw))


def test_unreadable_result_json_is_ignored_when_not_success() -> None:
    assert parse_task_record(record("fail", resultJson="{broken")).result_urls == ()


# --- failCode, failMsg -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "text"), [("500", "500"), (500, "500"), (500.0, "500"), (None, ""), ("", "")]
)
def test_fail_code_is_always_a_string(raw: object, text: str) -> None:
    rec = parse_task_record(record("fail", failCode=raw, failMsg="internal error, try again later"))
    assert rec.is_failed
    assert rec.fail_code == text
    assert rec.fail_msg == "internal error, try again later"


def test_null_fail_msg_is_empty() -> None:
    assert parse_task_record(record("fail", failMsg=None)).fail_msg == ""


def test_task_failed_error_is_transient_for_5xx() -> None:
    err = task_failed_error(parse_task_record(record("fail", failCode=500, failMsg="internal error")))
    assert isinstance(err, KieTaskFailedError)
    assert err.transient
    assert err.fail_code == "500"
    assert err.message == "KIE could not upscale the image (internal error, code 500)."
    assert "new, billed task" in err.hint


def test_raise_for_failure() -> None:
    done = parse_task_record(record())
    assert done.raise_for_failure() is done
    running = parse_task_record(record("queuing"))
    assert running.raise_for_failure() is running
    with pytest.raises(KieTaskFailedError) as caught:
        parse_task_record(record("fail", failCode="501", failMsg="generation failed")).raise_for_failure()
    assert caught.value.message == "KIE could not upscale the image (generation failed, code 501)."


def test_task_failed_error_not_transient_for_a_bad_image() -> None:
    err = task_failed_error(parse_task_record(record("fail", failCode="422", failMsg="image too small")))
    assert not err.transient
    assert "Check the image" in err.hint
    no_reason = task_failed_error(parse_task_record(record("fail")))
    assert no_reason.message == "KIE could not upscale the image (no reason given)."


# --- costTime ---------------------------------------------------------------------------------------


def test_cost_time_in_ms_agrees_with_the_timestamps() -> None:
    # 32 s between create and complete: 15000 read as ms (15 s) is closer than as s (15000 s).
    assert cost_time_seconds(15000, 1_000_000, 1_032_000) == 15.0


def test_cost_time_in_seconds_agrees_with_the_timestamps() -> None:
    assert cost_time_seconds(15, 1_000_000, 1_032_000) == 15.0
    assert cost_time_seconds(1500, 1_000_000, 1_000_000 + 1_600_000) == 1500.0  # a slow task, in s


def test_cost_time_without_timestamps_guesses_by_size() -> None:
    assert cost_time_seconds(15000, None, None) == 15.0
    assert cost_time_seconds(1000, None, None) == 1.0
    assert cost_time_seconds(12.5, None, None) == 12.5
    assert cost_time_seconds(999, 5, None) == 999.0


@pytest.mark.parametrize("raw", [None, "", "abc", -5, True])
def test_cost_time_missing_or_odd_is_none(raw: object) -> None:
    assert cost_time_seconds(raw, None, None) is None


def test_cost_time_as_numeric_string() -> None:
    assert cost_time_seconds("15000", None, None) == 15.0


def test_record_parses_cost_time_in_either_unit() -> None:
    assert parse_task_record(record(costTime=15)).cost_time_s == 15.0
    assert parse_task_record(record(costTime=15000)).cost_time_s == 15.0
    assert parse_task_record(record(costTime=None)).cost_time_s is None


def test_zero_or_null_times_are_none() -> None:
    rec = parse_task_record(record("waiting", createTime=0, completeTime=None, costTime=0))
    assert rec.create_time_ms is None and rec.complete_time_ms is None
    assert rec.cost_time_s == 0.0


# --- shape ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("data", [None, "task_1", [], 5])
def test_record_that_is_not_an_object_is_malformed(data: object) -> None:
    with pytest.raises(KieMalformedAnswerError):
        parse_task_record(data)


def test_record_for_another_task_is_malformed() -> None:
    with pytest.raises(KieMalformedAnswerError):
        parse_task_record(record(taskId="task_other"), expected_id="task_1")


def test_missing_task_id_takes_the_one_asked_for() -> None:
    data = record()
    del data["taskId"]
    assert parse_task_record(data, expected_id="task_1").task_id == "task_1"


def test_credits_consumed_absent_or_odd() -> None:
    assert parse_task_record(record()).credits_consumed is None
    assert parse_task_record(record(creditsConsumed="0.5")).credits_consumed == 0.5


# --- uploads ---------------------------------------------------------------------------------------


def test_uploaded_file_from_the_documented_answer() -> None:
    up = parse_uploaded_file(
        {
            "fileName": "photo.png",
            "filePath": "images/user-uploads/photo.png",
            "downloadUrl": "https://tempfile.redpandaai.co/xxx/images/user-uploads/photo.png",
            "fileSize": 154832,
            "mimeType": "image/png",
            "uploadedAt": "2025-01-01T12:00:00.000Z",
        }
    )
    assert up.download_url == "https://tempfile.redpandaai.co/xxx/images/user-uploads/photo.png"
    assert (up.file_name, up.file_path, up.file_size, up.mime_type) == (
        "photo.png",
        "images/user-uploads/photo.png",
        154832,
        "image/png",
    )
    assert up.uploaded_at == "2025-01-01T12:00:00.000Z"


@pytest.mark.parametrize(
    "data", [None, {}, {"downloadUrl": ""}, {"downloadUrl": "ftp://x/y"}, {"downloadUrl": 5}]
)
def test_upload_answer_without_a_link_is_malformed(data: object) -> None:
    with pytest.raises(KieMalformedAnswerError):
        parse_uploaded_file(data)


def test_upload_answer_with_only_the_link() -> None:
    up = parse_uploaded_file({"downloadUrl": "https://t.test/a.png", "fileSize": None})
    assert up.file_size == 0 and up.file_name == "" and up.uploaded_at == ""
