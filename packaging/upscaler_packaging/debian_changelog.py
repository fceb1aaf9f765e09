"""debian/changelog's format (Policy 4.4) for /usr/share/doc/upscaler-gui/changelog.Debian.gz.

One entry per CHANGELOG.md release, newest first, version `<upstream>-<DEB_REVISION>`, its items as
`*` lines; the date is the release's (midnight UTC), so the file is the same on every build.
"""

from __future__ import annotations

import datetime
import email.utils
import textwrap

from upscaler_packaging import project

DISTRIBUTION = "unstable"


def entry(release: project.Release) -> str:
    day = datetime.date.fromisoformat(release.date)
    when = datetime.datetime(day.year, day.month, day.day, tzinfo=datetime.UTC)
    lines = [f"{project.NAME} ({release.version}-{project.DEB_REVISION}) {DISTRIBUTION}; urgency=medium", ""]
    lines.append(f"  * Upstream release {release.version} (its notes: changelog.gz).")
    for heading, items in release.sections:
        for item in items:
            text = f"{heading}: {item.replace('`', '')}"
            lines += textwrap.wrap(text, width=78, initial_indent="  * ", subsequent_indent="    ")
    lines += ["", f" -- {project.MAINTAINER}  {email.utils.format_datetime(when)}"]
    return "\n".join(lines) + "\n"


def text(releases: list[project.Release] | None = None) -> str:
    return "\n".join(entry(r) for r in (project.releases() if releases is None else releases))
