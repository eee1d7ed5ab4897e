"""Layer 2: kernels, grid divergences, divergences (MMD, KL/JS, KALE), Stein/KSD, entropy estimators, metrics."""
