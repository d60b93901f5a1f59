"""Hardening tests reuse the web, API, console and event test kits (webkit, apikit, consolekit,
receiver)."""
import sys
from pathlib import Path

TESTS = Path(__file__).resolve().parent.parent
for kit in ("web", "api", "console", "events"):
    if str(TESTS / kit) not in sys.path:
        sys.path.insert(0, str(TESTS / kit))
