#!/usr/bin/python3
"""PyTorch peer for bench/engine/densenet.ts: torchvision densenet121, 2 threads.
Usage: densenet_torch.py MODE SIZE BATCH REPS  (MODE = forward | train); prints ms per image (median)."""
import statistics
import sys
import time

import torch
from torchvision.models import densenet121

mode, size, batch, reps = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
torch.set_num_threads(2)
torch.manual_seed(0)
model = densenet121(num_classes=4)
x = torch.randn(batch, 3, size, size)
y = torch.randint(0, 4, (batch,))
opt = torch.optim.AdamW(model.parameters(), lr=1e-3)
times = []
for i in range(reps + 1):
    t0 = time.perf_counter()
    if mode == "forward":
        model.eval()
        with torch.no_grad():
            model(x)
    else:
        model.train()
        opt.zero_grad()
        torch.nn.functional.cross_entropy(model(x), y).backward()
        opt.step()
    dt = time.perf_counter() - t0
    if i > 0:
        times.append(dt)
print(1000 * statistics.median(times) / batch)
