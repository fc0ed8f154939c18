"""Programs from the OS that some tests need (Chromium, LibreOffice, poppler, fonts).

On a developer's machine a missing one skips the test, saying what to install. Under CI
(`CI=true`, as `.ci/run` sets) it fails the test instead: CI installs them, so a missing tool
there is a broken CI, not a reason to test less.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

DEJAVU = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")


def under_ci() -> bool:
    return os.environ.get("CI", "").lower() in ("1", "true", "yes")


def missing(what: str, package: str) -> None:
    """Skip (or, under CI, fail) the calling test: `what` is not installed."""
    message = f"{what} is not installed (Debian package {package}; .ci/run installs it)"
    if under_ci():
        pytest.fail(f"CI=true: {message}", pytrace=False)
    pytest.skip(message)


def program(*names: str, package: str) -> str:
    """The path of the first of `names` on PATH; skips or fails the test when none is."""
    for name in names:
        if path := shutil.which(name):
            return path
    missing(" / ".join(names), package)
    raise AssertionError("unreachable")  # missing() always raises


def font() -> Path:
    if not DEJAVU.exists():
        missing(str(DEJAVU), "fonts-dejavu-core")
    return DEJAVU


def real_clock_env(env: dict[str, str]) -> dict[str, str]:
    """`env` without libfaketime: for a subprocess that must not see the suite's faked clock.

    - A Dagster CLI that starts a gRPC code server: under `faketime` (the suite on another day,
      in CI) the server's timed waits never return, it outlives the CLI that started it and
      holds its output pipes open, and the test hangs. What these tests check (which code
      location loads) does not depend on the date.
    - A test that fakes a clock of its own: faketime inside faketime shifts twice."""
    clean = {k: v for k, v in env.items() if not k.startswith("FAKETIME")}
    preload = [p for p in clean.get("LD_PRELOAD", "").split(":") if p and "faketime" not in p]
    if preload:
        clean["LD_PRELOAD"] = ":".join(preload)
    else:
        clean.pop("LD_PRELOAD", None)
    return clean
