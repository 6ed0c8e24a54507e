"""Command line: one module per group of commands, all registered on one app.

The command modules are imported on demand (``summarizer.cli.app.LazyCommands``), and nothing
heavy is imported here: ``trialsum --help`` and a command served by ``trialsum serve`` stay fast.
"""

import sys

from summarizer.cli.app import app


def main() -> None:
    try:
        app()
    except Exception as exc:  # classified here, so the happy path imports none of these
        from summarizer.api.client import RemoteError
        from summarizer.config import ConfigError
        from vectorstore.chroma_store import StoreLayoutError

        if isinstance(exc, ConfigError | StoreLayoutError):
            # a config file that cannot be used, or a store from a newer trialsum: one line
            print(f"trialsum: {exc}", file=sys.stderr)
            raise SystemExit(78) from None  # EX_CONFIG, as in ``store_errors``
        from vectorstore.disk_space import StoreDiskFullError

        if isinstance(exc, StoreDiskFullError):  # a read or write of a store on a full disk
            print(f"trialsum: {exc}", file=sys.stderr)
            raise SystemExit(75) from None  # EX_TEMPFAIL, as in ``store_errors``
        if isinstance(exc, RemoteError):  # TRIALSUM_URL set, server down or key refused
            print(f"trialsum: {exc}", file=sys.stderr)
            raise SystemExit(69) from None  # EX_UNAVAILABLE
        raise


__all__ = ["app", "main"]
