#!/usr/bin/python3
"""Generates test/fixtures/densenet/ with Debian's python3-torch + torchvision (run once; the tests
themselves never need Python).

A reduced torchvision DenseNet (growth 8, blocks (2, 2), 16 initial features, bn_size 2, 3 classes)
with seeded random weights and non-trivial BN statistics; for a 2x3x32x32 input it records the
pooled features, logits, the input gradient and some parameter gradients of a cross-entropy loss,
and the BN running statistics after one train-mode forward. Also writes torchvision densenet121's
state_dict key -> shape list.
"""
import json
import os
import struct

import torch
import torch.nn.functional as F
from torchvision.models.densenet import DenseNet, densenet121

OUT = os.path.join(os.path.dirname(__file__), "..", "test", "fixtures", "densenet")
os.makedirs(OUT, exist_ok=True)


def write_safetensors(path, tensors):
    header, blobs, off = {}, [], 0
    for k, t in tensors.items():
        t = t.detach().contiguous()
        dt = {torch.float32: "F32", torch.int64: "I64"}[t.dtype]
        b = t.numpy().tobytes()
        header[k] = {"dtype": dt, "shape": list(t.shape), "data_offsets": [off, off + len(b)]}
        blobs.append(b)
        off += len(b)
    js = json.dumps(header).encode()
    js += b" " * ((8 - (8 + len(js)) % 8) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(js)))
        f.write(js)
        for b in blobs:
            f.write(b)


def save_f32(name, t):
    t.detach().contiguous().float().numpy().tofile(os.path.join(OUT, name))


torch.manual_seed(1234)
model = DenseNet(growth_rate=8, block_config=(2, 2), num_init_features=16, bn_size=2, num_classes=3)
with torch.no_grad():
    for m in model.modules():
        if isinstance(m, torch.nn.BatchNorm2d):
            m.weight.uniform_(0.5, 1.5)
            m.bias.uniform_(-0.2, 0.2)
            m.running_mean.uniform_(-0.1, 0.1)
            m.running_var.uniform_(0.5, 1.5)
        if isinstance(m, torch.nn.Linear):
            m.bias.uniform_(-0.1, 0.1)
write_safetensors(os.path.join(OUT, "weights.safetensors"), model.state_dict())

x = torch.randn(2, 3, 32, 32)
save_f32("input.f32", x)
model.eval()
with torch.no_grad():
    fmap = F.relu(model.features(x))
    pooled = F.adaptive_avg_pool2d(fmap, 1).flatten(1)
    logits = model(x)
save_f32("embed.f32", pooled)
save_f32("logits.f32", logits)

# gradients of a cross-entropy loss in eval mode
xg = x.clone().requires_grad_(True)
target = torch.tensor([2, 0])
loss = F.cross_entropy(model(xg), target)
loss.backward()
save_f32("grad_input.f32", xg.grad)
grads = {k: p.grad for k, p in model.named_parameters() if k in ("features.conv0.weight", "features.denseblock2.denselayer2.conv2.weight", "classifier.weight")}
write_safetensors(os.path.join(OUT, "grads.safetensors"), grads)

# BN running stats after one train-mode forward
model.train()
with torch.no_grad():
    model(x)
stats = {k: v for k, v in model.state_dict().items() if k.endswith("running_mean") or k.endswith("running_var")}
write_safetensors(os.path.join(OUT, "bn_after_train.safetensors"), stats)

meta = {"loss": loss.item(), "target": [2, 0], "config": {"growthRate": 8, "blockConfig": [2, 2], "numInitFeatures": 16, "bnSize": 2, "numClasses": 3}, "torch": torch.__version__}
with open(os.path.join(OUT, "meta.json"), "w") as f:
    json.dump(meta, f, indent=1)

full = densenet121()
keys = [[k, list(v.shape)] for k, v in full.state_dict().items()]
feat_params = sum(p.numel() for k, p in full.named_parameters() if k.startswith("features."))
with open(os.path.join(OUT, "densenet121_keys.json"), "w") as f:
    json.dump({"featureParameters": feat_params, "keys": keys}, f)
print("wrote", OUT, "feature params", feat_params)
