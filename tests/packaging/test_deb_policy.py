"""What a Debian packager checks: lintian, the Debian changelog, the man page, reproducible bytes.

Slow: uses the session's build (conftest.packages). lintian takes ~30 s.
"""

from __future__ import annotations

import gzip
import shutil
import subprocess
from pathlib import Path

import pytest
from upscaler_packaging import build, deb, project

from upscaler_gui import __version__

pytestmark = [pytest.mark.slow, pytest.mark.timeout(600)]
DOC = Path("usr/share/doc/upscaler-gui")


# lintian's informational tags about how third-party prebuilt binaries (the wheels, PyInstaller's
# bootloader) were compiled or what strings they hold: not this package's to change.
ACCEPTED_INFO = {
    "binary-has-unneeded-section",  # .comment notes the wheels' compilers left
    "hardening-no-bindnow",  # the wheels' link flags
    "hardening-no-fortify-functions",  # the wheels' compile flags
    "spelling-error-in-binary",  # strings inside Qt, ICU, CPython's unicodedata, libjpeg...
}


@pytest.mark.skipif(
    shutil.which("lintian") is None, reason="lintian not installed (.ci/run: apt-get install lintian)"
)
def test_lintian_finds_no_error_or_warning_that_is_not_overridden_with_a_reason(
    packages: build.Artifacts,
) -> None:
    assert packages.deb is not None
    result = subprocess.run(
        ["lintian", "--tag-display-limit", "0", "--display-info", str(packages.deb)],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    tags = [line.split()[:3] for line in result.stdout.splitlines() if line[:2] in {"E:", "W:", "I:"}]
    assert [t for t in tags if t[0] in {"E:", "W:"}] == [], result.stdout
    assert {t[2] for t in tags if t[0] == "I:"} <= ACCEPTED_INFO, result.stdout
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_changelog_is_debians_format_with_the_debian_revision(deb_root: Path) -> None:
    changelog = deb_root / DOC / "changelog.Debian.gz"
    plain = changelog.with_suffix("")
    plain.write_bytes(gzip.decompress(changelog.read_bytes()))
    parsed = subprocess.run(
        ["dpkg-parsechangelog", "-l", str(plain)], capture_output=True, text=True, check=True
    )
    fields = dict(
        line.split(": ", 1) for line in parsed.stdout.splitlines() if ": " in line and line[0] != " "
    )
    assert fields["Source"] == "upscaler-gui" and fields["Version"] == f"{__version__}-1"
    assert fields["Date"].endswith("00:00:00 +0000")  # the release's date, not the build's
    assert (deb_root / DOC / "changelog.gz").is_file()  # upstream's CHANGELOG.md beside it


def test_the_man_page_comes_from_the_parser_and_renders_without_warnings(deb_root: Path) -> None:
    page = deb_root / "usr" / "share" / "man" / "man1" / "upscaler-gui.1.gz"
    roff = gzip.decompress(page.read_bytes()).decode()
    for option in ("\\-\\-on\\-conflict", "\\-\\-move\\-processed", "\\-\\-retry\\-unknown", "demo\\-server"):
        assert option in roff, option  # from build_parser(): the options of each command
    assert ".SH WINDOW" in roff and "\\-\\-minimized" in roff  # from build_window_parser()
    assert ".SH EXIT STATUS" in roff and ".SH ENVIRONMENT" in roff and "SSL_CERT_FILE" in roff
    if shutil.which("groff"):
        rendered = subprocess.run(
            ["groff", "-man", "-Tutf8", "-ww", "-z"], input=roff, capture_output=True, text=True, check=False
        )
        assert rendered.returncode == 0 and rendered.stderr == "", rendered.stderr


def test_the_deb_is_the_same_bytes_when_made_again_from_the_same_bundle(
    packages: build.Artifacts, tmp_path: Path
) -> None:
    """The packaging half of reproducibility (dpkg-deb, file times and modes, gzip, the copyright and
    changelog): a second .deb from the same bundle. README says what a whole second build changes."""
    assert packages.deb is not None and packages.man_page is not None
    again, _relations = deb.build_deb(
        packages.bundle, tmp_path, tmp_path / "work", packages.components, packages.man_page
    )
    assert again.name == packages.deb.name
    assert again.read_bytes() == packages.deb.read_bytes()
    assert project.deb_version() == f"{__version__}-1"
