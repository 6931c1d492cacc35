"""The package's public API."""

from __future__ import annotations

import newsweave


def test_public_names_are_sorted_and_exist() -> None:
    assert newsweave.__all__ == sorted(newsweave.__all__)
    for name in newsweave.__all__:
        assert getattr(newsweave, name) is not None


def test_importing_the_package_loads_no_spacy() -> None:
    import subprocess
    import sys

    code = "import sys, newsweave; print('spacy' in sys.modules)"
    assert subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip() == "False"
