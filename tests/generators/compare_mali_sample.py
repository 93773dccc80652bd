#!/usr/bin/env python3
"""Cross-check ledgers/mali-ctip-2017/books.journal with hledger and ledger.

Runs (from the repo root):
  hledger -f J check                      (parse, balanced, balance assertions)
  hledger -s -f J bal --flat              (strict: declared accounts and commodities)
  ledger  -f J --pedantic bal --flat      (declared accounts, commodities, tags)
and compares per-account per-commodity totals of both tools, for the whole
journal and for every donor, budget line and activity query
(hledger `tag:K=^V$` vs ledger `%K=^V$`), then compares the per-donor expense
totals with what the generator itself computed.  Exit 1 on any difference.
Standard library only; needs hledger and ledger on PATH.
"""
import csv
import io
import os
import subprocess
import sys
from decimal import Decimal

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
JOURNAL = os.path.join("ledgers", "mali-ctip-2017", "books.journal")
sys.path.insert(0, HERE)
sys.dont_write_bytecode = True
import mali_sample  # noqa: E402

FAILS = []


def run(args):
    r = subprocess.run(args, cwd=ROOT, capture_output=True, text=True)
    if r.returncode != 0:
        FAILS.append("%s exited %d: %s" % (" ".join(args), r.returncode, r.stderr.strip()))
    return r.stdout


def hledger_bal(query):
    out = run(["hledger", "-f", JOURNAL, "bal", "--flat", "-N", "-O", "csv",
               "--layout=bare"] + query)
    rows = list(csv.reader(io.StringIO(out)))
    res = {}
    for acct, comm, amt in rows[1:]:
        if Decimal(amt) != 0:
            res[(acct, comm)] = Decimal(amt)
    return res


def ledger_bal(query):
    out = run(["ledger", "-f", JOURNAL, "--pedantic", "bal", "--flat", "--no-total",
               "--balance-format", "%(account)\t%(scrub(display_total))\n"] + query)
    res = {}
    for line in out.splitlines():
        acct, total = line.split("\t")
        num, comm = total.rsplit(" ", 1)
        value = Decimal(num.replace(",", ""))
        if value != 0:
            res[(acct, comm)] = value
    return res


def compare(label, hq, lq):
    h, l = hledger_bal(hq), ledger_bal(lq)
    if h != l:
        diff = sorted(set(h.items()) ^ set(l.items()))
        FAILS.append("%s: hledger and ledger differ: %s" % (label, diff[:6]))
    return h


def main():
    run(["hledger", "-f", JOURNAL, "check"])
    run(["hledger", "-s", "-f", JOURNAL, "bal", "--flat"])
    run(["ledger", "-f", JOURNAL, "--pedantic", "bal", "--flat"])

    queries = [("all", [], [])]
    for d in mali_sample.DONOR_IDS:
        queries.append(("donor=%s" % d, ["tag:donor=^%s$" % d], ["%%donor=^%s$" % d]))
    for code in mali_sample.LINE:
        v = code.replace(".", "\\.")
        queries.append(("line=%s" % code, ["tag:line=^%s$" % v], ["%%line=^%s$" % v]))
    for code, _, _ in mali_sample.ACTIVITIES:
        queries.append(("activity=%s" % code, ["tag:activity=^%s$" % code],
                        ["%%activity=^%s$" % code]))
    results = {}
    for label, hq, lq in queries:
        results[label] = compare(label, hq, lq)
    # the plain forms quoted in the brief
    compare("donor=EU (plain)", ["tag:donor=EU"], ["%donor=EU"])

    # generator's own figures: expenses per donor and per line
    mali_sample.build_year()
    mali_sample.build_psc()
    summary = mali_sample.check_all(mali_sample.order_and_number())
    for d in mali_sample.DONOR_IDS:
        tool = sum(v for (a, c), v in results["donor=%s" % d].items()
                   if a.startswith("expenses:") and c == "XOF")
        if tool != summary["donor_spent"][d]:
            FAILS.append("expenses of %s: tools %s, generator %s"
                         % (d, tool, summary["donor_spent"][d]))
    for code in mali_sample.LINE:
        tool = sum(v for (a, c), v in results["line=%s" % code].items()
                   if a.startswith("expenses:"))
        if tool != summary["line_spent"][code]:
            FAILS.append("line %s: tools %s, generator %s"
                         % (code, tool, summary["line_spent"][code]))

    n_acct = len(results["all"])
    print("compared %d queries (%d account/commodity rows unfiltered)" % (len(queries) + 1, n_acct))
    if FAILS:
        print("FAILED:\n  " + "\n  ".join(FAILS))
        sys.exit(1)
    print("OK: hledger check, hledger -s, ledger --pedantic exit 0; "
          "per-account per-commodity totals identical for every query; "
          "per-donor and per-line expense totals match the generator")


if __name__ == "__main__":
    main()
