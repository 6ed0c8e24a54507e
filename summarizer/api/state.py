"""What the API process holds: one Assistant (store, BM25, embedder, engine, loaded once) and
one per other engine asked for, over the same store; shared by every request thread."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from pathlib import Path

from summarizer.assistant import Assistant


@dataclass
class ApiState:
    default: Assistant
    api_key: str | None = None
    _by_engine: dict[str, Assistant] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def engine(self) -> str:
        return self.default.engine_name

    @property
    def uploads_dir(self) -> Path:
        """Uploaded documents are kept here, so the trials' source paths stay readable."""
        return self.default.settings.home / "uploads"

    def assistant(self, engine: str | None = None) -> Assistant:
        if engine is None or engine == self.engine:
            return self.default
        with self._lock:
            if engine not in self._by_engine:
                self._by_engine[engine] = self.default.using(engine)
            return self._by_engine[engine]

    def warm(self) -> None:
        """Open the store and load the indexes and the default engine before the first request."""
        self.default.warm()
