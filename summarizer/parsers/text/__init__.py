"""Building blocks of the generic text-page parser: lines, vocabularies, sections, criteria, fields.

Kept apart so each rule is small and testable; ``summarizer.parsers.text_page`` assembles them.
"""
