"""The cache's pickled files: written atomically (a temporary file renamed over the old one),
read back as None when missing, damaged or of another format: a miss only costs time."""

from __future__ import annotations

import os
import pickle
from pathlib import Path
from typing import Any


def save(path: Path, value: Any) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.{os.getpid()}")
    with temporary.open("wb") as handle:
        pickle.dump(value, handle, protocol=pickle.HIGHEST_PROTOCOL)
    os.replace(temporary, path)


def load(path: Path) -> Any:
    try:
        with path.open("rb") as handle:
            return pickle.load(handle)
    except Exception:  # unpickling damaged bytes can raise almost anything
        return None
