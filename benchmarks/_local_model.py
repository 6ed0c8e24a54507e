"""The LLM endpoint a local-model benchmark talks to: ``OPENAI_BASE_URL`` when set (e.g. a running
``trialsum llm serve``), else the pulled local model started here with one thread for as long as
the caller's ``ExitStack`` lives. Shared so every benchmark measures the same set-up."""

from __future__ import annotations

import os
from contextlib import ExitStack

from summarizer.config import Settings


def local_endpoint(stack: ExitStack, model: str) -> None:
    """Point ``OPENAI_BASE_URL`` and friends at a model server, starting one when none is set."""
    if os.environ.get("OPENAI_BASE_URL"):
        return
    from summarizer.local_llm.models import get_model
    from summarizer.local_llm.serve import LocalServer, ServeOptions, client_environment

    server = LocalServer(get_model(model), Settings().home, ServeOptions(threads=1))
    stack.enter_context(server)
    os.environ.update(client_environment(server))
