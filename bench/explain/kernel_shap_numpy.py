"""Peer for bench/explain: Kernel SHAP the way the Python `shap` library's KernelExplainer computes
it (shap is not installable here: no PyPI access), in NumPy: paired coalitions sampled by the Shapley
kernel's size distribution, the masked inputs materialised (coalitions x background rows x 1,024
features) and run through the head, then per output class the eliminated-variable weighted least
squares with np.linalg.inv as shap's `solve` does. Same sizes as the qmri benchmark: 1,024 features,
2,048 coalitions, 50 background rows, a linear head (softmax) and a 1,024-4-h-4 tanh MLP head.
Usage: OPENBLAS_NUM_THREADS=1 python3 bench/explain/kernel_shap_numpy.py [reps]
"""
import sys
import time

import numpy as np

D, K, NB, C = 1024, 2048, 50, 4
rng = np.random.default_rng(1)


def coalitions(d, k):
    sizes = np.arange(1, d // 2 + 1)
    w = (d - 1) / (sizes * (d - sizes))
    w /= w.sum()
    masks = np.zeros((k, d))
    for i in range(0, k, 2):
        s = rng.choice(sizes, p=w)
        on = rng.permutation(d)[:s]
        masks[i, on] = 1
        if i + 1 < k:
            masks[i + 1] = 1 - masks[i]
    return masks, np.ones(k)


def kernel_shap(f, x, bg):
    masks, weights = coalitions(D, K)
    fx = f(x[None])[0]
    fnull = f(bg).mean(0)
    ey = np.empty((K, C))
    for i in range(0, K, 64):  # shap evaluates in batches of samples x background rows
        m = masks[i:i + 64, None, :]
        synth = (m * x[None, None, :] + (1 - m) * bg[None]).reshape(-1, D)
        ey[i:i + 64] = f(synth).reshape(-1, NB, C).mean(1)
    phi = np.zeros((C, D))
    for dim in range(C):
        ey_adj = ey[:, dim] - fnull[dim]
        ey_adj2 = ey_adj - masks[:, -1] * (fx[dim] - fnull[dim])
        etmp = masks[:, :-1] - masks[:, -1:]
        tmp = etmp * weights[:, None]
        w = np.linalg.inv(tmp.T @ etmp) @ (tmp.T @ ey_adj2)
        phi[dim, :-1] = w
        phi[dim, -1] = (fx[dim] - fnull[dim]) - w.sum()
    return phi


def softmax(z):
    z = z - z.max(1, keepdims=True)
    e = np.exp(z)
    return e / e.sum(1, keepdims=True)


W = rng.normal(0, 1 / 32, (C, D))
b = rng.normal(0, 0.1, C)
W1, b1 = rng.normal(0, 1 / 32, (4, D)), np.zeros(4)
W2, b2 = rng.normal(0, 0.5, (64, 4)), np.zeros(64)
W3, b3 = rng.normal(0, 0.5, (C, 64)), np.zeros(C)
heads = {
    "linear": lambda z: softmax(z @ W.T + b),
    "bottleneck": lambda z: softmax(np.tanh(np.tanh(z @ W1.T + b1) @ W2.T + b2) @ W3.T + b3),
}
reps = int(sys.argv[1]) if len(sys.argv) > 1 else 3
bg = np.maximum(0, rng.normal(0.3, 0.5, (NB, D)))
for name, f in heads.items():
    ts, cs = [], []
    for r in range(reps + 1):
        x = np.maximum(0, rng.normal(0.3, 0.5, D))
        t0, c0 = time.perf_counter(), time.process_time()
        phi = kernel_shap(f, x, bg)
        t, c = time.perf_counter() - t0, time.process_time() - c0
        if r > 0:
            ts.append(t)
            cs.append(c)
    err = abs(phi[0].sum() - (f(x[None])[0, 0] - f(bg).mean(0)[0]))
    print(
        f"numpy kernel SHAP {name}: wall {np.median(ts):.3f} s, CPU {np.median(cs):.3f} s per image "
        f"(median of {reps}), additivity error {err:.1e}"
    )
