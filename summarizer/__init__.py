"""trialsum: clinical-trial documents made readable, every sentence cited to its source."""

__version__ = "0.1.0"
