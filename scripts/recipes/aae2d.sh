#!/usr/bin/env bash
# Train the 2-D AAE (mixture10 prior) epoch by epoch and evaluate recon + MMD² after each epoch.
#   scripts/recipes/aae2d.sh NAME SEED EPOCHS [--set key=value ...]
# writes runs/NAME-sSEED/ (with eval-<epoch>.json) and appends one line per epoch to runs/recipes.tsv
# (name, seed, epoch, recon, MMD², options): scripts/recipes/entry.sh with the 2-D AAE's options.
set -euo pipefail
name=$1 seed=$2 epochs=$3; shift 3
exec "$(dirname "$0")/entry.sh" aae "$name" "$seed" "$epochs" recon,mmd --set latent=2 --set prior=mixture10 "$@"
