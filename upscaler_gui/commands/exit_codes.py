"""The command line's exit codes, in one place (README, "Command line", lists them for users)."""

from __future__ import annotations

EXIT_OK = 0  # every input done or skipped
EXIT_FAILED = 1  # something failed or its outcome is unknown
EXIT_USAGE = 2  # the command line itself is wrong
EXIT_PAUSED = 3  # paused for credits or a key's own limit; jobs kept
EXIT_KEY_REFUSED = 4  # KIE refused the API key; jobs kept
EXIT_BLOCKED = 5  # KIE's firewall (Cloudflare) refused the app's requests; jobs kept
EXIT_STORE = 6  # the job store or the data folder cannot be used; what was written is kept
EXIT_INTERRUPTED = 130  # Ctrl+C or SIGTERM; jobs kept, no temp files left
