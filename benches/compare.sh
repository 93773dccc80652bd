#!/usr/bin/env bash
# benches/compare.sh — time fundledger against hledger, ledger (and tackler) on
# generated ledgers of 10k, 100k and 1M transactions, and check that they agree.
#
# Usage (from anywhere; paths are relative to the repository root):
#
#   cargo build --release            # this script builds nothing itself
#   benches/compare.sh               # all sizes: 10k 100k 1M
#   SIZES="10k 100k" benches/compare.sh
#
# Environment:
#   SIZES        sizes to run, among 10k 100k 1M or plain counts (default "10k 100k 1M")
#   RUNS         timed runs per fundledger command (default 3; the median is reported)
#   PEER_RUNS    timed runs per hledger/ledger/tackler command; default 1 at 1M (hledger
#                takes ~2 min and ~12 GB there) and $RUNS below. With 1 run, the time is
#                that of the /usr/bin/time -v run that also gives the peak RSS.
#   PEERS        peer tools to run (default "hledger ledger tackler")
#   PEERS_1M     peer tools to run at 1M (default $PEERS); e.g. PEERS_1M=ledger skips
#                hledger's 2-minute, 12 GB run
#   AGREE_SIZE   size whose balances are compared across tools (default 10k)
#   IMPORT_SIZES rows of the XLSX sheets imported into a new ledger (default "1M"; "" skips)
#   FUNDLEDGER   the binary (default target/release/fundledger)
#   DATA         where ledgers are generated (default benches/data, gitignored)
#   HYPERFINE    hyperfine binary (default hyperfine; HYPERFINE=none forces the
#                /usr/bin/time loop)
#
# What is timed, for each size F = DATA/<size>/books.journal:
#   fundledger -f F check | fundledger -f F balance | fundledger -f F balance --by donor,line
#   fundledger -L D check | budget | report donor EU -o X.xlsx | report all -o DIR  (D = DATA/<size>)
#   hledger -f F bal      | ledger -f F bal         | tackler --config C --input.file DATA/<size>/books.txn --reports balance
#   (C: tackler's default configuration, made with `tackler new` in a scratch directory)
# Wall time: median of the timed runs (hyperfine --runs N --export-json when
# installed, else a loop over /usr/bin/time). Peak RSS: one extra run under
# /usr/bin/time -v, which also warms the page cache. A missing tool is skipped with a
# line saying so. Ratios are against `fundledger -f F balance` at the same size.
#
# Ledgers are generated with `cargo run --release --example generate -- journal N DIR
# --tackler` when DIR/project.toml is absent (it is written last); delete DIR to
# regenerate. If that build fails (src/ mid-change), the last built
# target/release/examples/generate is used. Generated ledgers are checked with
# `fundledger -L DIR check` first.
#
# Output: progress on stderr; the Markdown table and the agreement verdict on stdout,
# also saved to DATA/results.md. Exit status 1 when the tools disagree or a command
# failed.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"

FUNDLEDGER=${FUNDLEDGER:-$ROOT/target/release/fundledger}
DATA=${DATA:-$ROOT/benches/data}
SIZES=${SIZES:-"10k 100k 1M"}
RUNS=${RUNS:-3}
PEERS=${PEERS:-"hledger ledger tackler"}
AGREE_SIZE=${AGREE_SIZE:-10k}
HYPERFINE=${HYPERFINE:-hyperfine}

if [[ ! -x $FUNDLEDGER ]]; then
    echo "compare.sh: no fundledger binary at $FUNDLEDGER; build it first: cargo build --release" >&2
    exit 1
fi
if [[ ! -x /usr/bin/time ]]; then
    echo "compare.sh: /usr/bin/time (GNU time) is needed for peak RSS; apt-get install time" >&2
    exit 1
fi

have() { command -v "$1" >/dev/null 2>&1; }
log() { echo "compare.sh: $*" >&2; }

WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
RESULTS=$WORK/results.tsv # size  tool  command  median_s  peak_mib
: >"$RESULTS"
STATUS=0

count_of() { # 10k → 10000, 1M → 1000000, 2500 → 2500
    case $1 in
        *[kK]) echo $((${1%?} * 1000)) ;;
        *[mM]) echo $((${1%?} * 1000000)) ;;
        *) echo "$1" ;;
    esac
}

# "0:01.23" or "1:02:03.45" (from time -v) → seconds
to_seconds() { awk -v t="$1" 'BEGIN { n = split(t, a, ":"); s = 0; for (i = 1; i <= n; i++) s = s * 60 + a[i]; printf "%.3f", s }'; }

median() { sort -g | awk '{ v[NR] = $1 } END { if (NR % 2) print v[(NR + 1) / 2]; else printf "%.3f\n", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

# measure SIZE TOOL LABEL RUNS CMD...: one /usr/bin/time -v run (peak RSS, and the time
# when RUNS is 1), then RUNS timed runs; appends a row to $RESULTS.
measure() {
    local size=$1 tool=$2 label=$3 runs=$4
    shift 4
    local tv=$WORK/time-v.txt err=$WORK/stderr.txt
    log "$size  $label  (1 run for RSS + $([[ $runs -gt 1 ]] && echo "$runs timed" || echo "it as the timing"))"
    if ! /usr/bin/time -v -o "$tv" "$@" >/dev/null 2>"$err"; then
        log "FAILED: $* (exit status $(awk -F': ' '/Exit status/ {print $2}' "$tv"))"
        head -5 "$err" >&2
        printf '%s\t%s\t%s\t%s\t%s\n' "$size" "$tool" "$label" "FAILED" "-" >>"$RESULTS"
        STATUS=1
        return 0
    fi
    local rss_kb elapsed secs
    rss_kb=$(awk -F': ' '/Maximum resident set size/ {print $2}' "$tv")
    elapsed=$(awk -F': ' '/Elapsed \(wall clock\)/ {print $2}' "$tv")
    if ((runs <= 1)); then
        secs=$(to_seconds "$elapsed")
    elif have "$HYPERFINE"; then
        local cmdline
        cmdline=$(printf '%q ' "$@")
        if "$HYPERFINE" --runs "$runs" --shell=none --style none --export-json "$WORK/h.json" \
            "$cmdline" >/dev/null 2>&1; then
            secs=$(awk -F': *' '/"median"/ { gsub(/[ ,]/, "", $2); printf "%.3f", $2; exit }' "$WORK/h.json")
        else
            log "FAILED under hyperfine: $cmdline"
            secs=FAILED
            STATUS=1
        fi
    else
        local i
        for ((i = 0; i < runs; i++)); do
            /usr/bin/time -f '%e %M' -o "$WORK/t.txt" "$@" >/dev/null 2>&1 || STATUS=1
            tail -1 "$WORK/t.txt" | cut -d' ' -f1
        done >"$WORK/times.txt"
        secs=$(median <"$WORK/times.txt")
    fi
    printf '%s\t%s\t%s\t%s\t%s\n' "$size" "$tool" "$label" "$secs" \
        "$(awk -v k="$rss_kb" 'BEGIN { printf "%.0f", k / 1024 }')" >>"$RESULTS"
}

# --- Balances per account and commodity, normalised to "account<TAB>commodity<TAB>qty",
# --- sorted, zeros dropped. Exact: numbers are handled as strings, never as floats.
NORMALIZE_QTY='
function norm(q) {
    gsub(/,/, "", q); sub(/^\+/, "", q)
    if (q ~ /\./) { sub(/0+$/, "", q); sub(/\.$/, "", q) }
    if (q ~ /^-?0*$/) return ""
    return q
}
function emit(account, amount,   n, num, com, q) {
    # amount: "1,234 XOF" (or "XOF 1,234"); several joined by ", " for hledger
    gsub(/^ +| +$/, "", amount)
    if (amount == "" || amount == "0") return
    n = split(amount, part, " ")
    if (part[1] ~ /^[-+0-9.,]+$/) { num = part[1]; com = part[n] } else { num = part[n]; com = part[1] }
    q = norm(num)
    if (q != "") print account "\t" com "\t" q
}'

totals_fundledger() { # CSV: account,commodity,amount
    "$FUNDLEDGER" -f "$1" balance --flat --format csv |
        awk -F, "$NORMALIZE_QTY"'NR > 1 { q = norm($3); if (q != "") print $1 "\t" $2 "\t" q }' | LC_ALL=C sort
}
totals_hledger() { # CSV: "account","1,234 XOF, 5 EUR"
    hledger -f "$1" bal --flat -O csv |
        awk "$NORMALIZE_QTY"'NR > 1 {
            line = $0; sub(/^"/, "", line); sub(/"$/, "", line)
            i = index(line, "\",\""); account = substr(line, 1, i - 1); rest = substr(line, i + 3)
            if (account == "total") next
            n = split(rest, amounts, ", ")
            for (k = 1; k <= n; k++) emit(account, amounts[k])
        }' | LC_ALL=C sort
}
totals_ledger() { # account<TAB>amount, extra commodities on lines without a tab
    ledger -f "$1" bal --flat --no-total --balance-format '%(account)\t%(scrub(display_total))\n' |
        awk "$NORMALIZE_QTY"'{
            if (index($0, "\t")) { split($0, f, "\t"); account = f[1]; emit(account, f[2]) }
            else emit(account, $0)
        }' | LC_ALL=C sort
}

agreement() { # JOURNAL: compare per-account totals of fundledger with hledger and ledger
    local f=$1 verdict=AGREE ours
    ours=$WORK/ours.tsv
    if ! totals_fundledger "$f" >"$ours" 2>"$WORK/ours.err"; then
        echo
        echo "Agreement: DISAGREE (fundledger balance failed: $(grep -m1 . "$WORK/ours.err"))"
        STATUS=1
        return 0
    fi
    echo
    echo "Agreement at $AGREE_SIZE (\`balance --flat\` per account and commodity; $(wc -l <"$ours") totals):"
    echo
    local peer
    for peer in hledger ledger; do
        if ! have "$peer"; then
            echo "- $peer: not on PATH, skipped"
            continue
        fi
        if ! "totals_$peer" "$f" >"$WORK/$peer.tsv" 2>"$WORK/$peer.err"; then
            verdict=DISAGREE
            echo "- fundledger vs $peer: DISAGREE ($peer failed: $(grep -m1 . "$WORK/$peer.err" | cut -c1-120))"
        elif diff -q "$ours" "$WORK/$peer.tsv" >/dev/null; then
            echo "- fundledger vs $peer: AGREE ($(wc -l <"$WORK/$peer.tsv") totals identical)"
        else
            verdict=DISAGREE
            echo "- fundledger vs $peer: DISAGREE"
            echo
            echo '```diff'
            diff "$ours" "$WORK/$peer.tsv" | head -20 || true
            echo '```'
        fi
    done
    echo
    echo "Agreement: $verdict"
    [[ $verdict == AGREE ]] || STATUS=1
}

# --- Generate, verify, measure --------------------------------------------------------

AGREE_OUT=$WORK/agree.md
: >"$AGREE_OUT"
for size in $SIZES; do
    n=$(count_of "$size")
    dir=$DATA/$size
    if [[ ! -f $dir/project.toml ]]; then
        log "generating $dir ($n transactions)"
        if ! cargo run --release --quiet --example generate -- journal "$n" "$dir" --tackler; then
            # The generator does not use the library, but cargo builds it first: while
            # src/ is mid-change, fall back to the last generator built.
            gen=$ROOT/target/release/examples/generate
            [[ -x $gen ]] || { log "cannot build the generator and none was built before"; exit 1; }
            log "cargo run failed; using the previously built $gen"
            "$gen" journal "$n" "$dir" --tackler
        fi
    fi
    F=$dir/books.journal
    if ! "$FUNDLEDGER" -L "$dir" check >/dev/null 2>"$WORK/check.txt"; then
        log "fundledger -L $dir check fails; timings would be meaningless:"
        head -20 "$WORK/check.txt" >&2
        exit 1
    fi

    measure "$size" fundledger "fundledger -f F check" "$RUNS" "$FUNDLEDGER" -f "$F" check
    measure "$size" fundledger "fundledger -f F balance" "$RUNS" "$FUNDLEDGER" -f "$F" balance
    measure "$size" fundledger "fundledger -f F balance --by donor,line" "$RUNS" \
        "$FUNDLEDGER" -f "$F" balance --by donor,line
    # The ledger directory's own reports (fundledger only: the peers have no budgets).
    measure "$size" fundledger "fundledger -L D check (project rules)" "$RUNS" "$FUNDLEDGER" -L "$dir" check
    measure "$size" fundledger "fundledger -L D budget" "$RUNS" "$FUNDLEDGER" -L "$dir" budget
    measure "$size" fundledger "fundledger -L D report donor EU (XLSX)" "$RUNS" \
        "$FUNDLEDGER" -L "$dir" report donor EU --from 2015-01-01 --to 2018-12-31 -o "$WORK/eu.xlsx"
    measure "$size" fundledger "fundledger -L D report all (4 donors, XLSX)" "$RUNS" \
        "$FUNDLEDGER" -L "$dir" report all --from 2015-01-01 --to 2018-12-31 -o "$WORK/all"

    peers=$PEERS
    if ((n >= 1000000)); then
        peers=${PEERS_1M:-$PEERS}
        peer_runs=${PEER_RUNS:-1}
    else
        peer_runs=${PEER_RUNS:-$RUNS}
    fi
    for peer in hledger ledger tackler; do
        if [[ " $peers " != *" $peer "* ]]; then
            log "$size  $peer: not selected (PEERS/PEERS_1M), skipped"
            printf '%s\t%s\t%s\t%s\t%s\n' "$size" "$peer" "$peer (not run: not selected)" "-" "-" >>"$RESULTS"
            continue
        fi
        if ! have "$peer"; then
            log "$size  $peer: not on PATH, skipped"
            printf '%s\t%s\t%s\t%s\t%s\n' "$size" "$peer" "$peer (not run: not on PATH)" "-" "-" >>"$RESULTS"
            continue
        fi
        case $peer in
            hledger) measure "$size" hledger "hledger -f F bal" "$peer_runs" hledger -f "$F" bal ;;
            ledger) measure "$size" ledger "ledger -f F bal" "$peer_runs" ledger -f "$F" bal ;;
            tackler)
                if [[ -f $dir/books.txn ]]; then
                    # tackler needs a configuration: its own default one (`tackler new`).
                    if [[ ! -f $WORK/tackler/conf/tackler.toml ]]; then
                        (cd "$WORK" && tackler new tackler >/dev/null)
                    fi
                    measure "$size" tackler "tackler --input.file books.txn --reports balance" "$peer_runs" \
                        tackler --config "$WORK/tackler/conf/tackler.toml" --input.file "$dir/books.txn" --reports balance
                else
                    log "$size  tackler: no $dir/books.txn (delete $dir to regenerate with --tackler), skipped"
                fi
                ;;
        esac
    done

    if [[ $size == "$AGREE_SIZE" ]]; then
        agreement "$F" >>"$AGREE_OUT"
    fi
done

# --- Import: an XLSX expenditure sheet (French layout) into a new ledger -----------------
# IMPORT_SIZES (default "1M"; empty to skip): rows per sheet. The sheet comes from
# `generate xlsx N`, the empty ledger from `generate journal 0` (same lines, donors and
# accounts), the rules from benches/import/depenses-bench.toml. Each run imports into a
# fresh copy of the empty ledger (the copy is not timed): read, check every row, split,
# check the books with the new transactions, copy the file to sources/, append.

IMPORT_SIZES=${IMPORT_SIZES-1M}
for size in $IMPORT_SIZES; do
    n=$(count_of "$size")
    dir=$DATA/import-$size
    if [[ ! -f $dir/empty/project.toml || ! -f $dir/depenses.xlsx ]]; then
        log "generating $dir ($n rows)"
        rm -rf "$dir"
        mkdir -p "$dir"
        gen=$ROOT/target/release/examples/generate
        cargo run --release --quiet --example generate -- journal 0 "$dir/empty" 2>/dev/null ||
            "$gen" journal 0 "$dir/empty"
        cargo run --release --quiet --example generate -- xlsx "$n" "$dir/depenses.xlsx" 2>/dev/null ||
            "$gen" xlsx "$n" "$dir/depenses.xlsx"
    fi
    label="fundledger import depenses.xlsx (new ledger)"
    log "$size  $label ($RUNS runs)"
    : >"$WORK/import.txt"
    for ((i = 0; i < RUNS; i++)); do
        rm -rf "$dir/ledger"
        cp -r "$dir/empty" "$dir/ledger"
        if ! /usr/bin/time -f '%e %M' -o "$WORK/t.txt" "$FUNDLEDGER" -L "$dir/ledger" import \
            "$dir/depenses.xlsx" --rules "$ROOT/benches/import/depenses-bench.toml" >/dev/null 2>"$WORK/stderr.txt"; then
            log "FAILED: import ($(head -3 "$WORK/stderr.txt"))"
            STATUS=1
        fi
        tail -1 "$WORK/t.txt" >>"$WORK/import.txt"
    done
    secs=$(cut -d' ' -f1 "$WORK/import.txt" | median)
    peak=$(cut -d' ' -f2 "$WORK/import.txt" | sort -g | tail -1)
    printf '%s\t%s\t%s\t%s\t%s\n' "$size" fundledger "$label" "$secs" \
        "$(awk -v k="$peak" 'BEGIN { printf "%.0f", k / 1024 }')" >>"$RESULTS"
    rm -rf "$dir/ledger"
done

# --- Report -----------------------------------------------------------------------------

report() {
    echo "fundledger $("$FUNDLEDGER" --version 2>/dev/null | awk '{print $2}') ($(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo '?')$(git -C "$ROOT" diff --quiet HEAD -- src 2>/dev/null || echo ', src modified'))," \
        "$(have hledger && hledger --version | awk '{print $1, $2}' | tr -d ,)," \
        "$(have ledger && ledger --version | head -1 | awk '{print $1, $2}' | tr -d ,)," \
        "$(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2 / 1048576}' /proc/meminfo)," \
        "fundledger median of $RUNS runs, peers ${PEER_RUNS:-"$RUNS (1 at 1M)"} $(have "$HYPERFINE" && echo "(hyperfine)" || echo "(/usr/bin/time loop)")"
    echo
    echo "| size | tool | command | median s | peak MiB | × fundledger balance |"
    echo "|---:|---|---|---:|---:|---:|"
    awk -F'\t' '
        { row[NR] = $0; if ($3 == "fundledger -f F balance" && $4 != "FAILED") base[$1] = $4 }
        END {
            for (i = 1; i <= NR; i++) {
                split(row[i], f, "\t")
                ratio = "-"
                if (f[4] ~ /^[0-9.]+$/ && base[f[1]] > 0) ratio = sprintf("%.1f", f[4] / base[f[1]])
                printf "| %s | %s | `%s` | %s | %s | %s |\n", f[1], f[2], f[3], f[4], f[5], ratio
            }
        }' "$RESULTS"
    cat "$AGREE_OUT"
}

mkdir -p "$DATA"
report | tee "$DATA/results.md"
exit "$STATUS"
