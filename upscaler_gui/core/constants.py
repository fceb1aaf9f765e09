"""Every number that tunes behaviour, with where it comes from.

"KIE doc" means a fact in shared/kie-api.md; "seed" the user's seed document; "choice" a default we
picked and that settings may change.
"""

from __future__ import annotations

import os
from typing import Final

# --- the model ----------------------------------------------------------------------------------
MODEL: Final = "recraft/crisp-upscale"  # seed
MODEL_TYPE: Final = "upscale"  # seed's log line

# --- endpoints (KIE doc) -----------------------------------------------------------------------------
DEFAULT_API_BASE: Final = "https://api.kie.ai"
DEFAULT_UPLOAD_BASE: Final = "https://kieai.redpandaai.co"
PATH_CREATE: Final = "/api/v1/jobs/createTask"
PATH_RECORD: Final = "/api/v1/jobs/recordInfo"
PATH_CREDIT: Final = "/api/v1/chat/credit"
PATH_DOWNLOAD_URL: Final = "/api/v1/common/download-url"
PATH_UPLOAD_STREAM: Final = "/api/file-stream-upload"
PATH_UPLOAD_BASE64: Final = "/api/file-base64-upload"
PATH_UPLOAD_URL: Final = "/api/file-url-upload"
UPLOAD_PATH_PREFIX: Final = "crisp-upscaler"  # choice: folder on the upload host; a unique leaf is added

ENV_API_KEY: Final = "KIE_API_KEY"
ENV_API_BASE: Final = "KIE_API_BASE"
ENV_UPLOAD_BASE: Final = "KIE_UPLOAD_BASE"
ENV_DATA_DIR: Final = "UPSCALER_GUI_DATA_DIR"

# --- input limits ---------------------------------------------------------------------------------
MAX_IMAGE_BYTES: Final = 10 * 1024 * 1024  # seed + KIE doc: at most 10 MB
WARN_MAX_PIXELS: Final = 16_000_000  # KIE doc (upstream Recraft): 16 MP, a warning only
WARN_MAX_SIDE: Final = 4096  # KIE doc (upstream Recraft): sides 32-4096 px, a warning only
WARN_MIN_SIDE: Final = 32
ALLOWED_FORMATS: Final = ("PNG", "JPEG", "WEBP")  # seed: image/png, image/jpeg, image/webp
# Inputs in other formats, converted locally before upload (issue 12): Pillow's names, as sniffed from
# the bytes (core/input_formats.py). Decoding them holds their pixels, so they share convert.PIXELS.
CONVERTED_FORMATS: Final = ("HEIF", "AVIF", "TIFF", "BMP", "GIF")
# choice: a converted or re-encoded input goes as PNG (lossless) when that fits MAX_IMAGE_BYTES, else as
# JPEG at the first of these qualities that fits (95 is visually lossless for photos; 70 is where
# compression artefacts start to show, so below it the input is refused rather than spoilt).
FIT_JPEG_QUALITIES: Final = (95, 90, 85, 80, 75, 70)
# choice: zlib level for a lossless re-encode: Pillow's default. Level 9 took 18 s for a 16 MP photo
# (bench/convert.py) for a few percent less, and what still does not fit goes as JPEG anyway.
FIT_PNG_COMPRESS_LEVEL: Final = 6
# KIE doc: uploads are deleted after 24 h (the quickstart; older pages say 3 days). Reused only while
# well under that, so that a create sent now, or after a pause, still finds the file.
UPLOAD_REUSE_SECONDS: Final = 12 * 3600

# --- HTTP -----------------------------------------------------------------------------------------
CONNECT_TIMEOUT_S: Final = 10.0  # choice
READ_TIMEOUT_S: Final = 30.0  # choice: KIE answers API calls in well under a second when healthy
WRITE_TIMEOUT_S: Final = 60.0  # choice: a 10 MB upload on a slow uplink
POOL_TIMEOUT_S: Final = 30.0  # choice
DOWNLOAD_CHUNK_BYTES: Final = 64 * 1024  # choice: memory stays flat whatever the result's size

# --- bounds on what a server may make us do (issue 9: hostile or broken servers) ------------------------
# choice: a 16 MP input (upstream's limit) at 2x per side is a 64 MP result, 100-190 MB as a PNG at the
# worst (noise, 3-4 bytes a pixel); KIE's results are far smaller. A longer body is refused, not stored.
MAX_RESULT_BYTES: Final = 200 * 1024 * 1024
# choice: a transfer (an upload, or a result download) must average at least this rate once
# TRANSFER_MIN_S has passed: ~0.5 Mbit/s, slower than any link a batch of 10 MB images is usable on.
# A server that trickles one byte every 20 s fails after TRANSFER_MIN_S instead of holding a job forever.
SLOW_LINK_BYTES_PER_S: Final = 64 * 1024
TRANSFER_MIN_S: Final = 60.0
# choice: the most pixels of a result ever held decoded at once: a 16 MP input (upstream's limit) at 2x.
# Converting holds the decoded pixels and a converted copy: at 64 MP the process peaks at 275 MiB (opaque)
# and 760 MiB (transparency laid on white for JPEG), measured by bench/huge_result.py. A larger result
# keeps KIE's format, with a note, instead of taking gigabytes; a larger WEBP is checked by its chunk
# sizes, not decoded. Conversions running at once share this budget (convert.PIXELS).
MAX_DECODED_PIXELS: Final = 64_000_000
# Results checked (decoded, converted) at once: a batch's results arriving together decoded side by side
# on every core, and the window's thread waited for a CPU (UI bench stalls of 100+ ms with 15-20 worker
# threads in check_decodes on 2 cores). One core is left for the loop and the window.
RESULT_CHECKS_AT_ONCE: Final = max(1, (os.cpu_count() or 2) - 1)

# --- retries (KIE doc "Retries: what is safe") -------------------------------------------------------
RETRY_ATTEMPTS: Final = 5  # choice: reads and uploads; a create is never repeated once sent
RETRY_BASE_DELAY_S: Final = 0.5  # choice
RETRY_MAX_DELAY_S: Final = 20.0  # choice: cap, so a batch never stalls for minutes on one call
RETRY_AFTER_CAP_S: Final = 60.0  # choice: honour Retry-After, but not beyond a minute

# --- KIE rate limits (KIE doc) ------------------------------------------------------------------------
CREATE_LIMIT: Final = 20  # creates per window
CREATE_WINDOW_S: Final = 10.0
RECORD_LIMIT: Final = 10  # recordInfo per window
RECORD_WINDOW_S: Final = 1.0

# --- polling (KIE doc guidance: 2-3 s for 30 s, 5-10 s to 2 min, 15-30 s after) -------------------------
POLL_FIRST_S: Final = 2.0
POLL_EARLY_S: Final = 2.5  # up to 30 s
POLL_MID_S: Final = 7.0  # up to 2 min
POLL_LATE_S: Final = 20.0  # after 2 min
POLL_EARLY_MAX_S: Final = 3.0  # the longest interval of each of KIE's ranges
POLL_MID_MAX_S: Final = 10.0
POLL_LATE_MAX_S: Final = 30.0
POLL_STUCK_AFTER_S: Final = 15 * 60.0  # KIE doc: investigate after 10-15 min
# choice (issues 13 and its follow-up; figures from bench/batch_time.py, tests/core/poll_batch.py and
# bench/_poll_bound.py): how the poll planner learns and how it weighs a poll.
POLL_HISTORY: Final = 50  # recent task durations (costTime) the plan is made from
# A poll is worth this share of the median task time of waiting: with tasks of 2 s +- 0.3 the plan is
# one poll at the slow end of the spread; with 15 s +- 5, about 1.2 polls a task, ~3.4 s after the end
# (the best any plan can do at 1.2 polls: bench/_poll_bound.py). 0.35 made 1.24 on average but up to
# 1.4-1.57 for some batches of 30 (a plan fitted to few lessons); 0.3 sat on the edge for 2 s +- 0.3.
POLL_WORTH_SHARE: Final = 0.4
POLL_TRUST_GROWTH: Final = 3.0  # a planned poll comes by 3x the age of the one before, however sure
# Each lesson is spread over these multiples of Silverman's kernel width before the plan is made.
POLL_KERNEL: Final = (-1.0, 0.0, 1.0)
# Until POLL_LESSONS_TO_PLAN lessons are in, one task at a time ("the scout") is polled, on a ladder
# of ages: KIE's first poll, POLL_SECOND_RUNG_S (within KIE's 2-3 s: tasks of ~2 s are found there),
# then each rung POLL_SCOUT_GROWTH times the last found running (at most 10 s apart; a task alone
# climbs POLL_LONE_GROWTH within KIE's intervals); each poll is of another task, so a slow one never
# holds the ladder. Once a lesson is in, a rung found done is tried again on the next task at once, one
# found running moves on by POLL_PROBE_STEP_SHARE of the slowest lesson. The others wait for the
# lessons (or until POLL_UNLEARNED_WAIT_S, then KIE's guidance). Two scouts at 1.25x a rung (issue
# 13) cost ~10 polls each at 15 s +- 5, 0.67 a job over 30 jobs; this ladder 4 (2, 2.5, 5, 10 s).
# Growth 1.75 (2, 3.5, 6.1, 10.7 s) noticed 2 s +- 0.3 results ~1.5 s late in a batch whose first
# poll at 2 s found its task running; 1.5 made 1.34 polls a task at 15 s +- 5 (tests/core/poll_batch.py,
# 10 batches of 30; across 6-24 s +- a third, 1.2-1.36 on average).
POLL_SECOND_RUNG_S: Final = 2.5
POLL_SCOUT_GROWTH: Final = 2.0
POLL_LONE_GROWTH: Final = 1.25
POLL_LESSONS_TO_PLAN: Final = 5
POLL_PROBE_STEP_SHARE: Final = 0.1
POLL_UNLEARNED_WAIT_S: Final = 30.0
# A new engine (a CLI run, the window started again) learns from the tasks that ended on its store in
# the last hour: KIE's speed moves with its load over a day, less within an hour.
POLL_REMEMBER_S: Final = 3600.0
# KIE doc: any state but waiting/queuing/generating/success/fail is an error to report. A new state
# name may be harmless, so the job waits this long (and this many answers) before failing.
POLL_UNKNOWN_STATE_S: Final = 5 * 60.0
POLL_UNKNOWN_STATE_ANSWERS: Final = 5

# --- the window's estimates (issue 11) --------------------------------------------------------------------
# choice: what a job costs besides KIE's own task time (check, upload, create, download of a typical image
# on a home link); added to the learned task time before any job of a batch has ended.
ESTIMATE_JOB_OVERHEAD_S: Final = 3.0
# choice: no estimate before the batch ran this long and some of its jobs started: a pace measured over a
# second or two is noise ("about 40 min" that turns into "a few seconds").
ESTIMATE_MIN_ELAPSED_S: Final = 2.0
# choice: a job past its expected time is given this share of that time again (never "0 s left" for good).
ESTIMATE_OVERDUE_SHARE: Final = 0.25
# choice: once this many jobs of a batch ended, their pace (ended per second) bounds the estimate too.
ESTIMATE_PACE_AFTER: Final = 3

# choice: a link's original, fetched once for the window's thumbnail, size and before/after view. KIE
# takes at most MAX_IMAGE_BYTES, so nothing larger is worth fetching; the whole fetch ends in this time.
LINK_ORIGINAL_TIMEOUT_S: Final = 30.0
LINK_ORIGINALS_AT_ONCE: Final = 4  # choice: a drop of 200 links fetches a few at a time
LINK_ORIGINALS_KEPT: Final = 300  # choice: files kept in the cache folder; the oldest go first

# choice: the height a window's frame and title bar take before it is shown (the window manager tells only
# then); GNOME's title bar is about 37 px, KDE's and Xfce's about 30. The Settings dialog fits its screen
# with this room left.
TITLE_BAR_ALLOWANCE_PX: Final = 40

# --- credits ----------------------------------------------------------------------------------------
DEFAULT_COST_PER_IMAGE: Final = 0.5  # KIE doc: price seen in autumn 2026; a setting, it has changed before
DEFAULT_CONFIRM_OVER_CREDITS: Final = 20.0  # choice (issue 12): the window asks before a batch costing more

# --- one window per job store (ui/shell/one_window.py) ------------------------------------------------
# choice: a starting window answers a second launch well within this (it shows itself in ~0.3 s); one that
# does not is taken as hung, and the second launch opens its own window (the store is safe for two).
HANDOVER_WAIT_S: Final = 5.0
HANDOVER_MAX_BYTES: Final = 1 << 20  # choice: one "Open with" of a few thousand files fits
