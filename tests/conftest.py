"""Hypothesis profiles (random exploration locally, a fixed derandomised run in CI), and shared fixtures."""

import os

import pytest
from hypothesis import settings

settings.register_profile("ci", derandomize=True, print_blob=True)
settings.register_profile("explore", max_examples=2000)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci" if os.environ.get("CI") else "default"))


@pytest.fixture
def upload_stores(monkeypatch):
    """Every MemoryUploadedFileManager AppTest creates (one per run), to look inside."""
    from streamlit.runtime.memory_uploaded_file_manager import MemoryUploadedFileManager

    stores = []
    original = MemoryUploadedFileManager.__init__

    def init(self, *args, **kwargs):
        original(self, *args, **kwargs)
        stores.append(self)

    monkeypatch.setattr(MemoryUploadedFileManager, "__init__", init)
    return stores


@pytest.fixture(scope="module")
def browser():
    """Debian's Chromium, headless, with the flags every browser test uses (tests/test_browser.py)."""
    playwright_sync = pytest.importorskip("playwright.sync_api")
    from .test_browser import CHROMIUM, FLAGS

    with playwright_sync.sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS, headless=True)
        yield launched
        launched.close()
