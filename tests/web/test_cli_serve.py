"""``storyline serve`` is registered and documents its options."""

from __future__ import annotations

from typer.testing import CliRunner

import storyline.cli.web  # noqa: F401  (registers `serve` until cli/__init__ imports it)
from storyline.cli import app


def test_serve_help_names_host_and_port() -> None:
    result = CliRunner().invoke(app, ["serve", "--help"])
    assert result.exit_code == 0, result.output
    assert "--host" in result.output and "--port" in result.output
