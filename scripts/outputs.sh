#!/usr/bin/env bash
# Capture every output of the CLI on examples/estate (scan in every format, reports,
# recommendations, compliance for every framework, metrics, checks, explain, docs, and invoke
# with every sample event after a nightly run, with the files it writes) into a folder, with
# timestamps and run ids normalized, so that two builds can be compared with `diff -r`:
#
#   scripts/outputs.sh target/debug/ecs-posture /tmp/outputs-after
#   diff -r /tmp/outputs-before /tmp/outputs-after
set -u
BIN=$(realpath "$1"); OUT=$2
cd "$(dirname "$0")/.."
rm -rf "$OUT"; mkdir -p "$OUT"
WORK=$(mktemp -d); trap 'rm -rf "$WORK"' EXIT
E=examples/estate
for f in table json asff sarif csv markdown; do
  "$BIN" scan $E --format $f > "$OUT/scan-$f.txt" 2> "$OUT/scan-$f.err"; echo "rc=$?" >> "$OUT/scan-$f.err"
  "$BIN" scan $E --format $f --all > "$OUT/scan-$f-all.txt" 2>&1; echo "rc=$?" >> "$OUT/scan-$f-all.txt"
done
for f in summary detailed executive json markdown html csv; do
  "$BIN" report $E --format $f > "$OUT/report-$f.txt" 2>&1; echo "rc=$?" >> "$OUT/report-$f.txt"
done
"$BIN" report $E --format json -o "$WORK/hist.json" > /dev/null 2>&1
"$BIN" report $E --format executive --history "$WORK/hist.json" > "$OUT/report-exec-hist.txt" 2>&1
"$BIN" report $E --format summary --severity high --framework pci-dss > "$OUT/report-filter.txt" 2>&1
for f in text json; do
  "$BIN" recommendations $E --format $f > "$OUT/rec-$f.txt" 2>&1; echo "rc=$?" >> "$OUT/rec-$f.txt"
  "$BIN" metrics $E --format $f --history "$WORK/hist.json" > "$OUT/metrics-$f.txt" 2>&1; echo "rc=$?" >> "$OUT/metrics-$f.txt"
  for fw in aws-fsbp aws-config nist-800-53 pci-dss hipaa soc2 cis; do
    "$BIN" compliance $E --framework $fw --format $f > "$OUT/compliance-$fw-$f.txt" 2>&1; echo "rc=$?" >> "$OUT/compliance-$fw-$f.txt"
  done
done
"$BIN" checks > "$OUT/checks.txt" 2>&1; "$BIN" checks --format json > "$OUT/checks-json.txt" 2>&1
"$BIN" explain TD01 > "$OUT/explain-TD01.txt" 2>&1; "$BIN" explain SV02 > "$OUT/explain-SV02.txt" 2>&1
"$BIN" docs > "$OUT/docs.txt" 2>&1
for ev in events/*.json; do
  n=$(basename "$ev" .json); d="$WORK/invoke-$n"
  "$BIN" invoke events/schedule.json --estate $E --out "$d" > /dev/null 2>&1
  "$BIN" invoke "$ev" --estate $E --out "$d" > "$OUT/invoke-$n.txt" 2>&1; echo "rc=$?" >> "$OUT/invoke-$n.txt"
  "$BIN" invoke "$ev" --estate $E --out "$d" --json > "$OUT/invoke-$n-json.txt" 2>&1; echo "rc=$?" >> "$OUT/invoke-$n-json.txt"
  (cd "$d" && find . -type f | sort | while read -r f; do echo "== $f"; cat "$f"; echo; done) > "$OUT/invoke-$n-files.txt"
  sed -i "s|$d|OUT|g" "$OUT/invoke-$n.txt" "$OUT/invoke-$n-json.txt"
done
sed -i -E 's/20[0-9]{2}-[0-9]{2}-[0-9]{2}T[0-9:.]+Z/TS/g; s/"(at_ms|last_imported_ms|first_observed_ms|created_at_ms|failing_since_ms|duration_ms|Timestamp|DurationMs)": ?[0-9]+/"\1": N/g; s/cli-[0-9]+-[0-9]+/RUNID/g' "$OUT"/*
echo "$(ls "$OUT" | wc -l) outputs in $OUT"
