"""The real-shell sandbox of tests/shell/conftest.py, for the trust tests (that folder is not a
package, and its conftest cannot be imported by name beside tests/conftest.py)."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

_SHELL_TESTS = Path(__file__).resolve().parents[1] / "shell"
if str(_SHELL_TESTS) not in sys.path:
    sys.path.insert(0, str(_SHELL_TESTS))  # its conftest imports `shells`


def _load() -> object:
    name = "_venvreg_shell_conftest"
    if name not in sys.modules:
        spec = importlib.util.spec_from_file_location(name, _SHELL_TESTS / "conftest.py")
        assert spec is not None and spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module
        spec.loader.exec_module(module)
    return sys.modules[name]


_shell_conftest = _load()
Sandbox = _shell_conftest.Sandbox  # type: ignore[attr-defined]
make_sandbox = _shell_conftest.make_sandbox  # type: ignore[attr-defined]
virtualenv_app_data = _shell_conftest.virtualenv_app_data  # type: ignore[attr-defined]
sentinels = _shell_conftest.sentinels  # type: ignore[attr-defined]
ALL_SHELLS: tuple[str, ...] = sys.modules["shells"].ALL_SHELLS
