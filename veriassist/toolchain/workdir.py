"""A fresh, private directory for one simulation: where its files are laid out and its tools write."""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from veriassist.toolchain import runner


@contextmanager
def work_dir(keep: bool = False) -> Iterator[Path]:
    """Yields a new directory under the runner's work root; removed afterwards unless `keep`."""
    path = Path(tempfile.mkdtemp(prefix="veriassist-", dir=runner.work_root()))
    try:
        yield path
    finally:
        if not keep:
            shutil.rmtree(path, ignore_errors=True)
