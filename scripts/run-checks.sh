#!/usr/bin/env bash
#===- run-checks.sh - Run every quantc test suite and summarize ----------===#
#
# Usage: scripts/run-checks.sh BUILD_DIR
#
# QUANTC_CONFORMANCE_FILTER=REGEX limits the conformance suite to the node
# tests it matches (make check-asan uses a slice: every compile under the
# sanitizers is slow).
#
# Runs the lit, gtest and Python suites of BUILD_DIR and the source tree,
# every ONNX backend node test through quantc (scripts/conformance.py, the
# report in BUILD_DIR/conformance.md), checks that every C++ file is
# clang-formatted, prints a summary line per suite and a total, and fails if
# any check failed or a suite did not run.
#
#===------------------------------------------------------------------------===#
set -uo pipefail

build=$(cd "${1:?usage: run-checks.sh BUILD_DIR}" && pwd) || exit 1
cd "$(dirname "$0")/.."
lit=/usr/lib/llvm-22/bin/lit
log=$(mktemp -d)
trap 'rm -rf "$log"' EXIT

declare -A passed failed
suites=()

# count SUITE PASSED FAILED
count() {
  suites+=("$1")
  passed[$1]=$2
  failed[$1]=$3
}

echo "== lit"
"$lit" -sv "$build/test" 2>&1 | tee "$log/lit.txt"
# lit ends with lines such as "  Passed: 12 (100.00%)".
lit_sum() {
  awk -F: -v pat="$1" '$1 ~ "^ *(" pat ") *$" { split($2, f, " "); n += f[1] }
                       END { print n + 0 }' "$log/lit.txt"
}
lit_passed=$(lit_sum 'Passed')
lit_failed=$(lit_sum 'Failed|Unresolved|Timed Out|Unexpectedly Passed')
if [[ "$lit_passed" -eq 0 && "$lit_failed" -eq 0 ]]; then lit_failed=1; fi
count lit "$lit_passed" "$lit_failed"

echo "== gtest"
"$build/bin/QuantcUnitTests" --gtest_brief=1 2>&1 | tee "$log/gtest.txt"
gtest_status=${PIPESTATUS[0]}
gtest_passed=$(grep -Eo '\[  PASSED  \] [0-9]+' "$log/gtest.txt" | grep -Eo '[0-9]+$' || echo 0)
gtest_failed=$(grep -Eo '\[  FAILED  \] [0-9]+ test' "$log/gtest.txt" | grep -Eo '[0-9]+' || echo 0)
if [[ $gtest_status -ne 0 && "$gtest_failed" -eq 0 ]]; then gtest_failed=1; fi
count gtest "$gtest_passed" "$gtest_failed"

echo "== python"
(cd python && QUANTC_BIN="$build/bin/quantc" /usr/bin/python3 -m pytest -v -p no:cacheprovider tests) 2>&1 | tee "$log/python.txt"
python_status=${PIPESTATUS[0]}
# pytest's last line: "28 passed, 1 failed, 1 error in 9.12s".
python_summary=$(tail -n 1 "$log/python.txt")
python_passed=$(grep -Eo '[0-9]+ passed' <<<"$python_summary" | grep -Eo '[0-9]+' || echo 0)
python_failed=$(grep -Eo '[0-9]+ (failed|errors?)' <<<"$python_summary" | grep -Eo '[0-9]+' |
  awk '{ n += $1 } END { print n + 0 }')
if [[ $python_status -ne 0 && "$python_failed" -eq 0 ]]; then python_failed=1; fi
count python "$python_passed" "$python_failed"

echo "== conformance"
conformance_args=()
if [[ -n "${QUANTC_CONFORMANCE_FILTER:-}" ]]; then
  conformance_args=(--filter "$QUANTC_CONFORMANCE_FILTER")
fi
/usr/bin/python3 scripts/conformance.py "$build/bin/quantc" \
  /usr/share/libonnx-testdata/data/node "$build/conformance.md" \
  "${conformance_args[@]}" 2>&1 |
  tee "$log/conformance.txt"
conformance_line=$(grep -E '^conformance: [0-9]+ passed, [0-9]+ failed' "$log/conformance.txt" | tail -1)
conformance_passed=$(echo "$conformance_line" | grep -Eo '[0-9]+ passed' | grep -Eo '[0-9]+' || echo 0)
conformance_failed=$(echo "$conformance_line" | grep -Eo '[0-9]+ failed' | grep -Eo '[0-9]+' || echo 1)
if [[ -z "$conformance_line" ]]; then conformance_failed=1; fi
count conformance "${conformance_passed:-0}" "${conformance_failed:-1}"

echo "== format"
# Every C++ file tracked by git must be as clang-format leaves it.
format_passed=0
format_failed=0
if git rev-parse --git-dir >/dev/null 2>&1; then
  while IFS= read -r file; do
    if clang-format --dry-run -Werror "$file" >/dev/null 2>&1; then
      format_passed=$((format_passed + 1))
    else
      echo "not clang-formatted: $file (run clang-format -i $file)"
      format_failed=$((format_failed + 1))
    fi
  done < <(git ls-files '*.cpp' '*.h')
  echo "$format_passed files formatted, $format_failed not"
  count format "$format_passed" "$format_failed"
else
  echo "not a git checkout: skipped"
fi

echo
echo "== summary"
total_passed=0
total_failed=0
for suite in "${suites[@]}"; do
  printf '%-12s %s passed, %s failed\n' "$suite:" "${passed[$suite]}" "${failed[$suite]}"
  total_passed=$((total_passed + passed[$suite]))
  total_failed=$((total_failed + failed[$suite]))
done
echo "total: $total_passed passed, $total_failed failed"
[[ $total_failed -eq 0 ]]
