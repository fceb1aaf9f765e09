"""Every bundled component's licence travels with it: in the bundle, the .deb's copyright, the tarball.

Slow: uses the session's build (conftest.packages).
"""

from __future__ import annotations

import re
import tarfile
from pathlib import Path

import pytest
from upscaler_packaging import build, elf, licences

pytestmark = [pytest.mark.slow, pytest.mark.timeout(600)]

# The list (issue 14): each must be a component with its licence, by these keys.
NAMED = {
    "upscaler-gui": "MIT",
    "pyside6-essentials": "LGPL-3.0-only",
    "shiboken6": "LGPL-3.0-only",
    "python": "PSF-2.0",
    "pillow": "MIT-CMU",
    "httpx": "BSD-3-Clause",
    "certifi": "MPL-2.0",
    "qasync": "BSD-2-Clause",
    "watchdog": "Apache-2.0",
    "keyring": "MIT",
    "cryptography": "Apache-2.0 OR BSD-3-Clause",
    "debian-libssl3": "Apache-2.0",  # OpenSSL, the one Python's ssl module was built against
    "icu": "Unicode-DFS-2016 AND ICU",
    "pi-heif": "BSD-3-Clause",  # its wheel's libheif and libde265: LGPL-3.0, in its bundled-licences text
}


def by_key(packages: build.Artifacts) -> dict[str, licences.Component]:
    return {c.key: c for c in packages.components}


def test_the_named_components_are_there_with_their_licence_and_text(packages: build.Artifacts) -> None:
    found = by_key(packages)
    assert {key: found[key].licence for key in NAMED if key in found} == NAMED
    for component in packages.components:
        # a licence, not a pointer to one (cryptography's LICENSE only names its two others)
        assert sum(len(text) for _name, text in component.texts) > 500, component.key
        assert component.copyright.strip(), component.key
    pillow = "\n".join(text for _n, text in found["pillow"].texts)
    for vendored in ("LIBJPEG", "LIBTIFF", "LIBWEBP", "ZSTD", "OPENJPEG", "LCMS2", "LIBAVIF", "DAV1D"):
        assert re.search(rf"^{vendored}$", pillow, re.MULTILINE), vendored
    assert "GNU LESSER GENERAL PUBLIC LICENSE" in found["pyside6-essentials"].texts[0][1]
    heif = dict(found["pi-heif"].texts)
    assert "libheif" in heif["LICENSES_bundled.txt"] and "libde265" in heif["LICENSES_bundled.txt"]
    assert "x265" not in heif["LICENSES_bundled.txt"]  # the decoder only: no GPL encoder in the bundle
    assert {f for f in found["pi-heif"].files if "libheif" in f}  # its libraries are attributed to it
    assert "Unicode" in found["icu"].texts[0][1]
    assert not {"pytest", "pygments"} & set(found)  # test tools are not in the program


def test_every_library_and_module_of_the_bundle_belongs_to_a_component(packages: build.Artifacts) -> None:
    internal = packages.bundle / "_internal"
    owned = {f for c in packages.components for f in c.files}
    libraries = {str(p.relative_to(internal)) for p in elf.elf_files(internal)}
    assert libraries and not libraries - owned
    modules = {f for f in owned if f.startswith("PYZ:")}
    assert {"PYZ:httpx", "PYZ:qasync", "PYZ:keyring", "PYZ:certifi", "PYZ:upscaler_gui.cli"} <= modules


def test_the_bundle_carries_each_text_under_licenses(packages: build.Artifacts) -> None:
    folder = packages.bundle / "_internal" / "licenses"
    for component in packages.components:
        for name, text in component.texts:
            assert (folder / component.key / name).read_text(encoding="utf-8") == text


def test_the_debs_copyright_is_machine_readable_and_names_every_component(
    packages: build.Artifacts, deb_root: Path
) -> None:
    text = (deb_root / "usr" / "share" / "doc" / "upscaler-gui" / "copyright").read_text(encoding="utf-8")
    paragraphs = text.split("\n\n")
    assert paragraphs[0].startswith(
        "Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/"
    )
    own = paragraphs[1].splitlines()
    assert own[:3] == ["Files: *", "Copyright: 2026 Crisp Upscaler developers", "License: MIT"]
    comments = re.findall(r"^Comment: (.+)$", text, re.MULTILINE)
    for component in packages.components:
        assert any(c.startswith(f"{component.name} {component.version}".strip()) for c in comments)
        assert f"License: {component.licence}" in text
    assert "/usr/share/common-licenses/Apache-2.0" in text  # the terms Debian ships are referred to
    files = re.findall(r"^Files: (\S+)", text, re.MULTILINE)
    assert "opt/upscaler-gui/_internal/libssl.so.3" in text and len(files) == len(packages.components)


def test_the_tarball_carries_the_copyright_and_the_projects_licence(packages: build.Artifacts) -> None:
    with tarfile.open(packages.tarball) as tar:
        top = tar.getnames()[0].split("/")[0]
        copyright_text = tar.extractfile(f"{top}/COPYRIGHT").read().decode()  # type: ignore[union-attr]
        own = tar.extractfile(f"{top}/LICENSE").read().decode()  # type: ignore[union-attr]
        names = set(tar.getnames())
    assert own.startswith("MIT License") and "Crisp Upscaler developers" in own
    assert "GNU LESSER GENERAL PUBLIC LICENSE" in copyright_text  # full texts: not only for Debian
    assert f"{top}/_internal/licenses/certifi/LICENSE" in names


def test_the_copyright_file_is_deb822_fields_and_continuation_lines(deb_root: Path) -> None:
    path = deb_root / "usr" / "share" / "doc" / "upscaler-gui" / "copyright"
    for paragraph in path.read_text(encoding="utf-8").split("\n\n"):
        for line in paragraph.splitlines():
            assert line.startswith(" ") or re.match(r"^[A-Z][A-Za-z-]*: ", line), line
            assert line != " "  # an empty line inside a field is written " ."
