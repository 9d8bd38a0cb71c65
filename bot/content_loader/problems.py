"""Problems found in content: each names the file, the line and what is wrong."""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, order=True)
class Problem:
    file: str  # path relative to the content folder, e.g. "modules/help.yaml"
    line: int  # 1-based; 0 when the whole file is concerned
    message: str
    severity: str = "error"  # "error" stops the bot; "warning" is only reported

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        tag = "" if self.severity == "error" else f"{self.severity}: "
        return f"{where}: {tag}{self.message}"


class ContentError(Exception):
    """Raised by load_content when the content has errors: the bot refuses to start."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = sorted(problems)
        super().__init__(self.report())

    def report(self) -> str:
        errors = [p for p in self.problems if p.severity == "error"]
        warnings = [p for p in self.problems if p.severity != "error"]
        lines = [f"content has {len(errors)} error(s):"] + [f"  {p}" for p in errors + warnings]
        return "\n".join(lines)
