"""Hardening tests reuse the web, API and console test kits (webkit, apikit, consolekit)."""
import sys
from pathlib import Path

TESTS = Path(__file__).resolve().parent.parent
for kit in ("web", "api", "console"):
    if str(TESTS / kit) not in sys.path:
        sys.path.insert(0, str(TESTS / kit))
