"""Command line: one module per group of commands, all registered on one app.

The command modules are imported on demand (``summarizer.cli.app.LazyCommands``), and nothing
heavy is imported here, not even typer: with ``TRIALSUM_URL`` set, ``ask``, ``search`` and
``trials`` are answered by ``summarizer.cli.served`` on the standard library, and only what it
leaves (any other command, ``--help``, an error) loads the typer app.
"""

from __future__ import annotations

import sys
import types

TYPE_CHECKING = False  # typing itself is not imported: it costs a served command time
if TYPE_CHECKING:
    from typer import Typer


def main() -> None:
    from summarizer.cli.served import run

    code = run(sys.argv[1:])
    if code is not None:
        raise SystemExit(code)
    from summarizer.cli.app import app

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


class _Package(types.ModuleType):
    """``summarizer.cli.app`` is the typer app, imported when first asked for.

    A property, because importing the submodule ``summarizer.cli.app`` sets the package's ``app``
    attribute to that module; the setter keeps the name meaning the app, as it always has.
    """

    @property
    def app(self) -> Typer:
        from summarizer.cli.app import app

        return app

    @app.setter
    def app(self, value: object) -> None:
        pass  # the import system recording the submodule; ``app`` stays the typer app


sys.modules[__name__].__class__ = _Package


__all__ = ["app", "main"]
