#!/usr/bin/env bash
# Train the 2-D AAE (mixture10 prior) epoch by epoch and evaluate recon + MMD² after each epoch.
#   scripts/recipes/aae2d.sh NAME SEED EPOCHS [--set key=value ...]
# writes runs/NAME-sSEED/ (with eval-<epoch>.json) and appends one line per epoch to runs/recipes.tsv
set -euo pipefail
name=$1 seed=$2 epochs=$3; shift 3
out=runs/$name-s$seed
for e in $(seq 1 "$epochs"); do
  node bin/saddle.js train aae --set latent=2 --set prior=mixture10 "$@" --epochs "$e" --seed "$seed" \
    --backend native --out "$out" --resume > "$out.train.log" 2>&1 || { echo "train failed: $out"; tail -3 "$out.train.log"; exit 1; }
  node bin/saddle.js eval "$out" --metrics recon,mmd --json > /dev/null 2>&1
  cp "$out/eval.json" "$out/eval-$e.json"
  line=$(node -e 'const j=require(process.argv[1]);console.log(j.summary.recon.toFixed(1)+"\t"+j.summary.mmd.toFixed(4))' "$PWD/$out/eval.json")
  printf '%s\t%s\t%s\t%s\t%s\n' "$name" "$seed" "$e" "$line" "$*" | tee -a runs/recipes.tsv
done
