"""Layer 3: Langevin samplers (one ULA, KLA) and particle flows."""
