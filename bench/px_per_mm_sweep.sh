#!/usr/bin/env bash
# Scale from the in-frame Nano (`shadecast measure --chart-in-frame`) against the synthesiser's exact
# 30 px/mm, over seeds, lights and frame sizes. Usage: bench/px_per_mm_sweep.sh [BUILD_DIR] [SEEDS]
# Prints one line per photo and the largest error.
set -euo pipefail
build=${1:-build}
seeds=${2:-6}
bin="$build/bin/shadecast"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
worst=0
n=0
for size in 2048x1536 4000x3000; do
  for light in D65 LED-B3 A; do
    for ((s = 1; s <= seeds; ++s)); do
      "$bin" synth scalp --camera canon_eos_5d_mark_ii --illuminant "$light" --with-chart --blur-px 1.5 \
        --size "$size" --seed "$s" --out "$tmp/p.jpg" --truth "$tmp/t.json" >/dev/null
      ppm=$("$bin" measure --image "$tmp/p.jpg" --chart-in-frame --json |
        sed -n 's/.*"px_per_mm": *\([0-9.eE+-]*\).*/\1/p' | head -1)
      err=$(awk -v p="$ppm" 'BEGIN { e = (p / 30 - 1) * 100; printf "%.2f", e }')
      printf '%-9s %-6s seed %d: %.3f px/mm (%+s %%)\n' "$size" "$light" "$s" "$ppm" "$err"
      worst=$(awk -v a="$worst" -v b="$err" 'BEGIN { b = b < 0 ? -b : b; print (b > a ? b : a) }')
      n=$((n + 1))
    done
  done
done
echo "$n photos: largest |px/mm error| $worst %"
