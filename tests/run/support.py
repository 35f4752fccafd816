"""Starting `presence run` the way an operator does: a separate process with its
own environment, stopped with SIGTERM."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]


async def _wait_for_file(path: Path, proc: asyncio.subprocess.Process) -> dict[str, Any]:
    for _ in range(600):
        if await asyncio.to_thread(path.exists):
            return dict(json.loads(await asyncio.to_thread(path.read_text)))
        if proc.returncode is not None:
            break
        await asyncio.sleep(0.1)
    out = await proc.stderr.read() if proc.stderr else b""
    raise AssertionError(f"presence run never became ready: {out.decode()[-3000:]}")


@asynccontextmanager
async def presence_run(
    cwd: Path, config: str, env: dict[str, str]
) -> AsyncIterator[dict[str, Any]]:
    """Run `presence run` in `cwd` with `config` as presence.toml; yields the ready
    file's contents; on exit sends SIGTERM and asserts a clean exit 0."""
    (cwd / "presence.toml").write_text(config)
    ready = cwd / "ready.json"
    full_env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "DISCORD_"))},
        "PYTHONPATH": str(ROOT),
        "PRESENCE_READY_FILE": str(ready),
        "PRESENCE_SWEEP_INTERVAL": "3600",
        **env,
    }
    proc = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        "run",
        cwd=cwd,
        env=full_env,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    try:
        info = await _wait_for_file(ready, proc)
        assert info["pid"] == proc.pid
        yield info
    finally:
        if proc.returncode is None:
            proc.send_signal(signal.SIGTERM)
        try:
            rc = await asyncio.wait_for(proc.wait(), 60)
        except TimeoutError:
            proc.kill()
            raise
    assert rc == 0
