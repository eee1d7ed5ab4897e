"""Datasets: exact 2-D toy distributions (``toy``), digits (``digits``), tabular density data (``tabular``)."""


class DatasetMissingError(FileNotFoundError):
    """A dataset's files are not on disk; the message says what to download and where to put it."""


class DatasetCorruptError(ValueError):
    """A dataset file is on disk but truncated or malformed; the message names the file and what to do."""
