"""pip's settings as uv gets them: pip merges its config files section by section, then applies
`[install]` over `[global]`, whichever file each came from."""

from __future__ import annotations

from pathlib import Path

import pytest

from venvreg.backends.pip_settings import pip_index_settings


def test_install_beats_global_across_files(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    home = tmp_path / "home"
    (home / ".pip").mkdir(parents=True)
    (home / ".config" / "pip").mkdir(parents=True)
    (home / ".pip" / "pip.conf").write_text(
        "[install]\nindex-url = https://install.example/simple\n", encoding="utf-8"
    )
    (home / ".config" / "pip" / "pip.conf").write_text(  # read after ~/.pip/pip.conf
        "[global]\nindex-url = https://global.example/simple\n"
        "extra-index-url = https://extra.example/simple\n",
        encoding="utf-8",
    )
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / ".config"))
    for variable in ("PIP_CONFIG_FILE", "PIP_INDEX_URL", "PIP_EXTRA_INDEX_URL", "VIRTUAL_ENV"):
        monkeypatch.delenv(variable, raising=False)
    settings = pip_index_settings()
    assert settings["index-url"] == "https://install.example/simple"
    assert settings["extra-index-url"] == "https://extra.example/simple"
