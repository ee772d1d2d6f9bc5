"""Wheels of the packages installed in this environment, for installing offline elsewhere.

Each installed distribution lists its files in its RECORD, and its dist-info holds the wheel's
own metadata (METADATA, WHEEL with its tags, entry_points.txt): zipped again with a fresh RECORD
they make a wheel pip installs like the one it came from. The test of the built wheel then
installs its dependencies with ``--no-index``: the versions this suite runs with, in seconds,
with no network.
"""

from __future__ import annotations

import base64
import hashlib
import re
import zipfile
from importlib import metadata
from pathlib import Path

from packaging.requirements import Requirement
from packaging.tags import parse_tag, sys_tags

# Written by the installer, not part of a wheel (pip writes them again).
_INSTALLER_FILES = {"INSTALLER", "REQUESTED", "direct_url.json", "RECORD"}


def _normalised(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def runtime_closure(requirements: list[str]) -> list[metadata.Distribution]:
    """The installed distributions that ``requirements`` need, with theirs, and what the
    extras they name need (``pagefind[bin]`` needs ``pagefind-bin``)."""
    found: dict[str, metadata.Distribution] = {}
    seen: set[tuple[str, str]] = set()  # (distribution, extra) whose requirements are in
    todo = [Requirement(text) for text in requirements]
    while todo:
        requirement = todo.pop()
        if requirement.marker and not requirement.marker.evaluate({"extra": ""}):
            continue
        name = _normalised(requirement.name)
        dist = found.get(name) or metadata.distribution(requirement.name)
        found[name] = dist
        for extra in ("", *sorted(requirement.extras)):
            if (name, extra) in seen:
                continue
            seen.add((name, extra))
            for text in dist.requires or ():
                needed = Requirement(text)
                if needed.marker and not needed.marker.evaluate({"extra": extra}):
                    continue
                needed.marker = None  # decided here, for this extra
                todo.append(needed)
    return list(found.values())


def _record_hash(data: bytes) -> str:
    digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=")
    return f"sha256={digest.decode()}"


def repack(dist: metadata.Distribution, folder: Path) -> Path:
    """``dist`` as a wheel in ``folder``."""
    name = re.sub(r"[-_.]+", "_", dist.metadata["Name"])
    info = f"{name}-{dist.version}.dist-info"
    supported = {str(tag) for tag in sys_tags()}
    tag = next(
        tag
        for line in (dist.read_text("WHEEL") or "").splitlines()
        if line.startswith("Tag:")
        for tag in (line.split(":", 1)[1].strip(),)
        # A universal wheel says py2 first, then py3; a compressed tag set
        # (cp311-cp311-manylinux_2_17_x86_64.manylinux2014_x86_64) names several platforms.
        if supported & {str(one) for one in parse_tag(tag)}
    )
    target = folder / f"{name}-{dist.version}-{tag}.whl"
    records = []
    with zipfile.ZipFile(target, "w", zipfile.ZIP_STORED) as wheel:
        for file in dist.files or ():
            parts = file.parts
            if parts[0] == ".." or "__pycache__" in parts or file.name in _INSTALLER_FILES:
                continue  # scripts outside site-packages (pip makes them), caches
            source = Path(str(dist.locate_file(file)))
            data = source.read_bytes()
            archived = file.as_posix()
            if parts[0].endswith(".dist-info"):
                archived = f"{info}/{'/'.join(parts[1:])}"
            entry = zipfile.ZipInfo(archived)
            entry.external_attr = (source.stat().st_mode & 0xFFFF) << 16  # pip keeps exec bits
            wheel.writestr(entry, data)
            records.append(f"{archived},{_record_hash(data)},{len(data)}")
        records.append(f"{info}/RECORD,,")
        wheel.writestr(f"{info}/RECORD", "\n".join(records) + "\n")
    return target


def wheelhouse(requirements: list[str], folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for dist in runtime_closure(requirements):
        repack(dist, folder)
    return folder
