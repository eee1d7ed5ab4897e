"""Layer 5: one module per chapter, the cached runs and read-outs its pages call."""
