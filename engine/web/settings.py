"""What a server was started with; every safety default lives here."""
from __future__ import annotations

import tempfile
from dataclasses import dataclass, field
from pathlib import Path

MB = 1024 * 1024


@dataclass
class Settings:
    # Personal data (names, ID numbers, phones) is shown only when a request asks AND this is on.
    allow_personal_data: bool = False
    max_json_bytes: int = 1 * MB          # a JSON request or a filled-in form
    max_upload_bytes: int = 50 * MB       # a file to audit
    allowed_hosts: tuple[str, ...] = ("127.0.0.1", "localhost", "[::1]", "testserver")
    max_jobs: int = 20                    # finished audit jobs kept (with their files) before the oldest is removed
    # Uploads and audit outputs live only here, in a folder of the system temp directory.
    workdir: Path = field(default_factory=lambda: Path(tempfile.mkdtemp(prefix="gridlaw-web-")))

    def personal(self, asked: bool) -> bool:
        return bool(asked) and self.allow_personal_data
