#!/usr/bin/env python3
"""Reference values for test/eval (issue 17's statistics), from standard packages.

Writes test/fixtures/stats/reference.json. Needs scipy and statsmodels; on Debian:
    apt-get install python3-scipy python3-statsmodels
    /usr/bin/python3 scripts/stats-fixtures.py
Produced with scipy 1.10.1 and statsmodels 0.13.5 (Debian bookworm). The metrics on resampled or
permuted test sets are computed here with numpy, independently of src/eval.
"""
import json
import os

import numpy as np
import scipy
import scipy.stats as st
import statsmodels
from statsmodels.stats.multitest import multipletests

rng = np.random.default_rng(20261205)
out = {"generator": f"scripts/stats-fixtures.py (scipy {scipy.__version__}, statsmodels {statsmodels.__version__})"}

# ---- Student t: CDF and quantiles
out["tCdf"] = [
    {"t": t, "df": df, "cdf": float(st.t.cdf(t, df))}
    for df in (1, 2, 3, 4, 9, 29, 200)
    for t in (-6.0, -2.5, -1.0, -0.1, 0.0, 0.7, 2.0, 4.3)
]
out["tQuantile"] = [
    {"p": p, "df": df, "q": float(st.t.ppf(p, df))}
    for df in (1, 2, 4, 9, 30, 120)
    for p in (0.001, 0.025, 0.05, 0.5, 0.9, 0.975, 0.995)
]

# ---- Holm adjustment (statsmodels multipletests)
holm_cases = [
    [0.01, 0.04, 0.03, 0.005],
    [0.2, 0.001, 0.5, 0.049, 0.012, 0.9],
    [0.5],
    [0.03, 0.03, 0.03],
    list(map(float, rng.uniform(0, 0.2, 12).round(6))),
]
out["holm"] = [{"p": ps, "adjusted": [float(v) for v in multipletests(ps, method="holm")[1]]} for ps in holm_cases]

# ---- Nadeau-Bengio corrected resampled t-test (formula with scipy's t distribution)
nb = []
for diffs, ratio in (([1.2, 0.4, 2.1], 0.5), ([0.3, -0.8, 0.1, 0.9, -0.2], 0.25), ([2.0, 2.5, 1.8, 2.2], 1 / 3)):
    d = np.array(diffs)
    k = len(d)
    se = np.sqrt((1 / k + ratio) * d.var(ddof=1))
    t = d.mean() / se
    q = st.t.ppf(0.975, k - 1)
    nb.append({"diffs": diffs, "ratio": ratio, "mean": d.mean(), "se": se, "t": t,
               "p": float(2 * st.t.sf(abs(t), k - 1)), "lo": d.mean() - q * se, "hi": d.mean() + q * se})
out["nadeauBengio"] = nb


# ---- metrics, implemented with numpy (independent of src/eval)
def confusion(y, p, C):
    m = np.zeros((C, C))
    np.add.at(m, (y, p), 1)
    return m


def balanced_accuracy(y, p, C):
    m = confusion(y, p, C)
    sup = m.sum(1)
    return float(np.mean(np.diag(m)[sup > 0] / sup[sup > 0]))


def macro_f1(y, p, C):
    m = confusion(y, p, C)
    sup, pred = m.sum(1), m.sum(0)
    keep = (sup + pred) > 0
    return float(np.mean(2 * np.diag(m)[keep] / (sup + pred)[keep]))


def accuracy(y, p, C):
    return float(np.mean(y == p))


def ece(y, probs, bins=15):
    conf = probs.max(1)
    pred = probs.argmax(1)
    b = np.minimum(bins - 1, np.floor(conf * bins).astype(int))
    e = 0.0
    for k in range(bins):
        s = b == k
        if s.any():
            e += s.mean() * abs((pred[s] == y[s]).mean() - conf[s].mean())
    return e


# ---- a small paired data set: 10 groups of 2-5 cases, 3 classes, 2 seeds per head
C = 3
sizes = rng.integers(2, 6, 10)
groups = np.repeat(np.arange(10), sizes)
n = len(groups)
y = rng.integers(0, C, n)


def noisy_preds(acc):
    p = np.where(rng.uniform(size=n) < acc, y, rng.integers(0, C, n))
    logits = rng.normal(size=(n, C))
    logits[np.arange(n), p] += 2.5
    probs = np.exp(logits) / np.exp(logits).sum(1, keepdims=True)
    return probs


A = [noisy_preds(0.75) for _ in range(2)]
B = [noisy_preds(0.55) for _ in range(2)]
metrics = {"accuracy": accuracy, "balancedAccuracy": balanced_accuracy, "macroF1": macro_f1}


def oriented_diff(name, swapped):
    """mean over seeds of head − reference, with the two swapped on the groups in `swapped`."""
    s = np.isin(groups, swapped)
    tot = 0.0
    for a, b in zip(A, B):
        pa, pb = np.where(s[:, None], b, a), np.where(s[:, None], a, b)
        if name == "ece":
            tot += ece(y, pb) - ece(y, pa)
        else:
            f = metrics[name]
            tot += f(y, pa.argmax(1), C) - f(y, pb.argmax(1), C)
    return tot / len(A)


perm = {}
for name in ("accuracy", "balancedAccuracy", "macroF1", "ece"):
    # permutation_type='samples' swaps x_i and y_i: x = group g, y = −g−1 marks a swap of group g
    res = st.permutation_test(
        (np.arange(10), -np.arange(10) - 1),
        lambda xs, ys: oriented_diff(name, [int(v) for v in ys if v >= 0]),
        permutation_type="samples", n_resamples=np.inf, alternative="two-sided", vectorized=False)
    perm[name] = {"statistic": float(res.statistic), "p": float(res.pvalue)}
out["pairedData"] = {
    "classes": C,
    "labels": y.tolist(),
    "groups": groups.tolist(),
    "head": [np.round(a, 6).tolist() for a in A],
    "reference": [np.round(b, 6).tolist() for b in B],
    "permutation": perm,
}
# the probabilities are stored rounded: recompute the statistics on the rounded values
A = [np.array(a) for a in out["pairedData"]["head"]]
B = [np.array(b) for b in out["pairedData"]["reference"]]
for name in perm:
    res = st.permutation_test(
        (np.arange(10), -np.arange(10) - 1),
        lambda xs, ys: oriented_diff(name, [int(v) for v in ys if v >= 0]),
        permutation_type="samples", n_resamples=np.inf, alternative="two-sided", vectorized=False)
    perm[name] = {"statistic": float(res.statistic), "p": float(res.pvalue)}

# ---- grouped bootstrap of an accuracy difference, one seed: scipy's percentile bootstrap over groups
G = 60
gs = rng.integers(1, 9, G)
ca = rng.uniform(size=gs.sum()) < 0.8
cb = rng.uniform(size=gs.sum()) < 0.7
gid = np.repeat(np.arange(G), gs)
dsum = np.bincount(gid, weights=ca.astype(float) - cb.astype(float))
res = st.bootstrap((dsum, gs.astype(float)), lambda d, m: d.sum() / m.sum(), paired=True, vectorized=False,
                   n_resamples=20000, method="percentile", confidence_level=0.95,
                   random_state=np.random.default_rng(1))
out["groupedBootstrap"] = {
    "groups": gid.tolist(), "headCorrect": ca.astype(int).tolist(), "referenceCorrect": cb.astype(int).tolist(),
    "estimate": float(dsum.sum() / gs.sum()),
    "lo": float(res.confidence_interval.low), "hi": float(res.confidence_interval.high),
    "se": float(res.standard_error),
}

path = os.path.join(os.path.dirname(__file__), "..", "test", "fixtures", "stats", "reference.json")
with open(path, "w") as f:
    json.dump(out, f, indent=1)
    f.write("\n")
print("wrote", os.path.normpath(path))
