"""The cross-trial eval: libraries of trials drawn by seed from the shared XML archive, questions
that select among them (status, population, place, condition), the right trial set computed from
the records' structured fields, and a tuning and a reported half split by library."""
