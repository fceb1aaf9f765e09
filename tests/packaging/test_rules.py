"""Fast checks of the packaging rules, without building: version, changelog, metainfo, pruning."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from upscaler_packaging import licences, linux_tree, project, prune

from tests.packaging.conftest import ROOT
from upscaler_gui import __version__


def test_one_version_and_the_changelog_describes_it() -> None:
    assert project.version() == __version__
    release = project.current_release()
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", release.date) and release.sections[0][1]
    assert "## [Unreleased]" in project.CHANGELOG.read_text(encoding="utf-8")  # left out of releases
    assert project.releases()[0].version == __version__


def test_the_metainfo_releases_come_from_the_changelog() -> None:
    root = ET.fromstring(linux_tree.metainfo())
    releases = root.findall("releases/release")
    assert [r.get("version") for r in releases] == [r.version for r in project.releases()]
    items = [li.text for li in releases[0].findall("description/ul/li")]
    assert items and all(item and "`" not in item for item in items)


def test_a_changelog_parse(tmp_path: Path) -> None:
    changelog = tmp_path / "CHANGELOG.md"
    changelog.write_text(
        "# Changelog\n\n## [Unreleased]\n\n- not yet\n\n## [1.1.0] - 2030-01-02\n\n### Fixed\n\n"
        "- a long item\n  that wraps\n\n### Added\n\n- b & c <d>\n\n"
        "## [1.0.0] - 2029-12-31\n\n### Added\n\n- e\n",
        encoding="utf-8",
    )
    releases = project.releases(changelog)
    assert [(r.version, r.date) for r in releases] == [("1.1.0", "2030-01-02"), ("1.0.0", "2029-12-31")]
    assert releases[0].sections == (("Fixed", ("a long item that wraps",)), ("Added", ("b & c <d>",)))
    xml = linux_tree.releases_xml(releases)
    assert ET.fromstring(xml).find("release/description/ul[2]/li").text == "b & c <d>"  # type: ignore[union-attr]


def test_prune_rules() -> None:
    rule = prune.rule_for
    assert rule("PySide6/Qt/plugins/platforms/libqxcb.so", ["en", "ru"]) is None
    assert rule("PySide6/Qt/plugins/platforms/libqvnc.so", ["en", "ru"])
    assert rule("PySide6/Qt/plugins/tls/libqopensslbackend.so", ["en", "ru"])
    assert rule("PySide6/Qt/translations/qtbase_ru.qm", ["en", "ru"]) is None
    assert rule("PySide6/Qt/translations/qtbase_de.qm", ["en", "ru"])
    assert rule("PySide6/Qt/translations/qt_help_ru.qm", ["en", "ru"])
    assert rule("libX11.so.6", []) and rule("libxcb-cursor.so.0", []) and rule("libstdc++.so.6", [])
    assert rule("libssl.so.3", []) is None  # Python's own: carried
    assert rule("pillow.libs/libxcb-9065bb12.so.1.1.0", []) is None  # vendored by a wheel: carried


def test_prune_rules_serve_the_windows_and_macos_builds_too() -> None:
    rule = prune.rule_for
    assert rule("PySide6/plugins/platforms/qwindows.dll", []) is None
    assert rule("PySide6/plugins/styles/qmodernwindowsstyle.dll", []) is None
    assert rule("PySide6/plugins/imageformats/qtiff.dll", [])
    assert rule("PySide6/Qt/plugins/platforms/libqcocoa.dylib", []) is None
    assert rule("PySide6/translations/qtbase_ru.qm", ["ru"]) is None
    assert rule("PySide6/translations/qt_ru.qm", ["ru"])


def test_reachability_drops_what_only_dropped_parts_needed() -> None:
    needs = {
        "/ext.so": ["libQt6Gui.so.6"],
        "/gui": ["libQt6Core.so.6"],
        "/core": ["libicuuc.so.73"],
        "/icu": [],
        "/net": ["libssl.so.3"],
        "/ssl": [],
    }
    binaries = [
        ("PySide6/QtGui.abi3.so", "/ext.so", "EXTENSION"),
        ("PySide6/Qt/lib/libQt6Gui.so.6", "/gui", "BINARY"),
        ("PySide6/Qt/lib/libQt6Core.so.6", "/core", "BINARY"),
        ("PySide6/Qt/lib/libicuuc.so.73", "/icu", "BINARY"),
        ("PySide6/Qt/lib/libQt6Network.so.6", "/net", "BINARY"),
        ("libssl.so.3", "/ssl", "BINARY"),
    ]
    alive = prune.reachable(binaries, lambda src: needs[src])
    assert "PySide6/Qt/lib/libicuuc.so.73" in alive
    assert "PySide6/Qt/lib/libQt6Network.so.6" not in alive and "libssl.so.3" not in alive


def test_the_desktop_entry_and_metainfo_sources_exist() -> None:
    assert linux_tree.DESKTOP_FILE.is_file()
    assert (
        linux_tree.METAINFO_FILE.is_file()
        and linux_tree.RELEASES_MARKER in linux_tree.METAINFO_FILE.read_text()
    )


def test_no_qt_module_the_app_imports_is_left_out_of_the_bundle() -> None:
    """A new `from PySide6.QtSvg import ...` in the app would fail only in the bundle: catch it here."""
    imported = set()
    for source in (ROOT / "upscaler_gui").rglob("*.py"):
        imported |= set(re.findall(r"\bPySide6\.(Qt\w+)", source.read_text(encoding="utf-8")))
    assert {"QtCore", "QtGui", "QtWidgets"} <= imported
    assert not {f"PySide6.{name}" for name in imported} & set(prune.EXCLUDED_MODULES)


def test_the_project_licence_names_its_holder_and_year_and_pyproject_uses_spdx() -> None:
    """setuptools >= 77 deprecates `license = {text = ...}`: an SPDX string and license-files instead."""
    import tomllib

    text = (ROOT / "LICENSE").read_text(encoding="utf-8")
    assert text.startswith("MIT License") and re.search(
        r"Copyright \(c\) 20\d\d Crisp Upscaler developers", text
    )
    meta = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    assert meta["project"]["license"] == project.LICENSE == "MIT"
    assert meta["project"]["license-files"] == ["LICENSE"]
    assert "setuptools>=77" in meta["build-system"]["requires"]


def test_the_app_id_is_lowercase_reverse_dns_and_the_app_names_its_desktop_file_by_it() -> None:
    """Wayland and the docks match a window to its menu entry by this name (setDesktopFileName)."""
    from upscaler_gui.ui.shell import taskbar

    assert re.fullmatch(r"[a-z][a-z0-9]*(\.[a-z][a-z0-9_]*){2,}", project.APP_ID)
    assert re.fullmatch(r"[A-Za-z0-9.-]+", project.MACOS_BUNDLE_ID)  # CFBundleIdentifier's alphabet
    assert linux_tree.DESKTOP_FILE.name == f"{project.APP_ID}.desktop" == taskbar.DESKTOP_ID
    app_source = (ROOT / "upscaler_gui" / "ui" / "app.py").read_text(encoding="utf-8")
    assert f'setDesktopFileName("{project.APP_ID}")' in app_source
    root = ET.parse(linux_tree.METAINFO_FILE).getroot()
    assert (
        root.findtext("id") == project.APP_ID and root.findtext("launchable") == f"{project.APP_ID}.desktop"
    )


def test_a_bundled_file_of_unknown_origin_stops_the_build(tmp_path: Path) -> None:
    """No distribution, Python or Debian package owns it: better no build than an unattributed file."""
    stray = tmp_path / "libmystery.so.1"
    stray.write_bytes(b"\x7fELF not from any package")
    with pytest.raises(RuntimeError, match=r"no origin known for libmystery\.so\.1"):
        licences.gather([("libmystery.so.1", str(stray), "BINARY")])


def test_a_project_file_and_an_installed_distributions_file_are_attributed() -> None:
    import httpx

    found = licences.gather(
        [
            ("PYZ:httpx", httpx.__file__, "PYMODULE"),
            ("upscaler_gui/core/locale/ru.json", str(ROOT / "upscaler_gui/core/locale/ru.json"), "DATA"),
        ]
    )
    by_key = {c.key: c for c in found}
    assert by_key["httpx"].licence == "BSD-3-Clause" and "Encode OSS" in by_key["httpx"].copyright
    assert by_key["upscaler-gui"].files == {"upscaler_gui/core/locale/ru.json"}
    assert found[0].key == "upscaler-gui"  # the project's own paragraph comes first


def test_the_projects_own_installed_distribution_is_the_project() -> None:
    """The editable install lists the project's files as its own: their paragraph is the project's."""
    from importlib import metadata

    dist = metadata.distribution("upscaler-gui")
    cli = next(f for f in dist.files or () if str(f) == "upscaler_gui/cli.py")
    (component,) = licences.gather([("PYZ:upscaler_gui.cli", str(dist.locate_file(cli)), "PYMODULE")])
    assert component.key == "upscaler-gui" and component.texts[0][0] == "LICENSE"
    assert component.copyright == "2026 Crisp Upscaler developers"
