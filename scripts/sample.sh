#!/usr/bin/env bash
# The main job on the sample ledger (ledgers/mali-ctip-2017): import the spreadsheets
# of the period, check the books, show the balance and the budget by donor, and write
# every donor's financial report (XLSX) into out/reports/.
# Re-running is safe: rows already imported are recognised and skipped.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --locked --quiet
fl="${CARGO_TARGET_DIR:-target}/debug/fundledger"
L=ledgers/mali-ctip-2017
"$fl" -L "$L" import "$L/sources/depenses-atelier-2017.xlsx" --rules templates/import/depenses-fr.toml
"$fl" -L "$L" import "$L/sources/releve-bdm-2017-12.xlsx" --rules templates/import/releve-bancaire-fr.toml
"$fl" -L "$L" check
"$fl" -L "$L" balance --by donor --depth 1
"$fl" -L "$L" psc --through 2017-12-31
"$fl" -L "$L" budget --donor NL
"$fl" -L "$L" report all --from 2017-01-01 --to 2017-12-31 -o out/reports
echo "Reports: $(ls out/reports/*.xlsx | wc -l) workbooks in out/reports/"
