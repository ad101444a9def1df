"""Screenshot an HTML file with headless Chromium, to look at the report as a reader would.

Usage: python scripts/screenshot.py REPORT.html OUT.png [--width 1280] [--height 3000]
Offline: background networking, component updates and sync are off; a throwaway profile is used.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--hide-scrollbars",
]


def chromium() -> str | None:
    """The Chromium binary: /usr/bin/chromium (Debian package), else one on PATH."""
    for name in ("/usr/bin/chromium", "chromium", "chromium-browser"):
        found = shutil.which(name)
        if found:
            return found
    return None


def run_chromium(args: list[str], timeout: float = 60.0) -> subprocess.CompletedProcess[str]:
    """Run headless Chromium with a throwaway profile; raises FileNotFoundError when it is not installed."""
    exe = chromium()
    if not exe:
        raise FileNotFoundError("chromium not found (Debian: apt-get install chromium)")
    with tempfile.TemporaryDirectory(prefix="restrack-chromium-") as profile:
        return subprocess.run(
            [exe, *CHROMIUM_FLAGS, f"--user-data-dir={profile}", *args],
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )


def screenshot(html: Path, out: Path, width: int = 1280, height: int = 3000) -> Path:
    out = out.resolve()
    proc = run_chromium([f"--screenshot={out}", f"--window-size={width},{height}", html.resolve().as_uri()])
    if not out.exists():
        raise RuntimeError(f"chromium wrote no screenshot (exit {proc.returncode}): {proc.stderr[-500:]}")
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("html", type=Path)
    ap.add_argument("out", type=Path)
    ap.add_argument("--width", type=int, default=1280)
    ap.add_argument("--height", type=int, default=3000)
    a = ap.parse_args(argv)
    if not a.html.is_file():
        print(f"error: no file {a.html}", file=sys.stderr)
        return 2
    try:
        print(screenshot(a.html, a.out, a.width, a.height))
    except (FileNotFoundError, RuntimeError, subprocess.TimeoutExpired) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
