"""Sample spreadsheets for `fundledger import`, and the journal text its importer writes
for their rows.  Used by mali_sample.py; standard library only.

Two workbooks, in the two layouts of templates/import/:

  depenses-atelier-2017.xlsx   French expenditure ledger of the Bamako workshop
                               (sheet "Dépenses": title block, header on row 4,
                               Date | N° pièce | Libellé | Ligne budgétaire | Bailleur |
                               Activité | Montant (FCFA), a TOTAL row with a formula)
  releve-bdm-2017-12.xlsx      annotated extract of the bank statement of December
                               (sheet "Relevé": bank title block, header on row 6,
                               Débit/Crédit columns, balance and totals rows)

The files are written byte for byte the same on every run (zip entries stored, fixed
timestamps), so their SHA-256 - which names their copy in sources/ and appears in
every imported transaction's `source:` tag - is stable.

The journal text reproduces fundledger's importer exactly (src/import/render.rs with
the canonical printer src/render/journal.rs, and the import key of src/import/key.rs):

  DATE * (VOUCHER) DESCRIPTION
      ; source: sources/<first 16 hex of sha256>.xlsx#Sheet!A<row>
      ; import-key: <first 24 hex of sha256("fundledger-import-v1␟date␟voucher␟amount␟line␟n")>
      EXPENSE-ACCOUNT   AMOUNT XOF        (one per donor share, in the line's share order)
      ; donor: D
      ; line: L
      ; activity: A
      PAYMENT-ACCOUNT  -AMOUNT XOF        (one per donor, same order)
      ; donor: D

Accounts padded to the longest account of the transaction (at least 36) plus two
spaces, amounts right-aligned in 16 columns.
"""
import hashlib
import zipfile
from datetime import date

KEY_PREFIX = "fundledger-import-v1"


# --------------------------------------------------------------------------
# A minimal, deterministic XLSX writer
# --------------------------------------------------------------------------

STYLE = {"default": 0, "date": 1, "amount": 2, "header": 3, "title": 4, "note": 5}

STYLES_XML = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
    '<numFmts count="1"><numFmt numFmtId="164" formatCode="dd/mm/yyyy"/></numFmts>'
    '<fonts count="4"><font><sz val="11"/><name val="Calibri"/></font>'
    '<font><b/><sz val="11"/><name val="Calibri"/></font>'
    '<font><b/><sz val="14"/><name val="Calibri"/></font>'
    '<font><i/><sz val="11"/><name val="Calibri"/></font></fonts>'
    '<fills count="2"><fill><patternFill patternType="none"/></fill>'
    '<fill><patternFill patternType="gray125"/></fill></fills>'
    '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
    '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
    '<cellXfs count="6">'
    '<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
    '<xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
    '<xf numFmtId="3" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
    '<xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/>'
    '<xf numFmtId="0" fontId="2" fillId="0" borderId="0" xfId="0" applyFont="1"/>'
    '<xf numFmtId="0" fontId="3" fillId="0" borderId="0" xfId="0" applyFont="1"/>'
    '</cellXfs><cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
    '</styleSheet>')


def col_letters(i):
    s = ""
    i += 1
    while i:
        i, r = divmod(i - 1, 26)
        s = chr(65 + r) + s
    return s


def esc(text):
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def excel_serial(d):
    return (d - date(1899, 12, 30)).days


def cell_xml(ref, cell):
    """cell: ("s", text, style) | ("n", number, style) | ("d", date, style)
    | ("f", formula, cached number, style)."""
    kind = cell[0]
    style = STYLE[cell[-1]]
    s = ' s="%d"' % style if style else ""
    if kind == "s":
        return '<c r="%s"%s t="inlineStr"><is><t>%s</t></is></c>' % (ref, s, esc(cell[1]))
    if kind == "n":
        return '<c r="%s"%s><v>%d</v></c>' % (ref, s, cell[1])
    if kind == "d":
        return '<c r="%s"%s><v>%d</v></c>' % (ref, s, excel_serial(cell[1]))
    if kind == "f":
        return '<c r="%s"%s><f>%s</f><v>%d</v></c>' % (ref, s, esc(cell[1]), cell[2])
    raise ValueError(kind)


def xlsx(sheet_name, rows, widths, merges=()):
    """A one-sheet workbook. rows: {row number (1-based): [cell or None, ...]}."""
    last_row = max(rows)
    last_col = max(len(r) for r in rows.values()) - 1
    sheet = ['<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
             '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
             'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
             '<dimension ref="A1:%s%d"/>' % (col_letters(last_col), last_row),
             '<sheetViews><sheetView workbookViewId="0"/></sheetViews>'
             '<sheetFormatPr defaultRowHeight="15"/><cols>']
    for i, w in enumerate(widths):
        sheet.append('<col min="%d" max="%d" width="%d" customWidth="1"/>' % (i + 1, i + 1, w))
    sheet.append('</cols><sheetData>')
    for r in sorted(rows):
        cells = "".join(cell_xml("%s%d" % (col_letters(c), r), cell)
                        for c, cell in enumerate(rows[r]) if cell is not None)
        sheet.append('<row r="%d">%s</row>' % (r, cells))
    sheet.append('</sheetData>')
    if merges:
        sheet.append('<mergeCells count="%d">%s</mergeCells>'
                     % (len(merges), "".join('<mergeCell ref="%s"/>' % m for m in merges)))
    sheet.append('<pageMargins left="0.7" right="0.7" top="0.75" bottom="0.75" '
                 'header="0.3" footer="0.3"/></worksheet>')
    parts = [
        ("[Content_Types].xml",
         '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
         '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
         '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
         '<Default Extension="xml" ContentType="application/xml"/>'
         '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
         '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
         '<Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>'
         '</Types>'),
        ("_rels/.rels",
         '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
         '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
         '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>'
         '</Relationships>'),
        ("xl/workbook.xml",
         '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
         '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
         'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
         '<bookViews><workbookView/></bookViews><sheets><sheet name="%s" sheetId="1" r:id="rId1"/>'
         '</sheets></workbook>' % esc(sheet_name)),
        ("xl/_rels/workbook.xml.rels",
         '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
         '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
         '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>'
         '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/>'
         '</Relationships>'),
        ("xl/styles.xml", STYLES_XML),
        ("xl/worksheets/sheet1.xml", "".join(sheet)),
    ]
    import io
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_STORED) as z:
        for name, text in parts:
            info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
            info.create_system = 3
            info.external_attr = 0o644 << 16
            z.writestr(info, text.encode("utf-8"))
    return buf.getvalue()


# --------------------------------------------------------------------------
# What the importer writes
# --------------------------------------------------------------------------

def digest16(data):
    return hashlib.sha256(data).hexdigest()[:16]


def import_key(d, voucher, amount, line, occurrence):
    text = "\x1f".join([KEY_PREFIX, d.isoformat(), voucher, str(amount), line, str(occurrence)])
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:24]


def grouped(q):
    sign = "-" if q < 0 else ""
    return sign + "{:,}".format(abs(q))


def render(t, source_ref, key):
    """One imported transaction as the canonical printer writes it (after a blank line)."""
    width = max([36] + [len(p.account) for p in t.postings])
    lines = ["", "%s * (%s) %s" % (t.date.isoformat(), t.code, t.desc.replace(";", ",")),
             "    ; source: %s" % source_ref, "    ; import-key: %s" % key]
    for p in t.postings:
        amount = "%s XOF" % grouped(p.qty)
        lines.append("    %s%s%16s" % (p.account, " " * (width - len(p.account) + 2), amount))
        for k in ("donor", "line", "activity"):
            v = dict(p.tags).get(k)
            if v is not None:
                lines.append("    ; %s: %s" % (k, v))
    return "\n".join(lines) + "\n"


def rows_of(t):
    """(line, activity, amount, expense account, payment account, donor shares) of a
    one-line expense transaction, checked to be what the importer would make."""
    expenses = [p for p in t.postings if p.account.startswith("expenses:")]
    payments = [p for p in t.postings if not p.account.startswith("expenses:")]
    lines = {dict(p.tags)["line"] for p in expenses}
    activities = {dict(p.tags).get("activity") for p in expenses}
    accounts = {p.account for p in expenses}
    pay_accounts = {p.account for p in payments}
    assert len(lines) == len(accounts) == len(activities) == len(pay_accounts) == 1, t.desc
    assert [dict(p.tags)["donor"] for p in expenses] == [dict(p.tags)["donor"] for p in payments]
    assert all(q.qty == -p.qty for p, q in zip(expenses, payments)), t.desc
    return (lines.pop(), activities.pop(), sum(p.qty for p in expenses), accounts.pop(),
            pay_accounts.pop())


def workbook_depenses(txns, template):
    """Layout 1: the workshop's expenditure ledger."""
    header = ["Date", "N° pièce", "Libellé", "Ligne budgétaire", "Bailleur", "Activité",
              "Montant (FCFA)"]
    rows = {
        1: [("s", "Atelier de renforcement des capacités du Comité - Bamako, "
                  "30 octobre - 2 novembre 2017", "title")],
        2: [("s", "Dépenses payées par banque (BDM, compte projet XOF) - état au 10/11/2017",
             "note")],
        4: [("s", h, "header") for h in header],
    }
    placed = []
    r = 5
    for i, t in enumerate(txns):
        line, activity, amount, account, payment = rows_of(t)
        assert template["expense_accounts"][line] == account, (line, account)
        assert template["transactions"]["payment_account"] == payment
        # As people type them: most dates are date cells, one is text; one amount is
        # text with no-break spaces; shared costs leave Bailleur empty or say so.
        day = ("s", t.date.strftime("%d/%m/%Y"), "default") if i == 3 else ("d", t.date, "date")
        amt = (("s", "{:,}".format(amount).replace(",", "\u00a0"), "default") if i == 5
               else ("n", amount, "amount"))
        donor = ("s", "Clé budgétaire", "default") if i % 4 == 1 else None
        rows[r] = [day, ("s", t.code, "default"), ("s", t.desc, "default"), ("s", line, "default"),
                   donor, ("s", activity, "default"), amt]
        placed.append((t, r, amount, line))
        r += 1
    total = sum(a for _, _, a, _ in placed)
    rows[r + 1] = [None, None, ("s", "TOTAL", "header"), None, None, None,
                   ("f", "SUM(G5:G%d)" % (r - 1), total, "amount")]
    data = xlsx("Dépenses", rows, [12, 14, 70, 10, 16, 9, 16], merges=["A1:G1"])
    return data, "Dépenses", placed


def workbook_releve(txns, opening, template):
    """Layout 2: the December bank statement, annotated with lines and activities."""
    header = ["Date opération", "Référence", "Libellé de l'opération", "Ligne budgétaire",
              "Activité", "Débit", "Crédit"]
    rows = {
        1: [("s", "BANQUE DE DÉVELOPPEMENT DU MALI (BDM-SA) - Agence principale, Bamako",
             "title")],
        2: [("s", "Relevé de compte (extrait annoté par la comptabilité du projet)", "note")],
        3: [("s", "Titulaire : Comité national de coordination de la lutte contre la traite "
                  "des personnes", "default")],
        4: [("s", "Compte n° ML016 01201 020400012345 67 - XOF - "
                  "période du 01/12/2017 au 31/12/2017", "default")],
        6: [("s", h, "header") for h in header],
        7: [None, None, ("s", "Solde au 30/11/2017", "header"), None, None, None,
            ("n", opening, "amount")],
    }
    placed = []
    r = 8
    for t in txns:
        line, activity, amount, account, payment = rows_of(t)
        assert template["expense_accounts"][line] == account, (line, account)
        assert template["transactions"]["payment_account"] == payment
        rows[r] = [("d", t.date, "date"), ("s", t.code, "default"), ("s", t.desc, "default"),
                   ("s", line, "default"),
                   ("s", activity, "default") if activity else None,
                   ("n", amount, "amount"), None]
        placed.append((t, r, amount, line))
        r += 1
    debits = sum(a for _, _, a, _ in placed)
    rows[r] = [None, None, ("s", "Total des mouvements", "header"), None, None,
               ("f", "SUM(F8:F%d)" % (r - 1), debits, "amount"),
               ("f", "SUM(G8:G%d)" % (r - 1), 0, "amount")]
    rows[r + 1] = [None, None, ("s", "Solde au 31/12/2017", "header"), None, None, None,
                   ("n", opening - debits, "amount")]
    data = xlsx("Relevé", rows, [14, 14, 70, 10, 9, 14, 14], merges=["A1:G1"])
    return data, "Relevé", placed


def imported_text(data, sheet, placed):
    """The journal text the importer appends for a workbook's rows."""
    src = "sources/%s.xlsx" % digest16(data)
    seen = {}
    out = []
    for t, row, amount, line in placed:
        content = (t.date, t.code, amount, line)
        seen[content] = seen.get(content, 0) + 1
        key = import_key(t.date, t.code, amount, line, seen[content])
        out.append(render(t, "%s#%s!A%d" % (src, sheet, row), key))
    return "".join(out)
