"""Eval sets about criteria: the editor-bullet set for the criteria-aware fit check."""
