"""What reading passes over without rejecting anything, gathered once per ingest run.

Fields of JSONL/CSV records that no storyline field reads (one warning per run lists
them, per file) and archive records skipped because they are not articles (a WARC
response that is not HTML, a redirect), counted per file and reason for the report.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field


@dataclass
class ReadNotes:
    """Filled by the readers during one run; :meth:`warnings` and :meth:`skipped_counts`
    give what the ingest report shows."""

    ignored: dict[str, set[str]] = field(default_factory=dict)  # file -> field names
    skipped: dict[str, Counter[str]] = field(default_factory=dict)  # file -> reason -> n

    def ignore(self, origin: str, names: set[str]) -> None:
        if names:
            self.ignored.setdefault(origin, set()).update(names)

    def skip(self, origin: str, reason: str) -> None:
        self.skipped.setdefault(origin, Counter())[reason] += 1

    def warnings(self) -> tuple[str, ...]:
        """One line naming every ignored field of every file (empty when none was)."""
        if not self.ignored:
            return ()
        files = "; ".join(
            f"{origin}: {', '.join(sorted(names))}"
            for origin, names in sorted(self.ignored.items())
        )
        return (
            f"fields not read (no storyline field has these names; map one with "
            f"--field OURS=THEIRS): {files}",
        )

    def skipped_counts(self) -> dict[str, int]:
        """``"file: reason"`` -> how many records were skipped for it."""
        return {
            f"{origin}: {reason}": count
            for origin, reasons in sorted(self.skipped.items())
            for reason, count in sorted(reasons.items())
        }
