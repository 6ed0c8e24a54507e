"""``ask``, ``search``, ``trials``, ``match`` answered by ``trialsum serve`` (standard library).

With ``TRIALSUM_URL`` set, these commands only send one request and print the reply, so loading
typer, the pydantic models (and, for ``--json`` or a pipe, Rich) would cost several times the
request. ``run`` reads the command line itself for the options these commands take and prints
through the same printers as the full commands (``summarizer.cli.show``). Whatever it does not
recognise (another command, ``--help``, ``--store``, an option it does not know, a bad value), and
every error the server or the connection returns, it leaves to the full typer command (``None``),
which prints the usual message and exit code: so a served command behaves the same either way.
"""

from __future__ import annotations

import os
from collections.abc import Callable

TYPE_CHECKING = False  # typing itself is not imported: it costs a served command time
if TYPE_CHECKING:
    from typing import Any

    from summarizer.api.client import RemoteAssistant

#: Per command: option -> (key, takes a value, repeatable). Flags store True.
_OPTIONS: dict[str, dict[str, tuple[str, bool, bool]]] = {
    "ask": {
        "--trial": ("trial", True, True),
        "-t": ("trial", True, True),
        "--engine": ("engine", True, False),
        "-e": ("engine", True, False),
        "--json": ("json", False, False),
    },
    "search": {
        "--trial": ("trial", True, True),
        "--section": ("section", True, True),
        "-k": ("k", True, False),
        "--trials": ("trials", False, False),
        "--json": ("json", False, False),
    },
    "trials": {"--json": ("json", False, False), "--details": ("details", False, False)},
    "match": {
        "--k": ("k", True, False),
        "-k": ("k", True, False),
        "--status": ("status", True, False),
        "--json": ("json", False, False),
    },
}
Printer = Callable[[], None]
_POSITIONALS = {"ask": 1, "search": 1, "trials": 0, "match": 1}


def parse(argv: list[str]) -> tuple[str, list[str], dict[str, Any]] | None:
    """(command, positionals, options) when ``argv`` is a command this module serves, else None.

    Only the plain spellings are taken (``--opt VALUE``, ``--opt=VALUE``, flags); anything else
    goes to typer, which knows every spelling and prints usage errors.
    """
    if not argv or argv[0] not in _OPTIONS:
        return None
    command, rest = argv[0], argv[1:]
    known = _OPTIONS[command]
    positionals: list[str] = []
    options: dict[str, Any] = {}
    i = 0
    while i < len(rest):
        token = rest[i]
        i += 1
        if not token.startswith("-") or token == "-":
            positionals.append(token)
            continue
        name, eq, inline = token.partition("=")
        if name not in known:
            return None  # --help, --store, --chroma-url, "--", a typo: typer decides
        key, takes_value, repeatable = known[name]
        if not takes_value:
            if eq:
                return None
            options[key] = True
            continue
        if eq:
            value = inline
        elif i < len(rest):
            value = rest[i]
            i += 1
        else:
            return None  # a missing value: typer's usage error
        if repeatable:
            options.setdefault(key, []).append(value)
        elif key in options:
            return None
        else:
            options[key] = value
    if len(positionals) != _POSITIONALS[command]:
        return None
    if "k" in options:
        try:
            options["k"] = int(options["k"])
        except ValueError:
            return None
    return command, positionals, options


def run(argv: list[str]) -> int | None:
    """Serve ``argv`` through ``TRIALSUM_URL``: the exit code, or None to run the full command."""
    parsed = parse(argv)
    if parsed is None or not os.environ.get("TRIALSUM_URL", "").strip():
        return None
    command, positionals, options = parsed
    from summarizer.api.client import remote_from_env

    remote: RemoteAssistant | None = None
    try:
        remote = remote_from_env(engine=options.get("engine"))
        if remote is None:
            return None
        printer = _HANDLERS[command](remote, positionals, options)
    except Exception:  # a refused request, a server down: the full command says it properly
        return None
    finally:
        if remote is not None:
            remote.close()
    printer()
    return 0


def _ask(remote: RemoteAssistant, args: list[str], options: dict[str, Any]) -> Printer:
    from summarizer.cli import show

    body = remote.request_json(
        "POST", "/ask", body=remote.ask_payload(args[0], options.get("trial"))
    )
    if options.get("json"):
        contract = show.ask_contract(body)  # a reply without these keys: the full command decides
        return lambda: show.json_out(contract)
    missing = {"answer", "citations", "flagged"} - set(body)
    if missing:
        raise KeyError(f"the server's answer has no {sorted(missing)}")
    return lambda: show.ask_text(body)


def _search(remote: RemoteAssistant, args: list[str], options: dict[str, Any]) -> Printer:
    from summarizer.cli import show

    params: dict[str, Any] = {"q": args[0], "k": options.get("k", 8)}
    params["section"] = options.get("section", [])
    if options.get("trials"):
        params["trials"] = "true"
        ranked = remote.request_json("GET", "/search", params=params)["trials"]
        if options.get("json"):
            return lambda: show.json_out(ranked)
        return lambda: show.trial_hits_table(ranked)
    params["trial"] = options.get("trial", [])
    hits = remote.request_json("GET", "/search", params=params)["hits"]
    if options.get("json"):
        return lambda: show.json_out(hits)
    return lambda: show.hits_table(hits)


def _trials(remote: RemoteAssistant, args: list[str], options: dict[str, Any]) -> Printer:
    from summarizer.cli import show

    details = bool(options.get("details"))
    params = None if details else {"brief": "true"}
    rows = show.trial_rows(remote.request_json("GET", "/trials", params=params), details=details)
    if options.get("json"):
        return lambda: show.json_out(rows)
    return lambda: show.trials_table(rows)


def _match(remote: RemoteAssistant, args: list[str], options: dict[str, Any]) -> Printer:
    from summarizer.api.client import match_payload
    from summarizer.cli import match_show, show

    payload = match_payload(args[0], options.get("k", 10), options.get("status"))
    body = remote.request_json("POST", "/match", body=payload)
    if options.get("json"):
        return lambda: show.json_out(body)
    missing = {"notice", "trials"} - set(body)
    if missing:
        raise KeyError(f"the server's pre-screen has no {sorted(missing)}")
    return lambda: match_show.match_text(body)


_HANDLERS = {"ask": _ask, "search": _search, "trials": _trials, "match": _match}
