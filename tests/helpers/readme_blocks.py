"""README.md's bash blocks as tests run them: exactly as printed, in a temporary folder whose `.venv` is the
environment running the tests. Sections are marked `<!-- NAME:begin ... -->` ... `<!-- NAME:end -->`."""

from __future__ import annotations

import re
import sys
from pathlib import Path

README = Path(__file__).resolve().parents[2] / "README.md"


def readme_blocks(section: str) -> list[str]:
    """The bash blocks of one marked README section, in order."""
    text = README.read_text()
    begin, end = f"<!-- {section}:begin", f"<!-- {section}:end -->"
    assert begin in text and end in text, f"README.md has no {section} section"
    part = text.split(begin, 1)[1].split(end, 1)[0]
    return re.findall(r"```bash\n(.*?)```", part, flags=re.DOTALL)


def readme_commands(block: str) -> list[str]:
    """One block's commands: continuation lines joined, comments and blank lines dropped."""
    joined = re.sub(r"\\\n\s*", "", block)
    return [
        line.split("  #")[0].strip()
        for line in joined.splitlines()
        if line.strip() and not line.startswith("#")
    ]


def with_venv(folder: Path) -> Path:
    """Make `.venv/bin/python` in `folder` this test's interpreter, in its environment."""
    if sys.prefix != sys.base_prefix:
        (folder / ".venv").symlink_to(sys.prefix, target_is_directory=True)
    else:
        (folder / ".venv" / "bin").mkdir(parents=True)
        (folder / ".venv" / "bin" / "python").symlink_to(sys.executable)
    return folder
