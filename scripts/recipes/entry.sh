#!/usr/bin/env bash
# Train any zoo entry epoch by epoch on MNIST and evaluate after each epoch.
#   scripts/recipes/entry.sh ENTRY NAME SEED EPOCHS METRICS [train options ...]
# e.g. scripts/recipes/entry.sh aae-semisupervised ss-lr3 1 5 classify,recon,mmd --set reconstructionLr=0.001
# writes runs/NAME-sSEED/ (with eval-<epoch>.json) and appends one line per epoch to runs/recipes.tsv:
# name, seed, epoch, then each metric's summary in METRICS order, then the options.
set -euo pipefail
entry=$1 name=$2 seed=$3 epochs=$4 metrics=$5; shift 5
out=runs/$name-s$seed
mkdir -p runs
for e in $(seq 1 "$epochs"); do
  node bin/saddle.js train "$entry" "$@" --epochs "$e" --seed "$seed" \
    --backend native --out "$out" --resume > "$out.train.log" 2>&1 || { echo "train failed: $out"; tail -3 "$out.train.log"; exit 1; }
  node bin/saddle.js eval "$out" --metrics "$metrics" --json > /dev/null 2>&1
  cp "$out/eval.json" "$out/eval-$e.json"
  line=$(node -e 'const j=require(process.argv[1]);console.log(process.argv[2].split(",").map(m=>Number(j.summary[m]).toFixed(4)).join("\t"))' "$PWD/$out/eval.json" "$metrics")
  printf '%s\t%s\t%s\t%s\t%s\n' "$name" "$seed" "$e" "$line" "$*" | tee -a runs/recipes.tsv
done
