"""`pip freeze` without running pip: requirement lines read from an env's installed metadata.

Used for the package snapshot taken before anything destructive, so it must work on broken envs
whose interpreter is gone, and must never run what it finds.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from venvreg.envdir.venv import read_file_head, read_small_file

TYPE_CHECKING = False  # typing itself is too costly to import on the hot path
if TYPE_CHECKING:
    from typing import Any

__all__ = ["freeze"]

SEED_PACKAGES = frozenset({"pip", "setuptools", "wheel", "distribute"})
# Patterns, compiled (and cached by re) at their first use: an env without packages needs none.
_NAME = r"(?i)[A-Z0-9]|[A-Z0-9][A-Z0-9._-]*[A-Z0-9]"
_VERSION = r"[A-Za-z0-9.+!_-]+"


def canonical_name(name: str) -> str:
    """PEP 503 normalisation, only for comparing names (display keeps the METADATA spelling)."""
    return re.sub(r"[-_.]+", "-", name).lower()


def _name_version(metadata: Path) -> tuple[str, str] | None:
    """Name and Version headers of a METADATA/PKG-INFO file; None when missing or garbage."""
    data = read_file_head(metadata)  # headers only: some METADATA carry 100+ KB of README
    if not data:
        return None
    head = data.decode("utf-8", "replace").replace("\r\n", "\n").split("\n\n", 1)[0]
    name = _header(head, "name")
    version = _header(head, "version")
    if not re.fullmatch(_NAME, name) or not re.fullmatch(_VERSION, version):
        return None
    return name, version


def _header(head: str, wanted: str) -> str:
    """The first `wanted:` header of an RFC 822 block (the two read here never fold; parsing
    by hand spares the email package's import on every `venvreg rm`)."""
    for line in head.split("\n"):
        key, separator, value = line.partition(":")
        if separator and not line[:1].isspace() and key.strip().lower() == wanted:
            return value.strip()
    return ""


def _one_word(value: object) -> bool:
    """A value fit for a requirement line: printable, no space, no line break of any kind
    (pip splits at \\r, \\x85, U+2028 ...), valid UTF-8. A crafted direct_url.json could
    otherwise slip `--index-url URL` into the snapshot that rebuild and import pass to pip."""
    if not isinstance(value, str) or not value or not value.isprintable() or " " in value:
        return False
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _direct_url(dist_info: Path) -> dict[str, Any] | None:
    """PEP 610 direct_url.json as a dict with a string `url`, else None (also when a value
    used in the line is not one plain word: then the line is `name==version`)."""
    data = read_small_file(dist_info / "direct_url.json")
    if data is None:
        return None
    try:
        doc = json.loads(data)
    except ValueError:
        return None
    if not isinstance(doc, dict) or not _one_word(doc.get("url")):
        return None
    used = [doc.get("subdirectory")]
    used += [_sub(doc, "vcs_info").get(key) for key in ("vcs", "commit_id")]
    used.append(_sub(doc, "archive_info").get("hash"))
    if not all(value is None or _one_word(value) for value in used):
        return None
    return doc


def _sub(doc: dict[str, Any], key: str) -> dict[str, Any]:
    value = doc.get(key)
    return value if isinstance(value, dict) else {}


def _line(name: str, version: str, doc: dict[str, Any] | None) -> str:
    """One requirement line, shaped like pip's for PEP 610 installs."""
    if doc is None:
        return f"{name}=={version}"
    url: str = doc["url"]
    if _sub(doc, "dir_info").get("editable") is True:
        return f"-e {url}"
    fragments: list[str] = []
    vcs_info = _sub(doc, "vcs_info")
    archive_info = _sub(doc, "archive_info")
    if isinstance(vcs_info.get("vcs"), str):
        url = f"{vcs_info['vcs']}+{url}"
        if isinstance(vcs_info.get("commit_id"), str):
            url += f"@{vcs_info['commit_id']}"
    elif isinstance(archive_info.get("hash"), str):
        fragments.append(archive_info["hash"])
    if isinstance(doc.get("subdirectory"), str):
        fragments.append(f"subdirectory={doc['subdirectory']}")
    return f"{name} @ {url}" + ("#" + "&".join(fragments) if fragments else "")


def _egg_link_line(egg_link: Path) -> tuple[str, str] | None:
    """Legacy `setup.py develop` installs: the .egg-link's first line is the project folder."""
    data = read_small_file(egg_link)
    if not data:
        return None
    target = data.decode("utf-8", "surrogateescape").splitlines()[0].strip()
    if not target or not Path(target).is_absolute():
        return None
    return egg_link.stem, f"-e {Path(target).as_uri()}"


def freeze(site_packages: Path, include_seed: bool = False) -> list[str]:
    """Requirement lines for what is installed in `site_packages`, sorted case-insensitively."""
    try:
        entries = sorted(site_packages.iterdir())
    except OSError:
        return []
    found: dict[str, tuple[str, str]] = {}  # canonical name -> (display name, line)
    for entry in entries:
        suffix = entry.suffix
        parsed: tuple[str, str] | None = None
        if suffix == ".dist-info":
            meta = _name_version(entry / "METADATA")
            if meta:
                parsed = meta[0], _line(*meta, _direct_url(entry))
        elif suffix == ".egg-info":
            meta = _name_version(entry / "PKG-INFO" if entry.is_dir() else entry)
            if meta:
                parsed = meta[0], _line(*meta, None)
        elif suffix == ".egg-link":
            parsed = _egg_link_line(entry)
        if parsed is None:
            continue
        key = canonical_name(parsed[0])
        if key not in found and (include_seed or key not in SEED_PACKAGES):
            found[key] = parsed
    return [line for _, line in sorted(found.values(), key=lambda item: item[0].lower())]
