#!/usr/bin/env python3
"""PyTorch reference implementations of saddle's zoo models, for the parity check.

`npm run parity` trains a zoo model for a few iterations with saddle and exports (see
parity/harness.ts): the model's options, its initial weights, every batch and every random draw each
phase used, and saddle's losses and parameters after each iteration. This script rebuilds each model
*from the papers and the zoo entries' documentation* — not from saddle's compiled plan — replays the
same iterations in float64 with torch.optim, and prints, per iteration, how far saddle's losses and
parameters are from its own (JSON on stdout).

What is taken from saddle, and why: the initial weights and the random draws (they come from saddle's
seeded generators; sharing them is what makes a step-by-step comparison possible), and the parameter
naming `<net>/<layer>/<role>`, where `<layer>` is the index of the declared layer (an activation is
a layer of its own: `mlp([1000, 1000, 8])` is dense, relu, dense, relu, dense, so its kernels are
layers 0, 2 and 4; an input dropout is layer 0 and shifts them to 1, 3, 5). Every shape is checked against the architecture
built here, so a net of the wrong width or depth fails loudly.

Definitions used (each as the paper or saddle's documentation states it):
- Reconstruction: Bernoulli NLL summed over pixels, batch mean, computed from the decoder's logits
  (p = sigmoid(logits); as BCEWithLogitsLoss), which is how saddle's language.md says a `bce` of a
  sigmoid output is computed.
- GAN critic (Goodfellow et al.): -E log D(real) - sum_f E log(1 - D(fake_f)), D = sigmoid(logit);
  non-saturating generator -E log D(fake) (AAE eq. 9); minimax E log(1 - D(fake)).
- MMD^2: biased V-statistic with the kernel sum_s exp(-|a-b|^2 / (2 s^2)) (DS-AAE §2).
- DS-AAE witness: f(z) = w . sqrt(2/D) [cos(zW), sin(zW)], W ~ N(0, sigma^-2) fixed (Rahimi & Recht);
  the adversary minimizes E f(q) - E f(p) + penalty * |w|^2 / 2, the encoder minimizes E f(p) - E f(q).
- VAE: KL(N(mu, sigma^2) || N(0, I)) = 1/2 sum(sigma^2 + mu^2 - 1 - log sigma^2).
- VAE/GAN (Larsen et al. §2.3): L_llike = 1/2 |Dis_l(x) - Dis_l(x~)|^2 (summed, batch mean); encoder
  minimizes KL + L_llike, decoder gamma L_llike + GAN generator loss on (x~, x_p), discriminator the
  GAN loss with x real and (x~, x_p) fake; all three gradients at the same parameters.
- BAVAE (Fickinger 2018 eqs. 6 and 14): reverse-KL game V = E_q[1 - T] - E_p[exp(-T)] on
  (x, z) pairs, forward-KL game V = E_data[T] - E_model[exp(T - 1)]; critics maximize, the
  autoencoder minimizes the sum.
- Optimizers: torch.optim.Adam (bias-corrected; epsilon outside the square root), torch.optim.SGD
  (heavy-ball momentum), and RMSProp as TensorFlow defines it (epsilon *inside* the square root,
  momentum accumulating lr * g / sqrt(ms + eps)) — saddle's `rmsprop` documents TF's definition,
  which torch.optim.RMSprop does not implement.

Usage: reference.py <export-dir>
"""

import json
import math
import os
import sys

import numpy as np
import torch
import torch.nn.functional as F

DTYPE = torch.float32 if os.environ.get("PARITY_DTYPE") == "float32" else torch.float64
torch.set_default_dtype(DTYPE)
EPS_PROB = 1e-7

# ------------------------------------------------------------------------------------------------
# the export
# ------------------------------------------------------------------------------------------------


class Export:
    """The manifest and the float32 tensors saddle wrote."""

    def __init__(self, directory):
        with open(os.path.join(directory, "manifest.json")) as f:
            self.manifest = json.load(f)
        self.blob = np.fromfile(os.path.join(directory, "tensors.bin"), dtype="<f4")

    def array(self, name):
        ref = self.manifest["tensors"][name]
        size = int(np.prod(ref["shape"])) if ref["shape"] else 1
        return self.blob[ref["offset"]: ref["offset"] + size].reshape(ref["shape"]).astype(np.float64 if DTYPE == torch.float64 else np.float32)

    def tensor(self, name):
        return torch.from_numpy(self.array(name))


class Draws:
    """The external values of one phase evaluation, taken in order per key."""

    def __init__(self, export, records):
        self.queues = {}
        for r in records:
            self.queues.setdefault(r["key"], []).append(r["tensor"])
        self.export = export

    def take(self, key):
        queue = self.queues.get(key)
        if not queue:
            raise RuntimeError(f"the model reads '{key}' but saddle recorded no such draw for this evaluation")
        return self.export.tensor(queue.pop(0))

    def leftovers(self):
        return {k: len(v) for k, v in self.queues.items() if v}


# ------------------------------------------------------------------------------------------------
# nets
# ------------------------------------------------------------------------------------------------

class Kinks:
    """ReLU pre-activations within float32 rounding of 0, and which of them to resolve the other way.

    An exact reference and a float32 implementation can disagree on the sign of a pre-activation that
    rounding puts within ~1e-7 of the kink: one example's gradient then flows through a unit in one
    and not in the other — a different but equally valid float32 result. Such entries (|pre| <
    1e-5 * sum |x_k w_k| + |b|, far wider than float32's rounding of the dot product) are recorded in
    evaluation order; `flip` makes the reference take the other side for a chosen set of them."""

    def __init__(self, flip=()):
        self.flip, self.calls, self.ambiguous = set(flip), 0, []

    def relu(self, pre, x, kernel, bias):
        call = self.calls
        self.calls += 1
        with torch.no_grad():
            band = 1e-5 * (x.abs() @ kernel.abs() + (bias.abs() if bias is not None else 0))
            near = (pre.abs() < band).flatten().nonzero().flatten().tolist()
        self.ambiguous.extend((call, i) for i in near)
        active = (pre > 0).flatten().clone()
        for c, i in self.flip:
            if c == call:
                active[i] = ~active[i]
        return pre * active.reshape(pre.shape).to(pre.dtype)


KINKS = Kinks()

ACTIVATIONS = {
    "linear": lambda x: x,
    "relu": torch.relu,
    "tanh": torch.tanh,
    "sigmoid": torch.sigmoid,
    "softmax": lambda x: torch.softmax(x, dim=-1),
}


class Net:
    """A feed-forward net: a list of layers ('dense', units, activation, bias) | ('dropout', rate) |
    ('rff', features, sigma); parameters loaded from the export by saddle's naming."""

    def __init__(self, name, in_width, layers):
        self.name, self.in_width, self.layers = name, in_width, layers
        self.params = {}

    def indexed(self):
        """(declared index, layer): a dense layer with an activation declares two layers."""
        i, out = 0, []
        for layer in self.layers:
            out.append((i, layer))
            i += 2 if layer[0] == "dense" and layer[2] != "linear" else 1
        return out

    def shapes(self):
        width, out = self.in_width, {}
        for i, layer in self.indexed():
            if layer[0] == "dense":
                _, units, _, bias = layer
                out[f"{self.name}/{i}/kernel"] = (width, units)
                if bias:
                    out[f"{self.name}/{i}/bias"] = (units,)
                width = units
            elif layer[0] == "rff":
                out[f"{self.name}/{i}/frequencies"] = (width, layer[1] // 2)
                width = layer[1]
        return out

    def load(self, export):
        for name, shape in self.shapes().items():
            key = f"init/{name}"
            if key not in export.manifest["tensors"]:
                raise RuntimeError(f"saddle exported no parameter '{name}' (this reference builds {self.name} with it)")
            value = export.tensor(key)
            if tuple(value.shape) != shape:
                raise RuntimeError(f"{name}: saddle's shape {tuple(value.shape)}, the reference's {shape}")
            trainable = not name.endswith("/frequencies")
            self.params[name] = value.clone().requires_grad_(trainable)
        for i, layer in self.indexed():
            if layer[0] == "rff":
                w = self.params[f"{self.name}/{i}/frequencies"]
                std = float(w.std())
                if abs(std * layer[2] - 1) > 0.1:
                    raise RuntimeError(f"{self.name}: random frequencies have std {std:.3f}, expected 1/sigma = {1 / layer[2]:.3f}")

    def trainable(self):
        return [p for p in self.params.values() if p.requires_grad]

    def __call__(self, x, draws, hidden_layers=None, logits=False):
        """The net on x; with hidden_layers=l, only the first l dense layers (their features); with
        logits=True, without the sigmoid of its last layer (for a Bernoulli likelihood)."""
        last = self.indexed()[-1][0]
        dense_seen = 0
        for i, layer in self.indexed():
            if hidden_layers is not None and dense_seen == hidden_layers:
                break
            if layer[0] == "dense":
                _, _, activation, bias = layer
                kernel = self.params[f"{self.name}/{i}/kernel"]
                b = self.params[f"{self.name}/{i}/bias"] if bias else None
                pre = x @ kernel if b is None else x @ kernel + b
                if logits and i == last:
                    if activation != "sigmoid":
                        raise RuntimeError(f"{self.name}: logits asked of a net ending in {activation}, not sigmoid")
                    activation = "linear"
                x = KINKS.relu(pre, x, kernel, b) if activation == "relu" else ACTIVATIONS[activation](pre)
                dense_seen += 1
            elif layer[0] == "dropout":
                mask = draws.take(f"dropout:{self.name}")
                kept = mask[mask != 0]
                if kept.numel() > 0 and not torch.allclose(kept, torch.full_like(kept, 1 / (1 - layer[1])), rtol=1e-6):
                    raise RuntimeError(f"dropout mask of {self.name} is not inverted dropout at rate {layer[1]}")
                x = x * mask
            elif layer[0] == "rff":
                phases = x @ self.params[f"{self.name}/{i}/frequencies"]
                x = math.sqrt(2 / layer[1]) * torch.cat([torch.cos(phases), torch.sin(phases)], dim=1)
        return x


def mlp(name, in_width, widths, hidden="relu", output="linear", input_dropout=0):
    layers = [("dropout", input_dropout)] if input_dropout > 0 else []
    for i, w in enumerate(widths):
        layers.append(("dense", w, hidden if i < len(widths) - 1 else output, True))
    return Net(name, in_width, layers)


# ------------------------------------------------------------------------------------------------
# losses
# ------------------------------------------------------------------------------------------------


def bce(target, logits):
    """-log p(x | z) for p = sigmoid(logits): softplus(l) - x l, summed over pixels, batch mean."""
    return (F.softplus(logits) - target * logits).sum() / target.shape[0]


def half_squared_error(a, b):
    return 0.5 * ((a - b) ** 2).sum() / a.shape[0]


def gan_critic(real_logits, fake_logits, form):
    if form == "leastSquares":
        return ((real_logits - 1) ** 2).mean() + sum((f ** 2).mean() for f in fake_logits)
    # -log sigmoid(r) and -log(1 - sigmoid(f)), written stably
    return F.softplus(-real_logits).mean() + sum(F.softplus(f).mean() for f in fake_logits)


def gan_generator(fake_logits, form):
    if form == "minimax":
        return sum(-F.softplus(f).mean() for f in fake_logits)
    if form == "leastSquares":
        return sum(((f - 1) ** 2).mean() for f in fake_logits)
    return sum(F.softplus(-f).mean() for f in fake_logits)


def mmd2(a, b, sigmas):
    def mean_kernel(x, y):
        d = ((x[:, None, :] - y[None, :, :]) ** 2).sum(-1)
        return sum(torch.exp(-d / (2 * s * s)).mean() for s in sigmas)

    return mean_kernel(a, a) + mean_kernel(b, b) - 2 * mean_kernel(a, b)


def kl_gaussian(params):
    mu, logvar = params.chunk(2, dim=1)
    return 0.5 * (logvar.exp() + mu ** 2 - 1 - logvar).sum() / params.shape[0]


def reparameterize(params, draws, site):
    mu, logvar = params.chunk(2, dim=1)
    return mu + torch.exp(0.5 * logvar) * draws.take(f"eps:{site}")


# ------------------------------------------------------------------------------------------------
# optimizers
# ------------------------------------------------------------------------------------------------


class TfRmsProp:
    """RMSProp as TensorFlow (and saddle's `rmsprop`) defines it: ms <- decay ms + (1 - decay) g^2,
    mom <- momentum mom + lr g / sqrt(ms + eps), theta <- theta - mom."""

    def __init__(self, params, lr, decay, momentum, eps):
        self.params, self.lr, self.decay, self.momentum, self.eps = params, lr, decay, momentum, eps
        self.ms = [torch.zeros_like(p) for p in params]
        self.mom = [torch.zeros_like(p) for p in params]

    def zero_grad(self):
        for p in self.params:
            p.grad = None

    @torch.no_grad()
    def step(self):
        for i, p in enumerate(self.params):
            if p.grad is None:
                continue
            self.ms[i] = self.decay * self.ms[i] + (1 - self.decay) * p.grad ** 2
            self.mom[i] = self.momentum * self.mom[i] + self.lr * p.grad / torch.sqrt(self.ms[i] + self.eps)
            p -= self.mom[i]


def adam(lr, beta1=0.9, beta2=0.999, eps=1e-8):
    return lambda params: torch.optim.Adam(params, lr=lr, betas=(beta1, beta2), eps=eps)


def rmsprop(lr, decay=0.9, momentum=0.0, eps=1e-7):
    return lambda params: TfRmsProp(params, lr, decay, momentum, eps)


# ------------------------------------------------------------------------------------------------
# models: nets, and phases (name, loss(draws), nets updated, optimizer, repeat)
# ------------------------------------------------------------------------------------------------


class Phase:
    def __init__(self, name, loss, nets, optimizer, repeat=1, rate=None):
        self.name, self.loss, self.nets, self.make_optimizer, self.repeat = name, loss, nets, optimizer, repeat
        # rate(it): the learning rate of 0-based iteration `it` (None: the optimizer's own, constant).
        self.rate = rate


def cosine_annealed(lr, iterations, floor):
    """The rate at iteration t: lr times a half cosine from 1 down to `floor` over `iterations`, then
    `floor` (the zoo's `annealIterations` and floors; Keras's CosineDecay with alpha = floor)."""
    if iterations <= 0:
        return None
    return lambda t: lr * (floor + (1 - floor) * 0.5 * (1 + math.cos(math.pi * min(t, iterations) / iterations)))


PIXELS = 784
CLASSES = 10


def aae(o):
    """Makhzani et al. 2015: reconstruction, critic, generator (eqs. 7-9), three posteriors."""
    latent, h = o["latent"], o["hidden"]
    gaussian_post = o["posterior"] == "gaussian"
    universal = o["posterior"] == "universal"
    enc = mlp("encoder", PIXELS + (o["noiseDim"] if universal else 0), [h, h, 2 * latent if gaussian_post else latent])
    dec = mlp("decoder", latent, [h, h, PIXELS], output="sigmoid")
    disc = mlp("discriminator", latent, [h, h, 1])

    def code(d):
        x = d.take("input")
        if gaussian_post:
            return x, reparameterize(enc(x, d), d, "eps")
        if universal:
            return x, enc(torch.cat([x, d.take("sample:eta")], dim=1), d)
        return x, enc(x, d)

    def reconstruction(d):
        x, z = code(d)
        return bce(x, dec(z, d, logits=True))

    def critic(d):
        _, z = code(d)
        return gan_critic(disc(d.take("sample:prior"), d), [disc(z, d)], o["form"])

    def generator(d):
        _, z = code(d)
        return o["lambda"] * gan_generator([disc(z, d)], o["form"])

    gan = adam(o["generatorLr"], beta1=o["beta1"])

    def anneal(lr, floor):
        return cosine_annealed(lr, o.get("annealIterations", 0), floor)

    rec_floor, adv_floor = o.get("reconstructionFloor", 0), o.get("adversarialFloor", 0)
    return [enc, dec, disc], [
        Phase("reconstruction", reconstruction, [enc, dec], adam(o["reconstructionLr"]), rate=anneal(o["reconstructionLr"], rec_floor)),
        Phase("critic", critic, [disc], adam(o["criticLr"], beta1=o["beta1"]), rate=anneal(o["criticLr"], adv_floor)),
        Phase("generator", generator, [enc], gan, rate=anneal(o["generatorLr"], adv_floor)),
    ]


def mmd_ae(o):
    """DS-AAE's MMD baseline: reconstruction, then the encoder minimizing MMD^2 to N(0, I)."""
    enc = mlp("encoder", PIXELS, [*o["hidden"], o["latent"]], input_dropout=o["inputDropout"])
    dec = mlp("decoder", o["latent"], [*reversed(o["hidden"]), PIXELS], output="sigmoid")

    def reconstruction(d):
        x = d.take("input")
        return bce(x, dec(enc(x, d), d, logits=True))

    def regularization(d):
        return mmd2(enc(d.take("input"), d), d.take("sample:prior"), o["sigmas"])

    return [enc, dec], [
        Phase("reconstruction", reconstruction, [enc, dec], adam(o["reconstructionLr"])),
        Phase("regularization", regularization, [enc], adam(o["regularizationLr"])),
    ]


def ds_aae(o):
    """Azarafrooz 2017: a penalized linear witness on random Fourier features vs the encoder."""
    enc = mlp("encoder", PIXELS, [*o["hidden"], o["latent"]], input_dropout=o["inputDropout"])
    dec = mlp("decoder", o["latent"], [*reversed(o["hidden"]), PIXELS], output="sigmoid")
    adversary = Net("adversary", o["latent"], [("rff", o["features"], o["sigma"]), ("dense", 1, "linear", False)])

    def reconstruction(d):
        x = d.take("input")
        return bce(x, dec(enc(x, d), d, logits=True))

    def witness_gap(d):  # E f(p) - E f(q)
        z = enc(d.take("input"), d)
        return adversary(d.take("sample:prior"), d).mean() - adversary(z, d).mean()

    def adversary_loss(d):
        w = adversary.params["adversary/1/kernel"]
        return -witness_gap(d) + o["penalty"] * 0.5 * (w ** 2).sum()

    return [enc, dec, adversary], [
        Phase("reconstruction", reconstruction, [enc, dec], adam(o["reconstructionLr"])),
        Phase("adversary", adversary_loss, [adversary], adam(o["adversaryLr"], beta1=o["beta1"]), o["adversarySteps"]),
        Phase("regularization", witness_gap, [enc], adam(o["regularizationLr"], beta1=o["beta1"])),
    ]


def vae(o):
    """Kingma & Welling 2014: one phase, Bernoulli reconstruction + KL, reparameterized codes."""
    enc = mlp("encoder", PIXELS, [o["hidden"], 2 * o["latent"]], hidden=o["activation"])
    dec = mlp("decoder", o["latent"], [o["hidden"], PIXELS], hidden=o["activation"], output="sigmoid")

    def elbo(d):
        x = d.take("input")
        params = enc(x, d)
        return bce(x, dec(reparameterize(params, d, "eps"), d, logits=True)) + kl_gaussian(params)

    return [enc, dec], [Phase("elbo", elbo, [enc, dec], adam(o["learningRate"]))]


def vae_gan(o):
    """Larsen et al. 2016 (§2.3): encoder, decoder and discriminator losses of one batch."""
    h, latent, form = o["hidden"], o["latent"], o["form"]
    enc = mlp("encoder", PIXELS, [h, h, 2 * latent])
    dec = mlp("decoder", latent, [h, h, PIXELS], output="sigmoid")
    disc = mlp("discriminator", PIXELS, [h, h, 1])
    level = o["featureLayer"]

    def reconstructed(d):
        x = d.take("input")
        params = enc(x, d)
        return x, params, dec(reparameterize(params, d, "eps"), d)

    def llike(x, x_tilde, d):
        return half_squared_error(disc(x, d, hidden_layers=level), disc(x_tilde, d, hidden_layers=level))

    def encoder(d):
        x, params, x_tilde = reconstructed(d)
        return kl_gaussian(params) + llike(x, x_tilde, d)

    def decoder(d):
        x, _, x_tilde = reconstructed(d)
        x_p = dec(d.take("sample:prior"), d)
        return o["gamma"] * llike(x, x_tilde, d) + gan_generator([disc(x_tilde, d), disc(x_p, d)], form)

    def discriminator(d):
        x, _, x_tilde = reconstructed(d)
        x_p = dec(d.take("sample:prior"), d)
        return gan_critic(disc(x, d), [disc(x_tilde, d), disc(x_p, d)], form)

    lr = o["learningRate"]
    phases = [
        Phase("encoder", encoder, [enc], rmsprop(lr)),
        Phase("decoder", decoder, [dec], rmsprop(lr)),
        Phase("discriminator", discriminator, [disc], rmsprop(lr)),
    ]
    return [enc, dec, disc], [phases] if o["steps"] == "simultaneous" else phases


def bavae(o):
    """Fickinger 2018: implicit encoder and decoder against a reverse-KL and a forward-KL critic."""
    latent = o["latent"]
    enc = mlp("encoder", PIXELS + o["encoderNoise"], [*o["hidden"], latent])
    dec = mlp("decoder", latent + o["decoderNoise"], [*reversed(o["hidden"]), PIXELS], output="sigmoid")
    post = mlp("posteriorCritic", PIXELS + latent, [*o["criticHidden"], 1])
    like = mlp("decoderCritic", PIXELS + latent, [*o["criticHidden"], 1])

    def games(d):
        x = d.take("input")
        z = enc(torch.cat([x, d.take("sample:eta")], dim=1), d)
        z_prior = d.take("sample:prior")
        x_model = dec(torch.cat([z, d.take("sample:epsilon")], dim=1), d)
        t_p, t_q = post(torch.cat([x, z_prior], 1), d), post(torch.cat([x, z], 1), d)
        reverse_kl = (1 - t_q).mean() - torch.exp(-t_p).mean()
        t_data, t_model = like(torch.cat([x, z], 1), d), like(torch.cat([x_model, z], 1), d)
        forward_kl = t_data.mean() - torch.exp(t_model - 1).mean()
        return reverse_kl + forward_kl

    opt = lambda lr: adam(lr, beta1=o["beta1"])  # noqa: E731
    return [enc, dec, post, like], [
        Phase("critics", lambda d: -games(d), [post, like], opt(o["criticLr"]), o["criticSteps"]),
        Phase("autoencoder", games, [enc, dec], opt(o["learningRate"])),
    ]


def aae_semisupervised(o):
    """Makhzani et al. §5: Cat(y) and Gaussian style heads, two adversaries, labeled cross-entropy."""
    h, style, form = o["hidden"], o["latent"], o["form"]
    trunk = mlp("encoder", PIXELS, [h, h], output="relu")
    class_head = Net("classHead", h, [("dense", CLASSES, "softmax", True)])
    style_head = Net("styleHead", h, [("dense", style, "linear", True)])
    dec = mlp("decoder", style + CLASSES, [h, h, PIXELS], output="sigmoid")
    class_critic = mlp("classCritic", CLASSES, [h, h, 1])
    style_critic = mlp("styleCritic", style, [h, h, 1])

    def encode(d):
        x = d.take("input")
        features = trunk(x, d)
        return x, class_head(features, d), style_head(features, d)

    noise = o.get("criticNoise", 0)

    def noised(site, v, d):
        """Instance noise: each critic input plus its own N(0, noise^2) draw (saddle records them)."""
        return v + d.take(f"sample:{site}") if noise > 0 else v

    def reconstruction(d):
        x, y, z = encode(d)
        return bce(x, dec(torch.cat([z, y], dim=1), d, logits=True))

    def critics(d):
        _, y, z = encode(d)
        real_y = noised("classRealNoise", d.take("sample:classPrior"), d)
        fake_y = noised("classFakeNoise", y, d)
        real_z = noised("styleRealNoise", d.take("sample:stylePrior"), d)
        fake_z = noised("styleFakeNoise", z, d)
        return gan_critic(class_critic(real_y, d), [class_critic(fake_y, d)], form) + gan_critic(
            style_critic(real_z, d), [style_critic(fake_z, d)], form
        )

    def generator(d):
        _, y, z = encode(d)
        fake_y, fake_z = noised("classFakeNoise", y, d), noised("styleFakeNoise", z, d)
        return gan_generator([class_critic(fake_y, d)], form) + gan_generator([style_critic(fake_z, d)], form)

    def classification(d):
        _, y, _ = encode(d)
        labels = d.take("labels").long()
        target = F.one_hot(labels, CLASSES).to(y.dtype)
        return -(target * torch.log(y.clamp(min=EPS_PROB))).sum() / y.shape[0]

    gan = lambda lr: adam(lr, beta1=o["beta1"])  # noqa: E731

    def anneal(lr, floor):
        return cosine_annealed(lr, o.get("annealIterations", 0), floor)

    rec_floor, adv_floor = o.get("reconstructionFloor", 1), o.get("adversarialFloor", 1)
    heads = [trunk, class_head, style_head]
    return [trunk, class_head, style_head, dec, class_critic, style_critic], [
        Phase("reconstruction", reconstruction, [*heads, dec], adam(o["reconstructionLr"]), rate=anneal(o["reconstructionLr"], rec_floor)),
        Phase("critics", critics, [class_critic, style_critic], gan(o["criticLr"]), rate=anneal(o["criticLr"], adv_floor)),
        Phase("generator", generator, heads, gan(o["generatorLr"]), rate=anneal(o["generatorLr"], adv_floor)),
        Phase("classification", classification, [trunk, class_head], adam(o["classificationLr"])),
    ]


MODELS = {
    "aae": aae,
    "mmd-ae": mmd_ae,
    "ds-aae": ds_aae,
    "vae": vae,
    "vae-gan": vae_gan,
    "bavae": bavae,
    "aae-semisupervised": aae_semisupervised,
}

# ------------------------------------------------------------------------------------------------
# replay and compare
# ------------------------------------------------------------------------------------------------


def relative_tensor_error(saddle, reference):
    """|saddle - reference|_2 / max(|reference|_2, 1e-3 sqrt(n)): the error relative to the tensor's
    size, with a floor of 1e-3 RMS so a bias that two phases' first Adam steps moved to ~1e-10 does
    not turn rounding into a huge relative error. Norm-wise, not element-wise: an element whose
    ReLU unit sits within rounding of its kink for one example is updated by a full Adam step in one
    implementation and not in the other (Adam normalizes the tiny gradient to ~lr); that is float
    arithmetic, not a bug, and the element-wise maximum is reported beside it (maxElementError)."""
    n = reference.numel()
    scale = max(float(reference.norm()), 1e-3 * math.sqrt(n))
    return float((saddle - reference).norm()) / scale


def max_element_error(saddle, reference):
    scale = max(float(reference.abs().max()), 1e-3)
    return float((saddle - reference).abs().max()) / scale


def relative_loss_error(saddle, reference):
    return abs(saddle - reference) / max(abs(reference), 1.0)


class Replay:
    """One instance of the model with its optimizers, stepping through the exported iterations."""

    def __init__(self, export):
        self.export = export
        m = export.manifest
        if m["entry"] not in MODELS:
            raise RuntimeError(f"the reference has no model '{m['entry']}'")
        nets, self.schedule = MODELS[m["entry"]](m["options"])
        for n in nets:
            n.load(export)
        self.params = {name: p for n in nets for name, p in n.params.items()}
        self.names = {id(p): name for name, p in self.params.items()}
        self.phases = [p for s in self.schedule for p in (s if isinstance(s, list) else [s])]
        self.optimizers = {p.name: p.make_optimizer(self.trainable(p)) for p in self.phases}

    @staticmethod
    def trainable(phase):
        return [q for n in phase.nets for q in n.trainable()]

    @torch.no_grad()
    def force(self, it):
        """Start iteration `it` from saddle's parameters and optimizer states after iteration it - 1."""
        if it == 0:
            return
        m, ex = self.export.manifest, self.export
        for name, tensor_name in m["params"][it - 1].items():
            self.params[name].copy_(ex.tensor(tensor_name))
        for phase in self.phases:
            saved = m["optimizers"][it - 1].get(phase.name)
            if saved is None or not saved["slots"]:
                continue
            opt = self.optimizers[phase.name]
            for i, q in enumerate(self.trainable(phase)):
                slots = saved["slots"].get(self.names[id(q)])
                if slots is None:
                    continue
                if isinstance(opt, torch.optim.Adam):
                    opt.state[q] = {"step": torch.tensor(float(saved["step"])),
                                    "exp_avg": ex.tensor(slots["m"]), "exp_avg_sq": ex.tensor(slots["v"])}
                elif isinstance(opt, TfRmsProp):
                    opt.ms[i], opt.mom[i] = ex.tensor(slots["rms"]), ex.tensor(slots["momentum"])
                else:
                    raise RuntimeError(f"cannot load the state of phase '{phase.name}' into {type(opt).__name__}")

    def iterate(self, it):
        """Run iteration `it` on saddle's batches and draws; returns the loss of each phase."""
        by_eval = {}
        for r in self.export.manifest["draws"][it]:
            by_eval.setdefault((r["phase"], r["repeat"]), []).append(r)
        losses = {}
        for s in self.schedule:
            group = s if isinstance(s, list) else [s]
            totals = {p.name: 0.0 for p in group}
            for r in range(max(p.repeat for p in group)):
                grads = []
                for p in [p for p in group if r < p.repeat]:  # every gradient of a group before any update
                    d = Draws(self.export, by_eval.get((p.name, r), []))
                    loss = p.loss(d)
                    if d.leftovers():
                        raise RuntimeError(f"phase '{p.name}' left saddle's draws unread: {d.leftovers()}")
                    params = self.trainable(p)
                    grads.append((p, params, torch.autograd.grad(loss, params, allow_unused=True)))
                    totals[p.name] += float(loss)
                for p, params, gs in grads:
                    opt = self.optimizers[p.name]
                    if p.rate is not None:
                        for g in opt.param_groups:
                            g["lr"] = p.rate(it)
                    opt.zero_grad()
                    for q, g in zip(params, gs):
                        q.grad = torch.zeros_like(q) if g is None else g
                    opt.step()
            for p in group:
                losses[p.name] = totals[p.name] / p.repeat
        return losses

    def compare(self, it, losses):
        m = self.export.manifest
        loss_report = {}
        for name, value in losses.items():
            saddle = m["losses"][it].get(name)
            if saddle is None:
                raise RuntimeError(f"saddle reported no loss for phase '{name}' at iteration {it + 1}")
            loss_report[name] = {"saddle": saddle, "reference": value, "relativeError": relative_loss_error(saddle, value)}
        missing = set(m["losses"][it]) - set(losses)
        if missing:
            raise RuntimeError(f"saddle has phases the reference does not: {sorted(missing)}")
        snapshot = m["params"][it]
        ours = {n for n, p in self.params.items() if p.requires_grad}
        if set(snapshot) != ours:
            raise RuntimeError(f"saddle's trainable parameters differ from the reference's: {sorted(set(snapshot) ^ ours)}")
        worst = {"name": "", "relativeError": -1.0}
        worst_element = {"name": "", "relativeError": -1.0}
        for name, tensor_name in snapshot.items():
            saddle, reference = self.export.tensor(tensor_name), self.params[name].detach()
            err = relative_tensor_error(saddle, reference)
            if err > worst["relativeError"]:
                worst = {"name": name, "relativeError": err}
            element = max_element_error(saddle, reference)
            if element > worst_element["relativeError"]:
                worst_element = {"name": name, "relativeError": element}
        max_err = max([worst["relativeError"], *(v["relativeError"] for v in loss_report.values())])
        return {"losses": loss_report, "worstParam": worst, "maxElementError": worst_element, "maxRelativeError": max_err}


def forced_iteration(export, it, tolerance):
    """Iteration `it` from saddle's state. When it misses `tolerance` and ReLU pre-activations sat
    within rounding of their kink, the iteration is re-run with those resolved the other way (all
    subsets of up to 4, else each alone and all together) and the closest result is kept: the error
    is then the distance to the nearest exact computation float32 could have rounded to."""
    global KINKS
    KINKS = Kinks()
    replay = Replay(export)
    replay.force(it)
    best = replay.compare(it, replay.iterate(it))
    ambiguous = KINKS.ambiguous
    flipped = 0
    if best["maxRelativeError"] > tolerance and ambiguous:
        k = len(ambiguous)
        subsets = ([[a for j, a in enumerate(ambiguous) if mask >> j & 1] for mask in range(1, 2 ** k)]
                   if k <= 4 else [[a] for a in ambiguous] + [ambiguous])
        for subset in subsets:
            KINKS = Kinks(subset)
            replay = Replay(export)
            replay.force(it)
            result = replay.compare(it, replay.iterate(it))
            if result["maxRelativeError"] < best["maxRelativeError"]:
                best, flipped = result, len(subset)
    KINKS = Kinks()
    return {**best, "kinks": {"nearZero": len(ambiguous), "resolvedOtherWay": flipped}}


def main(directory):
    """Per iteration: the check proper (the reference runs the iteration from saddle's state after
    the previous one — parameters and optimizer moments — so each iteration is judged on its own),
    and, for information, the free-running replay from the initial weights only, whose drift shows
    how float32 rounding compounds over the iterations (Adam turns a rounding-sized gradient into a
    step of ~lr, and ReLU kinks turn rounding into different active sets)."""
    export = Export(directory)
    tolerance = export.manifest.get("tolerance", 1e-4)
    free = Replay(export)
    results = []
    for it in range(export.manifest["iterations"]):
        result = forced_iteration(export, it, tolerance)
        drift = free.compare(it, free.iterate(it))
        results.append({"iteration": it + 1, **result, "freeRunning": {
            "maxRelativeError": drift["maxRelativeError"], "worstParam": drift["worstParam"]}})
    json.dump(results, sys.stdout)


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: reference.py <export-dir>")
    try:
        main(sys.argv[1])
    except RuntimeError as e:
        sys.exit(f"reference: {e}")
