"""Issue 17: every README example runs as written, twice (ingest is idempotent, so the
second run meets a store that holds everything already).

The ```python blocks run in a fresh folder beside ``../shared`` (as in a clone); the
storyline commands of the quick-start block run there too with this venv's storyline.
"""

from __future__ import annotations

import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")


def _blocks(language: str) -> list[str]:
    return re.findall(rf"^```{language}\n(.*?)^```$", README, flags=re.S | re.M)


@pytest.fixture
def clone(tmp_path: Path, shared_data: Path) -> Path:
    """``tmp/repo`` with ``tmp/shared`` beside it, as a clone sits beside ../shared."""
    (tmp_path / "shared").symlink_to(shared_data.parent)
    repo = tmp_path / "repo"
    repo.mkdir()
    return repo


def _env() -> dict[str, str]:
    return {
        **os.environ,
        "HF_HUB_OFFLINE": "1",
        "STORYLINE_INGEST_WORKERS": "1",
        "STORYLINE_ENRICH_WORKERS": "1",
    }


def test_readme_has_its_examples() -> None:
    assert len(_blocks("python")) >= 1
    assert "storyline --db quickstart.db ingest" in _blocks("bash")[0]


@pytest.mark.slow
def test_every_python_block_runs_twice(clone: Path) -> None:
    for number, block in enumerate(_blocks("python"), 1):
        script = clone / f"readme_{number}.py"
        script.write_text(block, encoding="utf-8")
        outputs = []
        for run in (1, 2):
            done = subprocess.run(
                [sys.executable, str(script)],
                cwd=clone,
                env=_env(),
                capture_output=True,
                text=True,
                check=False,
                timeout=600,
            )
            assert done.returncode == 0, f"block {number}, run {run}:\n{done.stderr[-3000:]}"
            outputs.append(done.stdout)
        assert outputs[0].strip() and outputs[1].strip()


@pytest.mark.slow
def test_quick_start_commands_run_twice(clone: Path) -> None:
    """The quick start's storyline commands (the install part aside), run twice."""
    commands = [
        shlex.split(part.strip())
        for part in _blocks("bash")[0].split("&&")
        if part.strip().startswith(".venv/bin/storyline ")
    ]
    assert [c[3] for c in commands] == ["ingest", "articles", "stories", "timeline"]
    for run in (1, 2):
        for command in commands:
            done = subprocess.run(
                [sys.executable, "-m", "storyline", *command[1:]],
                cwd=clone,
                env=_env(),
                capture_output=True,
                text=True,
                check=False,
                timeout=600,
            )
            assert done.returncode == 0, f"run {run}: {command}\n{done.stderr[-3000:]}"
            assert done.stdout.strip(), command
