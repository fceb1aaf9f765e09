"""Where results go: the naming template, the conflict policy, and writes that are never half-done.

A download streams into a hidden temp file inside the output folder, is checked, and only then takes
its final name; on any failure the temp file is removed. An existing file is never replaced unless the
policy is `overwrite`.
"""

from __future__ import annotations

import contextlib
import errno
import os
import re
import string
import unicodedata
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import BinaryIO, Literal

from upscaler_gui.core import log
from upscaler_gui.core.errors import InputError, OutputError
from upscaler_gui.core.i18n import tr

ConflictPolicy = Literal["rename", "skip", "overwrite"]
CONFLICT_POLICIES: tuple[ConflictPolicy, ...] = ("rename", "skip", "overwrite")
DEFAULT_TEMPLATE = "{stem}_crisp.{ext}"
TEMPLATE_FIELDS = frozenset({"stem", "ext", "n", "date", "time", "task_id", "width", "height", "relpath"})
TEMP_PREFIX = ".crisp-"
TEMP_SUFFIX = ".part"
MAX_NAME_BYTES = 200  # most file systems allow 255; leave room for "-12" and the extension
MAX_STEM_BYTES = 150  # the input's stem inside a template, leaving room for the template's own text

_WINDOWS_RESERVED = {
    "con",
    "prn",
    "aux",
    "nul",
    *(f"com{i}" for i in range(1, 10)),
    *(f"lpt{i}" for i in range(1, 10)),
}
_UNSAFE = re.compile(r'[\x00-\x1f\x7f<>:"/\\|?*]')


@dataclass(frozen=True)
class NameFields:
    """The values a template can use for one result."""

    stem: str
    ext: str
    n: int = 1
    task_id: str = ""
    width: int = 0
    height: int = 0
    when: datetime | None = None
    relpath: str = ""  # the input's subfolder in the folder it came from; '/' between parts

    def as_dict(self) -> dict[str, str]:
        when = self.when or datetime.now()
        return {
            "stem": self.stem,
            "ext": self.ext,
            "n": str(self.n),
            "date": when.strftime("%Y-%m-%d"),
            "time": when.strftime("%H-%M-%S"),
            "task_id": self.task_id,
            "width": str(self.width),
            "height": str(self.height),
            "relpath": self.relpath,
        }


def validate_template(template: str) -> None:
    """Refuse a template with unknown fields or bad braces, naming the problem."""
    try:
        names = {name for _, name, _, _ in string.Formatter().parse(template) if name is not None}
    except ValueError as exc:
        raise InputError(tr("The naming template is not valid ({cause}).").format(cause=exc)) from None
    unknown = sorted(names - TEMPLATE_FIELDS)
    if unknown:
        raise InputError(
            tr("The naming template uses unknown field {{{name}}}.").format(name=unknown[0]),
            hint=tr("Use {fields}.").format(fields=", ".join(f"{{{f}}}" for f in sorted(TEMPLATE_FIELDS))),
        )
    if "ext" not in names:
        raise InputError(
            tr("The naming template must contain {ext}, so results open with the right program.")
        )
    try:  # a format spec or conversion ({n:d}, {stem!z}) parses, yet fails when filled in
        template.format(**NameFields(stem="x", ext="png").as_dict())
    except (ValueError, KeyError, IndexError) as exc:
        raise InputError(tr("The naming template is not valid ({cause}).").format(cause=exc)) from None


def render_name(template: str, values: NameFields) -> str:
    """The result's name: the template filled, then made safe as one name in one folder; or, for a
    template with {relpath}, a relative path whose every part is such a name (nothing can lead out:
    '', '.' and '..' parts are dropped, so is a leading '/')."""
    validate_template(template)
    parts = values.as_dict()
    # Each value made safe first, so a hostile or huge input name cannot eat the template's own text.
    parts["stem"] = safe_stem(parts["stem"], limit=MAX_STEM_BYTES)
    parts["task_id"] = safe_stem(parts["task_id"], limit=64) if parts["task_id"] else ""
    parts["relpath"] = "/".join(safe_folders(values.relpath))
    raw = template.format(**parts)
    folders: list[str] = []
    if uses_relpath(template):  # then '/' separates folders, the template's own too
        *above, raw = raw.split("/")
        folders = safe_folders("/".join(above))
    stem, dot, ext = raw.rpartition(".")
    if not dot:
        stem, ext = raw, values.ext
    return "/".join([*folders, f"{safe_stem(stem)}.{safe_stem(ext) or values.ext}"])


def uses_relpath(template: str) -> bool:
    return any(name == "relpath" for _, name, _, _ in string.Formatter().parse(template))


def tree_template(template: str) -> str:
    """The template that keeps the input's folder tree: `{relpath}/` before it, unless it places
    {relpath} itself."""
    return template if uses_relpath(template) else "{relpath}/" + template


def safe_folders(relpath: str) -> list[str]:
    """The parts of a relative folder path, each a safe name; parts of only dots and spaces ('', '.',
    '..') dropped."""
    parts = relpath.replace("\\", "/").split("/")
    return [safe_stem(part) for part in parts if part.strip(". ")]


# Fields whose value is only known once the result exists (or that change by the minute).
_KNOWN_LATE = frozenset({"task_id", "width", "height", "time"})
_FORMAT_EXT = {"png": "png", "jpeg": "jpg", "webp": "webp"}


def predicted_name(
    template: str, stem: str, output_format: str, input_ext: str | None, n: int, *, relpath: str = ""
) -> str | None:
    """The result's name as it will be, when it can be known before the task runs; else None.

    The extension is the converted format's, or else the input's (the result keeps the format it is
    given, as measured with the sim; a different real format only means the check finds nothing).
    """
    ext = _FORMAT_EXT.get(output_format) or input_ext
    names = {name for _, name, _, _ in string.Formatter().parse(template) if name}
    if not ext or names & _KNOWN_LATE:
        return None
    return render_name(template, NameFields(stem=stem, ext=ext, n=n, relpath=relpath))


def safe_stem(text: str, limit: int = MAX_NAME_BYTES) -> str:
    """A name part that cannot leave the folder, hide itself, or be reserved on Windows."""
    text = unicodedata.normalize("NFC", text)
    text = _UNSAFE.sub("_", text).strip().strip(".").strip()
    if text.lower() in _WINDOWS_RESERVED:
        text = f"_{text}"
    # A name's bytes that are not UTF-8 (surrogate escapes) count one each, as on disk.
    while len(text.encode("utf-8", "surrogateescape")) > limit:
        text = text[:-1]
    return text or "image"


def stem_of(name: str) -> str:
    """The stem of an input's name (a path's name or a URL's last segment)."""
    return safe_stem(Path(name).stem if "." in name else name)


def is_temp_name(name: str) -> bool:
    """Our own in-progress downloads (left alone by the watch folder and removed on start)."""
    return name.startswith(TEMP_PREFIX) and name.endswith(TEMP_SUFFIX)


@contextlib.contextmanager
def temp_file(folder: Path) -> Iterator[tuple[Path, BinaryIO]]:
    """A hidden temp file in `folder`, removed on any failure (also when the caller moved it away)."""
    path = temp_path(folder)
    try:
        with open_temp(path) as stream:
            yield path, stream
    finally:
        remove_temp(path)


def temp_path(folder: Path) -> Path:
    """A new name for a hidden temp file in `folder` (nothing is made yet)."""
    return folder / f"{TEMP_PREFIX}{os.getpid()}-{uuid.uuid4().hex}{TEMP_SUFFIX}"


def open_temp(path: Path) -> BinaryIO:
    """The temp file at `path`, made (with its folder) and open for writing and reading."""
    ensure_folder(path.parent)
    return path.open("w+b")


def remove_temp(path: Path, stream: BinaryIO | None = None) -> None:
    """Close `stream` and remove the temp file, if it is still there (it may have been moved away)."""
    if stream is not None:
        stream.close()
    with contextlib.suppress(FileNotFoundError):
        path.unlink()


def ensure_folder(folder: Path) -> None:
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OutputError(
            tr("The output folder {folder} cannot be created ({cause}).").format(
                folder=folder, cause=exc.strerror or exc
            ),
            hint=tr("Choose another output folder."),
        ) from None


def place(temp: Path, folder: Path, name: str, policy: ConflictPolicy) -> Path | None:
    """Give the finished temp file its final name (`name` may hold subfolders, made here); None when
    `skip` found the name taken."""
    target = folder / name
    inside = folder.resolve()
    if inside not in target.resolve().parents:  # a '..', an absolute name, a link that leads out
        raise OutputError(tr("The result name {name} would leave the output folder.").format(name=name))
    if target.parent != folder:
        ensure_folder(target.parent)
    if policy == "overwrite":
        os.replace(temp, target)
        return target
    if policy == "skip":
        return target if _link_new(temp, target) else None
    for candidate in numbered(target):
        if _link_new(temp, candidate):
            return candidate
    raise OutputError(tr("No free name for {name} in the output folder.").format(name=name))


def numbered(target: Path, limit: int = 10_000) -> Iterator[Path]:
    """x_crisp.png, x_crisp-1.png, x_crisp-2.png, ..."""
    yield target
    for i in range(1, limit):
        yield target.with_name(f"{target.stem}-{i}{target.suffix}")


def _link_new(temp: Path, target: Path) -> bool:
    """Move temp to target only if target does not exist, atomically where the file system allows."""
    try:
        os.link(temp, target)  # fails if target exists: no window where another file is replaced
    except FileExistsError:
        return False
    except OSError as exc:
        if exc.errno not in (errno.EPERM, errno.ENOTSUP, errno.EOPNOTSUPP, errno.EXDEV, errno.EMLINK):
            raise
        return _rename_new(temp, target)  # no hard links here (FAT, some shares)
    temp.unlink()
    log.output.debug("placed %s", target.name)
    return True


def _rename_new(temp: Path, target: Path) -> bool:
    if target.exists():
        return False
    temp.rename(target)
    return True


def _writer_alive(name: str) -> bool:
    """Whether the process that is writing this temp file still runs (its pid is in the name)."""
    pid_text = name[len(TEMP_PREFIX) :].split("-", 1)[0]
    if not pid_text.isdigit() or int(pid_text) == os.getpid():
        return False  # ours from an earlier run of this engine, or an older name: stale
    try:
        os.kill(int(pid_text), 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True  # exists, not ours to signal
    return True


def remove_stale_temp_files(folder: Path) -> int:
    """Remove temp files a killed run left behind (not those another live process is writing)."""
    removed = 0
    if not folder.is_dir():
        return 0
    for entry in folder.iterdir():
        if is_temp_name(entry.name) and entry.is_file() and not _writer_alive(entry.name):
            with contextlib.suppress(OSError):
                entry.unlink()
                removed += 1
    return removed
