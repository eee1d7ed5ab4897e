"""Wall time of the closed-form dynamics behind sb-fig02 and sb-c3 (report only)."""
import time

import numpy as np

from paperlib.theory import dynamics as dyn


def timed(fn, repeat=3):
    best = float("inf")
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - t0)
    return best


if __name__ == "__main__":
    fig2 = timed(lambda: [dyn.simulate(dyn.fig2_game(m, 0.5, 1500, (1, 1)), [1, 2, 2], 0.05, 3000)
                          for m in dyn.FIG2_METHODS])
    A, b, c = dyn.random_bilinear(5, 0)
    eta = 0.5 / np.linalg.svd(A, compute_uv=False).max()
    c3 = timed(lambda: [dyn.simulate(dyn.bilinear_game(A, b, c, beta), np.zeros(15), eta, 20000, alt)
                        for beta in (0.0, 0.1, 1.0) for alt in (True, False)], repeat=1)
    print(f"sb-fig02: 5 methods x 3,000 steps: {fig2 * 1e3:.1f} ms")
    print(f"sb-c3:    6 runs x 20,000 steps:    {c3 * 1e3:.1f} ms")
