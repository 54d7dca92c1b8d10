#!/usr/bin/env python3
"""torch_nn.py: the shapes of bench_nn in PyTorch (Debian's python3-torch),
for the side-by-side table of bench/nn.sh.  Training step = forward +
cross-entropy (label smoothing 0.1) + backward + Adam (lr 1e-3), batch
256; LSTM 2 x 128 on windows 60 x 8 -> Linear(128, 3); MLP 480-128-64-32-3
with ReLU.  Prints "torch_<key> <value>" lines.

  torch_nn.py [-s seconds] [-t threads] [-w all|lstm|mlp]
"""
import argparse
import ctypes
import resource
import time

import torch
import torch.nn as nn
import torch.nn.functional as F


class Teacher(nn.Module):
    def __init__(self):
        super().__init__()
        self.lstm = nn.LSTM(8, 128, num_layers=2, batch_first=True)
        self.fc = nn.Linear(128, 3)

    def forward(self, x):
        out, _ = self.lstm(x)
        return self.fc(out[:, -1, :])


class MLP(nn.Module):
    def __init__(self):
        super().__init__()
        d = (480, 128, 64, 32, 3)
        self.lins = nn.ModuleList([nn.Linear(a, b) for a, b in zip(d, d[1:])])

    def forward(self, x):
        h = x.reshape(x.shape[0], -1)
        for i, lin in enumerate(self.lins):
            h = lin(h)
            if i < len(self.lins) - 1:
                h = F.relu(h)
        return h


def corename():
    for name in ("libblas.so.3", "libopenblas.so.0"):
        try:
            f = ctypes.CDLL(name).openblas_get_corename
            f.restype = ctypes.c_char_p
            return f().decode()
        except (OSError, AttributeError):
            continue
    return "unknown"


def bench(name, model, secs):
    torch.manual_seed(1)
    x = torch.randn(256, 60, 8)
    y = torch.randint(0, 3, (256,))
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)

    def step():
        loss = F.cross_entropy(model(x), y, label_smoothing=0.1)
        opt.zero_grad(set_to_none=True)
        loss.backward()
        opt.step()
        return float(loss)
    for _ in range(2):
        step()
    n, t0, c0 = 0, time.perf_counter(), time.process_time()
    while True:
        loss = step()
        n += 1
        t = time.perf_counter() - t0
        if t >= secs:
            break
    rate = n * 256 / t
    print(f"torch_{name}_train_samples_per_s {rate:.1f}")
    print(f"torch_{name}_train_samples_per_cpu_s "
          f"{n * 256 / (time.process_time() - c0):.1f}")
    print(f"torch_{name}_train_ms_per_step {1e3 * t / n:.3f}")
    print(f"torch_{name}_epoch_350k_s {350000 / rate:.1f}")
    print(f"torch_{name}_loss_last {loss:.4f}")
    with torch.inference_mode():
        for b in (256, 1):
            xb = x[:b]
            model(xb)
            n, t0, c0 = 0, time.perf_counter(), time.process_time()
            while True:
                model(xb)
                n += 1
                t = time.perf_counter() - t0
                if t >= secs / 4:
                    break
            print(f"torch_{name}_infer_b{b}_us_per_sample "
                  f"{1e6 * t / (n * b):.2f}")
            if b == 256:
                print(f"torch_{name}_infer_b256_cpu_us_per_sample "
                      f"{1e6 * (time.process_time() - c0) / (n * b):.2f}")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("-s", type=float, default=5.0)
    ap.add_argument("-t", type=int, default=2)
    ap.add_argument("-w", default="all")
    a = ap.parse_args()
    torch.set_num_threads(a.t)
    print(f"torch_version {torch.__version__}")
    print(f"torch_blas_core {corename()}")
    print(f"torch_threads {torch.get_num_threads()}")
    if a.w in ("all", "mlp"):
        torch.manual_seed(0)
        bench("mlp", MLP(), a.s)
    if a.w in ("all", "lstm"):
        torch.manual_seed(0)
        bench("lstm", Teacher(), a.s)
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"torch_peak_rss_mb {rss:.1f}")


main()
