"""The real-world corpus in ../shared/corpus/ (see its README): present in CI, maybe not on a newcomer's machine.

Tests that read it skip with the reason where it is absent, and fail when DIALOGDESK_REQUIRE_SERVICES=1.
"""

import os
from pathlib import Path

from tests.service_env import skip_or_fail

CORPUS_DIR = Path(os.environ.get("DIALOGDESK_CORPUS_DIR") or Path(__file__).resolve().parents[2] / "shared" / "corpus")


def corpus_params(folder: str, pattern: str) -> list:
    """Values for @pytest.mark.parametrize: the corpus files, or one None that skips (or fails) the test."""
    import pytest

    directory = CORPUS_DIR / folder
    paths = sorted(directory.glob(pattern)) if directory.is_dir() else []
    return [pytest.param(path, id=path.stem) for path in paths] or [pytest.param(None, id="corpus-missing")]


def corpus_folder(folder: str) -> Path:
    directory = CORPUS_DIR / folder
    if not directory.is_dir():
        skip_or_fail(f"needs the corpus at {directory} (../shared/corpus, see its README) and it is missing")
    return directory


def corpus_file(path: Path | None, folder: str) -> Path:
    if path is None:
        corpus_folder(folder)
    return path
