"""Layer 1: closed-form games, objectives as data, finite-space optima."""
