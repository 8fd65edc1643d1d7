"""Helpers shared by several test modules."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
_PASSTHROUGH = ("PATH", "HOME", "LANG", "SYSTEMROOT")


def run_python(code: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    """Run ``code`` in a fresh interpreter with only ``env`` (plus PATH/HOME) as its environment,
    so settings are read from scratch."""
    clean = {k: v for k, v in os.environ.items() if k in _PASSTHROUGH}
    clean.update({"DJANGO_SETTINGS_MODULE": "essdispatch.settings", "ESS_VAR_DIR": "/tmp/ess-probe"})
    clean.update(env)
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env=clean,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
