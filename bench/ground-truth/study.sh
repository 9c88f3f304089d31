#!/usr/bin/env bash
# The estimator study of experiments/ground-truth/RESULTS.md, from the repository root after
# `npm run build` and after both ground-truth tables exist:
#   bench/ground-truth/study.sh evaluate   # scores (one-shot, zero-shot) -> experiments/ground-truth/rollouts/
#   bench/ground-truth/study.sh tables     # rank-eval JSON per estimator + the Markdown tables
# evaluate trains the NB201-small uniform supernet when its checkpoint is missing, and uses the
# quickstart supernet (experiments/quickstart/output/supernet/latest; `npm run quickstart` makes it).
set -euo pipefail
GT=experiments/ground-truth
R=$GT/rollouts
NASCTL="node bin/nasctl.js"
PROXIES=synflow,grad_norm,snip,grasp,fisher,jacob_cov,plain,naswot,relu_logdet,relu,params,flops
NB201_SUPERNET=$GT/output/nb201-supernet-uniform
NB201_CLOSE=$GT/output/nb201-supernet-close

evaluate() {
  mkdir -p "$R"
  test -f experiments/quickstart/output/supernet/latest/manifest.json || { echo "no quickstart supernet: run npm run quickstart first" >&2; exit 1; }
  $NASCTL eval-arch $GT/estimators/oneshot.yml $GT/spos-fmnist/archs.json --load experiments/quickstart/output/supernet/latest --dump-rollouts $R/spos-oneshot-uniform.jsonl
  # Diagnostics: earlier supernet checkpoints (one batched run), and all 6,000 validation images.
  $NASCTL eval-arch $GT/estimators/oneshot.yml $GT/spos-fmnist/archs.json --load experiments/quickstart/output/supernet/epoch_002 \
    --load experiments/quickstart/output/supernet/epoch_004 --dump-rollouts $R/spos-oneshot-uniform-epochs.jsonl
  $NASCTL eval-arch $GT/estimators/oneshot-val6000.yml $GT/spos-fmnist/archs.json --load experiments/quickstart/output/supernet/latest \
    --dump-rollouts $R/spos-oneshot-uniform-val6000.jsonl
  $NASCTL eval-arch $GT/estimators/zeroshot-spos.yml $GT/spos-fmnist/archs.json --evaluator zeroshot:$PROXIES --dump-rollouts $R/spos-zeroshot.jsonl
  if [ ! -f $NB201_SUPERNET/latest/manifest.json ]; then
    # Uniform single-path supernet of the NB201-small size, short fixed budget: 2 epochs x 8,000 images.
    node dist/trial-runtime/programs/train-supernet.js --space nb201 --supernet-options '{"channels":8,"cellsPerStage":1}' \
      --dataset fashion-mnist --train-limit 8000 --val-limit 2000 --epochs 2 --batch-size 64 --lr 0.05 --lr-schedule linear \
      --label-smoothing 0.1 --weight-decay 4e-5 --save-every 1 --checkpoint-dir $NB201_SUPERNET --seed 0 --resume auto \
      --validation-paths 2 --validation-batches 2
  fi
  $NASCTL eval-arch $GT/estimators/oneshot.yml $GT/nb201-small/archs.json --load $NB201_SUPERNET/latest --dump-rollouts $R/nb201-oneshot-uniform.jsonl
  if [ ! -f $NB201_CLOSE/latest/manifest.json ]; then
    # CLOSE at the same budget as the uniform supernet (curriculum and LR restart of experiments/close-nb201).
    node dist/trial-runtime/programs/train-supernet.js --space nb201-close --supernet-options '{"channels":8,"cellsPerStage":1}' \
      --strategy close --strategy-options '{"clSchedule":[0,0.2,0.4,0.6,0.8],"lrRestartEpochs":[0.4],"witMode":"copy"}' \
      --dataset fashion-mnist --train-limit 8000 --val-limit 2000 --epochs 2 --batch-size 64 --lr 0.05 --lr-schedule linear \
      --label-smoothing 0.1 --weight-decay 4e-5 --save-every 1 --checkpoint-dir $NB201_CLOSE --seed 0 --resume auto \
      --validation-paths 2 --validation-batches 2
  fi
  $NASCTL eval-arch $GT/estimators/oneshot.yml $GT/nb201-small/archs.json --load $NB201_CLOSE/latest --dump-rollouts $R/nb201-oneshot-close.jsonl
  # One run per proxy, so that a proxy failing on some cell cannot lose the others' scores.
  for p in ${PROXIES//,/ }; do
    $NASCTL eval-arch $GT/estimators/zeroshot-nb201.yml $GT/nb201-small/archs.json --evaluator zeroshot:$p --dump-rollouts $R/nb201-zeroshot-$p.jsonl \
      || { echo "zero-shot $p failed on nb201-small" >&2; rm -f $R/nb201-zeroshot-$p.jsonl; }
  done
}

# table DIR PREFIX: one rank-eval JSON per estimator, then the Markdown table of all of them.
table() {
  local name=$2 gt=$GT/$1/ground-truth.json rows=()
  $NASCTL rank-eval $R/$name-oneshot-uniform.jsonl --gt "$gt" --json $R/$name-oneshot-uniform.rank.json > /dev/null
  rows+=(--row "one-shot uniform (BN recalibrated)=$R/$name-oneshot-uniform.jsonl")
  rows+=(--row "one-shot uniform (before recalibration)=$R/$name-oneshot-uniform.jsonl:accuracyBefore")
  [ ! -f $R/$name-oneshot-close.jsonl ] || $NASCTL rank-eval $R/$name-oneshot-close.jsonl --gt "$gt" --json $R/$name-oneshot-close.rank.json > /dev/null
  [ ! -f $R/$name-oneshot-close.jsonl ] || rows+=(--row "one-shot CLOSE (BN recalibrated)=$R/$name-oneshot-close.jsonl" --row "one-shot CLOSE (before recalibration)=$R/$name-oneshot-close.jsonl:accuracyBefore")
  for extra in epochs val6000; do
    local f=$R/$name-oneshot-uniform-$extra.jsonl
    [ ! -f "$f" ] || rows+=(--row "one-shot uniform, $extra=$f" --row "one-shot uniform, $extra, before recalibration=$f:accuracyBefore")
  done
  for p in ${PROXIES//,/ }; do
    # All proxies in one file, or one file per proxy.
    local f=$R/$name-zeroshot.jsonl
    [ -f "$f" ] || f=$R/$name-zeroshot-$p.jsonl
    [ -f "$f" ] || { echo "($p: no rollouts for $name)" >&2; continue; }
    $NASCTL rank-eval "$f" --gt "$gt" --metric "$p" --json $R/$name-zeroshot-$p.rank.json > /dev/null
    rows+=(--row "$p=$f:$p")
  done
  [ ! -f $GT/$1/ground-truth-seed1.json ] || rows+=(--row "same budget, seed 1 (noise ceiling)=$GT/$1/ground-truth-seed1.json")
  node dist/bench/ground-truth/estimator-table.js --gt "$gt" "${rows[@]}" --json $R/$name-table.json
}

case "${1:-}" in
  evaluate) evaluate ;;
  tables) echo "## spos-fmnist"; table spos-fmnist spos; echo "## nb201-small"; table nb201-small nb201 ;;
  *) echo "usage: $0 evaluate|tables" >&2; exit 2 ;;
esac
