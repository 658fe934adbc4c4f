"""The README's Python example runs as written (from the repository's top folder)."""

from __future__ import annotations

import re
from pathlib import Path

README = Path(__file__).resolve().parents[2] / "README.md"


def test_readme_python_example_runs(capsys) -> None:  # type: ignore[no-untyped-def]
    text = README.read_text()
    section = text.split("## Using the library from Python", 1)[1]
    blocks = re.findall(r"```python\n(.*?)```", section, re.S)
    assert blocks, "no python block in the README's Python section"
    exec(compile(blocks[0], "README.md", "exec"), {"__name__": "readme"})
    out = capsys.readouterr().out
    assert "valid: True" in out and "acceptable: True" in out
