"""Layer 4: the trainers of each paper on the one protocol of paperlib.training."""
