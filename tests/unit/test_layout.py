"""The source layout: four roots of one namespace package, never shadowing the stdlib."""

from __future__ import annotations

import platform
import sysconfig
from pathlib import Path

import wushe.platform

ROOT = Path(__file__).resolve().parents[2]
SOURCE_ROOTS = ("platform", "projections", "matching", "infra")


def test_the_standard_library_platform_module_is_not_shadowed() -> None:
    stdlib = Path(sysconfig.get_paths()["stdlib"]).resolve()
    assert Path(platform.__file__).resolve().parent == stdlib
    assert platform.python_version().startswith("3.")


def test_wushe_platform_comes_from_the_platform_source_root() -> None:
    (location,) = wushe.platform.__path__
    assert Path(location).resolve() == ROOT / "platform" / "wushe" / "platform"


def test_no_file_would_hide_the_stdlib_or_the_other_roots() -> None:
    for root in SOURCE_ROOTS:
        assert not (ROOT / root / "__init__.py").exists(), root
        assert not (ROOT / root / "wushe" / "__init__.py").exists(), root
        assert (ROOT / root / "wushe" / root).is_dir(), root
