"""``python -m shop.testing.server --fd N``: serve the app (configured by the environment) on
a listening socket the parent process already bound, and say "ready" on stdout once serving.

The parent binds port 0 and hands the socket over, so the port is never "free a moment ago"
and taken by someone else before the server binds it; connections made before the server is
up wait in the socket's backlog instead of being refused.
"""
from __future__ import annotations

import argparse
import sys

READY = "promoshop test server ready"


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--fd", type=int, required=True, help="a listening TCP socket inherited from the parent")
    args = parser.parse_args(argv)

    from werkzeug.serving import make_server

    from app import create_app

    app = create_app()
    server = make_server("127.0.0.1", 0, app, threaded=True, fd=args.fd)
    print(READY, flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:   # pragma: no cover - a person stopping it by hand
        pass
    finally:
        server.server_close()


if __name__ == "__main__":
    main(sys.argv[1:])
