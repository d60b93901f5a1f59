"""Tools for suites that test a promoshop store from outside: the pytest plugin
(``promoshop.testing``, shop/testing/pytest_plugin.py) and the server it starts.

Nothing here imports Flask at import time: pytest loads the plugin in every suite of the
environment, and a suite that does not ask for the store must not pay for it.
"""
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]
DEFAULT_SCENARIO = REPO_ROOT / "scenarios" / "arabica.yaml"
