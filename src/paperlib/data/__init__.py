"""Datasets: exact 2-D toy distributions (``toy``); image datasets arrive with the image chapters."""
