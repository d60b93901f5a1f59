"""Operations tests reuse the API and events test kits (apikit, receiver)."""
import sys
from pathlib import Path

TESTS = Path(__file__).resolve().parent.parent
for kit in ("api", "events"):
    if str(TESTS / kit) not in sys.path:
        sys.path.insert(0, str(TESTS / kit))
