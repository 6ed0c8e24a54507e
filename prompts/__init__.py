"""Prompt templates and the plain-language glossary, kept as reviewable files."""

from prompts.loader import Prompt, PromptError, load_prompt

__all__ = ["Prompt", "PromptError", "load_prompt"]
