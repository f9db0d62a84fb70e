#!/usr/bin/python3
"""Peer for bench/data/throughput.ts: the same decode + preprocess with Pillow and NumPy, one
process (grayscale, zero-pad to square, Lanczos resize, per-image z-score, 3 channels).
Usage: /usr/bin/python3 bench/data/peer_pil.py [DIR] (Debian python3-pil, as torchvision uses)"""
import os
import sys
import time

import numpy as np
from PIL import Image

root = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', '..', '..', 'shared', 'data', 'brain-tumor-mri')
files = sorted(
    os.path.join(root, c, f)
    for c in os.listdir(root)
    if os.path.isdir(os.path.join(root, c))
    for f in os.listdir(os.path.join(root, c))
    if f.lower().endswith(('.jpg', '.jpeg', '.png'))
)


def prep(path, size):
    im = Image.open(path).convert('L')
    w, h = im.size
    side = max(w, h)
    sq = Image.new('L', (side, side), 0)
    sq.paste(im, ((side - w) // 2, (side - h) // 2))
    a = np.asarray(sq.resize((size, size), Image.LANCZOS), dtype=np.float32)
    a = (a - a.mean()) / (a.std() or 1.0)
    return np.broadcast_to(a, (3, size, size))


for size in (224, 128):
    out = np.empty((len(files), 3, size, size), dtype=np.float32)
    t = time.perf_counter()
    for i, f in enumerate(files):
        out[i] = prep(f, size)
    s = time.perf_counter() - t
    print(f'PIL {size} px: {len(files)} images in {s:.2f} s = {len(files) / s:.0f} img/s')
