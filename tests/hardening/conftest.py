"""Hardening tests reuse the web and API test kits (tests/web/webkit.py, tests/api/apikit.py)."""
import sys
from pathlib import Path

TESTS = Path(__file__).resolve().parent.parent
for kit in ("web", "api"):
    if str(TESTS / kit) not in sys.path:
        sys.path.insert(0, str(TESTS / kit))
