"""The bank's statement of the sample project's XOF account for 2017, for
`fundledger reconcile` (used by mali_sample.py; standard library only).

  sources/releve-bdm-2017.xlsx   sheet "Relevé 2017": the bank's title block, header on
                                 row 6 (Date opération | Date valeur | Référence |
                                 Libellé de l'opération | Débit | Crédit | Solde), the
                                 opening balance, each month's movements followed by
                                 its balance row ("Solde au 31/01/2017"), the closing
                                 balance and a totals row with formulas.

It reads with templates/import/releve-bancaire-fr.toml. Every movement of the books'
account is on it, as the bank saw it: payments by transfer carry our voucher as their
reference and are debited 0 to 2 working days later (never in the next month);
cash withdrawals carry the cheque number; receipts carry the bank's own reference.
Planted, so that the reconciliation at 31/12/2017 shows every kind of item and ends
with a zero difference:

  deposit in transit      the cash paid in on 29/12 (credited in January)
  outstanding payments    the three December payments booked "!" (not cleared at the
                          year end), and the second booking of the ORTM programme
                          (the bank paid it once)
  bank debits not booked  chequebook fee (20/12), commission on transfers (29/12)
  bank credits not booked a transfer received from OHCHR (28/12), interest (31/12)
  error                   December's internet bill debited ten times its amount
  grouped                 the three EUR conversions of 13/01 credited as one sale of
                          15,000 EUR
  ambiguous               the four 10,000 XOF exchange commissions of 13/01 (no
                          reference), and the ORTM payment (no reference, two bookings
                          of the same amount on the same day: journal order decides)
"""
from datetime import date, timedelta

import mali_workbooks as wbk

GROUPED = "CESSION DEVISES 15 000,00 EUR (FONDS UE, PAYS-BAS, ALLEMAGNE) AU COURS 655,957"
ERROR_BILL = "Abonnement internet Orange Mali - décembre 2017"
UNREFERENCED = "Émission télévisée ORTM sur la traite des personnes"
BANK_ONLY = [  # date, reference, description, amount in the books' sign
    (date(2017, 12, 20), "", "FRAIS D'ENVOI DE CHEQUIER (2 CARNETS)", -15_000),
    (date(2017, 12, 28), "FT17362001",
     "VIR. RECU HCDH BAMAKO - CONTRIBUTION AUX FRAIS DE L'ATELIER", 750_000),
    (date(2017, 12, 29), "", "COMMISSION SUR VIREMENTS EMIS - DECEMBRE 2017", -4_500),
    (date(2017, 12, 31), "", "INTERETS CREDITEURS 2017", 38_750),
]


def month_end(d):
    return date(d.year + (d.month == 12), d.month % 12 + 1, 1) - timedelta(days=1)


def bank_date(d, delay):
    """`delay` working days after `d`, but never in the next month."""
    out = d
    for _ in range(delay):
        out += timedelta(days=1)
        while out.weekday() >= 5:
            out += timedelta(days=1)
    return out if out.month == d.month else d


def on_statement(t):
    return (t.status == "*"
            and not (t.code or "").startswith("OP-TRESOR")
            and not t.desc.startswith("Versement en banque du reliquat de caisse - clôture"))


def movements(ordered, bank, resolved_qty):
    """The statement's lines: (bank date, value date, reference, description, amount)."""
    lines = []
    grouped = 0
    grouped_date = None
    for n, t in enumerate(x for x in ordered if x.kind != "ASSERT"):
        net = sum(resolved_qty(t, p) for p in t.postings if p.account == bank)
        if net == 0 or not on_statement(t):
            continue
        if t.kind == "CV" and t.date == date(2017, 1, 13) and " EUR " in t.desc:
            grouped += net
            grouped_date = t.date
            continue
        ref, desc, delay = t.code, "VIR. EMIS %s" % t.desc, n % 3
        if t.kind == "VIR":
            ref, desc, delay = "FT17%06d" % (t.date.timetuple().tm_yday * 100 + n % 100), \
                "VIR. RECU %s" % t.desc, 0
        elif t.kind == "CV":
            ref, desc, delay = "", "CESSION DEVISES - %s" % t.desc, 0
        elif t.desc.startswith("Commission de change"):
            ref, desc, delay = "", "COMMISSION DE CHANGE", 0
        elif t.desc.startswith("Frais de tenue de compte"):
            ref, desc, delay = "", "FRAIS DE TENUE DE COMPTE", 0
        elif t.desc.startswith("Versement en banque"):
            ref, desc, delay = "", "VERSEMENT ESPECES", 0
        elif "chèque n° " in t.desc:
            number = t.desc.split("chèque n° ")[1].rstrip(")")
            ref, desc, delay = number, "RETRAIT ESPECES CHEQUE N° %s" % number, 0
        elif t.desc == UNREFERENCED:
            ref, desc = "", "VIR. EMIS ORTM - OFFICE DE RADIODIFFUSION TELEVISION DU MALI"
        amount = net * 10 if t.desc == ERROR_BILL else net
        d = bank_date(t.date, delay)
        lines.append((d, bank_date(d, 1), ref, desc, amount))
    assert grouped > 0
    lines.append((grouped_date, grouped_date, "", GROUPED, grouped))
    for d, ref, desc, amount in BANK_ONLY:
        lines.append((d, d, ref, desc, amount))
    # Statement order: by date, the bank's credits before its debits on a day.
    lines.sort(key=lambda x: (x[0], x[4] < 0))
    return lines


def workbook(ordered, bank, resolved_qty):
    """The statement as XLSX bytes (deterministic)."""
    header = ["Date opération", "Date valeur", "Référence", "Libellé de l'opération", "Débit",
              "Crédit", "Solde"]
    rows = {
        1: [("s", "BANQUE DE DÉVELOPPEMENT DU MALI (BDM-SA) - Agence principale, Bamako",
             "title")],
        2: [("s", "Relevé de compte - exercice 2017", "note")],
        3: [("s", "Titulaire : Comité national de coordination de la lutte contre la traite "
                  "des personnes", "default")],
        4: [("s", "Compte n° ML016 01201 020400012345 67 - XOF - "
                  "période du 01/01/2017 au 31/12/2017", "default")],
        6: [("s", h, "header") for h in header],
        7: [None, None, None, ("s", "Solde au 31/12/2016", "header"), None,
            ("n", 0, "amount"), ("n", 0, "amount")],
    }

    def balance_row(r, label, balance):
        debit, credit = (None, ("n", balance, "amount")) if balance >= 0 else \
            (("n", -balance, "amount"), None)
        rows[r] = [None, None, None, ("s", label, "header"), debit, credit,
                   ("n", balance, "amount")]

    lines = movements(ordered, bank, resolved_qty)
    r = 8
    first = r
    balance = 0
    month = 1
    for i, (d, value, ref, desc, amount) in enumerate(lines):
        while d.month != month:
            balance_row(r, "Solde au %s" % month_end(date(2017, month, 1)).strftime("%d/%m/%Y"),
                        balance)
            r += 1
            month += 1
        balance += amount
        # As banks export them: most dates are date cells, some text; one amount is
        # text with no-break spaces between thousands.
        day = ("s", d.strftime("%d/%m/%Y"), "default") if i % 17 == 5 else ("d", d, "date")
        cell = ("n", abs(amount), "amount")
        if desc.startswith("INTERETS"):
            cell = ("s", "{:,}".format(abs(amount)).replace(",", "\u00a0"), "default")
        debit, credit = (cell, None) if amount < 0 else (None, cell)
        rows[r] = [day, ("d", value, "date"), ("s", ref, "default") if ref else None,
                   ("s", desc, "default"), debit, credit, ("n", balance, "amount")]
        r += 1
    last = r - 1
    while month <= 12:
        balance_row(r, "Solde au %s" % month_end(date(2017, month, 1)).strftime("%d/%m/%Y"),
                    balance)
        r += 1
        month += 1
    debits = -sum(x[4] for x in lines if x[4] < 0)
    credits = sum(x[4] for x in lines if x[4] > 0)
    rows[r] = [None, None, None, ("s", "Total des mouvements 2017", "header"),
               ("f", "SUMIF(A%d:A%d,\"<>\",E%d:E%d)" % (first, last, first, last), debits,
                "amount"),
               ("f", "SUMIF(A%d:A%d,\"<>\",F%d:F%d)" % (first, last, first, last), credits,
                "amount"), None]
    return wbk.xlsx("Relevé 2017", rows, [14, 12, 14, 70, 14, 14, 16], merges=["A1:G1"])
