#!/usr/bin/env python3
"""Generate the fundledger sample ledger ``ledgers/mali-ctip-2017/``.

Story (shared/seed): UNODC and OHCHR support to Mali's National Coordination
Committee against trafficking in persons, year 2017.  Funds: European Union and
Germany (GLO.ACT, EUR), the Netherlands (joint UNODC-OHCHR project, EUR), the
UNODC Sahel Programme (USD) and the Government of Mali (200,000,000 XOF).
Capacity-building workshop in Bamako, 30 October - 2 November 2017.

Writes three files (run from anywhere; paths are relative to the repo root):

    ledgers/mali-ctip-2017/project.toml
    ledgers/mali-ctip-2017/books.journal
    ledgers/mali-ctip-2017/prices.journal

Everything is hand-specified in the tables below, except small monthly
variations (fuel, supplies, utilities) drawn from ``random.Random(SEED)``, so
re-running gives byte-identical files.  Standard library only.

Journal subset (see shared/journal-compat.md): ``decimal-mark .``, declared
commodities/tags/accounts, ``YYYY-MM-DD * (CODE) description``, postings
indented 4 spaces, >= 4 spaces before the amount, ``1,234,567 XOF``,
``12,000.00 EUR @ 655.957 XOF``, one ``; key: value`` tag per comment line,
balance assertions ``0 XOF = N XOF`` in one-posting transactions.

Fund accounting: every transaction balances within each fund (tag ``donor``);
shared costs are split over the line's shares by largest remainder, whole
francs, ties broken by the order of the line's shares.

The generator asserts its own invariants before writing anything (see
``check_all``) and prints a short summary on stdout.

Planted for the auditor's toolkit (``fundledger check --audit`` and ``reconcile``):
besides the budget flags (line 3.2 over budget, Germany's January charges before its
eligibility period, the EU beyond its ceiling) and the Sunday DSA payment of the
workshop, ``build_audit_plantings`` adds a water bill entered twice under one voucher, a
television programme charged a second time to the Government alone (double funding,
under a Treasury voucher), a purchase without a voucher number and a cash payment above
the ``[audit] cash_limit``; ``build_deposit_in_transit`` a cash deposit the bank credits
after the year end. ``mali_statement.py`` writes the bank's statement for the year
(``sources/releve-bdm-2017.xlsx``) with every kind of reconciling item.

``python3 mali_sample.py --clean DIR`` writes instead, to DIR, the same books without
any of these anomalies (no plantings, the DSA paid on the Friday, line 3.2's budget
raised from line 6.3's, Germany's eligibility from January, the EU ceiling at 25,000
EUR, no imported rows): the clean copy on which ``check --audit`` must find nothing
(tests/data/audit/clean-sample/).
"""
import os
import random
import sys
import tomllib
from datetime import date, timedelta
from fractions import Fraction

SEED = 2017
ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
OUT_DIR = os.path.join(ROOT, "ledgers", "mali-ctip-2017")
TEMPLATES = os.path.join(ROOT, "templates", "import")
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
sys.dont_write_bytecode = True
import mali_workbooks  # noqa: E402
import mali_statement  # noqa: E402

# Set by `--clean DIR`: the books without the audit plantings (see the docstring).
CLEAN = False

# --------------------------------------------------------------------------
# Project, commodities, donors, activities
# --------------------------------------------------------------------------

PROJECT = {
    "beneficiary": "Comité national de coordination de la lutte contre la traite des "
                   "personnes et les pratiques assimilées (CNLTP), Bamako, Mali - appui ONUDC-HCDH",
    "code": "MLI-CTIP-2017",
    "name_fr": "Appui au Comité national de coordination de la lutte contre la traite "
               "des personnes (Mali)",
    "name_en": "Support to Mali's National Coordination Committee against Trafficking "
               "in Persons",
    "currency": "XOF",
    "start": date(2017, 1, 1),
    "end": date(2017, 12, 31),
    "journal": "books.journal",
    "country": "ML",
}

# How the project is published to IATI (`fundledger export --format iati`). UNODC's
# publisher id follows the XM-DAC rule from its CRS channel code 41128 (see
# shared/domain.md 6); the donors' ids are those of the IATI code lists.
IATI = {
    "identifier": "XM-DAC-41128-MLI-CTIP-2017",
    "status": 3,
    "reporting_org": ("XM-DAC-41128", "40",
                      "Office des Nations Unies contre la drogue et le crime (ONUDC)",
                      "United Nations Office on Drugs and Crime (UNODC)"),
    "implementing_org": (None, "10",
                         "Comité national de coordination de la lutte contre la traite des "
                         "personnes et les pratiques assimilées (CNLTP)",
                         "National Committee against Trafficking in Persons and Related "
                         "Practices (CNLTP)"),
    "sectors": [("1", "15130", 60), ("1", "15160", 40)],
    "donors": [("EU", "XI-IATI-EC_DEVCO", "40"), ("DE", "XM-DAC-5-7", "10"),
               ("NL", "XM-DAC-7", "10"), ("UNODC", "XM-DAC-41128", "40"),
               ("GOV", None, "10")],
}

COMMODITIES = [  # code, precision, name
    ("XOF", 0, "Franc CFA (BCEAO)"),
    ("EUR", 2, "Euro"),
    ("USD", 2, "Dollar des États-Unis"),
]

EUR_RATE = "655.957"  # fixed parity, XOF per EUR

# UN operational rate of exchange, XOF per USD, by month of 2017.
USD_RATES = {
    1: "617.285", 2: "618.450", 3: "614.930", 4: "612.375", 5: "605.250",
    6: "587.500", 7: "576.125", 8: "563.875", 9: "561.250", 10: "560.375",
    11: "565.500", 12: "563.625",
}

# id, name_fr, name_en, currency, income account
DONORS = [
    ("EU", "Union européenne (GLO.ACT)", "European Union (GLO.ACT)", "EUR",
     "income:71-subventions:7182-ue"),
    ("DE", "Allemagne (GLO.ACT)", "Germany (GLO.ACT)", "EUR",
     "income:71-subventions:7182-allemagne"),
    ("NL", "Pays-Bas (projet conjoint ONUDC-HCDH)",
     "Netherlands (joint UNODC-OHCHR project)", "EUR",
     "income:71-subventions:7182-pays-bas"),
    ("UNODC", "ONUDC - Programme Sahel", "UNODC Sahel Programme", "USD",
     "income:71-subventions:7182-onudc"),
    ("GOV", "Gouvernement du Mali (allocation budgétaire 2017)",
     "Government of Mali (2017 budget allocation)", "XOF",
     "income:71-subventions:7181-etat"),
]
DONOR_IDS = [d[0] for d in DONORS]
INCOME_ACCOUNT = {d[0]: d[4] for d in DONORS}
DONOR_CURRENCY = {d[0]: d[3] for d in DONORS}

ACTIVITIES = [
    ("A1", "Atelier de renforcement des capacités du Comité (Bamako, 30 octobre - "
           "2 novembre 2017)",
     "Capacity-building workshop for the Committee (Bamako, 30 October - "
     "2 November 2017)"),
    ("A2", "Élaboration et validation de la feuille de route du Comité",
     "Drafting and validation of the Committee's road map"),
    ("A3", "Coordination, sessions du Comité et fonctionnement du Secrétariat permanent",
     "Coordination, Committee sessions and Permanent Secretariat operations"),
    ("A4", "Manuels de formation adaptés au contexte malien et sensibilisation",
     "Training manuals adapted to the Malian context and public awareness"),
    ("A5", "Missions de suivi du Plan d'action national dans les régions",
     "Monitoring missions of the National Action Plan in the regions"),
    ("A6", "Assistance et protection des victimes de la traite",
     "Assistance to and protection of trafficking victims"),
]

# --------------------------------------------------------------------------
# Accounts (SYSCOHADA-flavoured, domain.md 7.1)
# --------------------------------------------------------------------------

ACCOUNTS = {
    "bank": "assets:bank:bdm-xof",            # 5211 banque locale, compte projet XOF
    "eur": "assets:bank:eur",                 # 5215 compte en devises EUR
    "usd": "assets:bank:usd",                 # 5215 compte en devises USD
    "cash": "assets:cash:caisse",             # 5711 caisse
    "carburant": "expenses:60-achats:6042-carburant",
    "fournitures": "expenses:60-achats:6047-fournitures-bureau",
    "eau-elec": "expenses:60-achats:6052-eau-electricite",
    "materiel": "expenses:60-achats:6058-materiels-equipements",
    "voyages": "expenses:61-transports:6181-voyages",
    "locations": "expenses:62-services-exterieurs:6222-locations",
    "entretien": "expenses:62-services-exterieurs:624-entretien",
    "annonces": "expenses:62-services-exterieurs:6271-annonces-insertions",
    "publications": "expenses:62-services-exterieurs:6275-publications",
    "seminaires": "expenses:62-services-exterieurs:6277-seminaires",
    "telecom": "expenses:62-services-exterieurs:628-telecommunications",
    "frais-bancaires": "expenses:63-services-exterieurs:631-frais-bancaires",
    # programme support costs (PSC) charged by UNODC on eligible direct costs,
    # owed to its headquarters until settled
    "psc": "expenses:65-autres-charges:6581-couts-indirects-psc",
    "psc-due": "liabilities:45-organismes-internationaux:4581-onudc-psc-a-reverser",
    "honoraires": "expenses:63-services-exterieurs:632-honoraires",
    "receptions": "expenses:63-services-exterieurs:6383-receptions",
    "missions": "expenses:63-services-exterieurs:6384-missions",
    "divers": "expenses:65-autres-charges:658-charges-diverses",
    "salaires": "expenses:66-personnel:661-remunerations",
    "indemnites": "expenses:66-personnel:663-indemnites",
    "charges-sociales": "expenses:66-personnel:664-charges-sociales",
}
ASSET_ACCOUNTS = [ACCOUNTS[k] for k in ("bank", "eur", "usd", "cash")]

# --------------------------------------------------------------------------
# Budget lines: code, name_fr, name_en, amount XOF, shares (in donor order),
# activities (None = no restriction)
# --------------------------------------------------------------------------

LINES = [
    ("1.1", "Salaires du personnel national du Secrétariat permanent",
     "National staff salaries (Permanent Secretariat)",
     72_000_000, {"GOV": 100}, ["A3"]),
    ("1.2", "Charges sociales patronales (INPS, AMO)",
     "Employer social security contributions (INPS, AMO)",
     14_700_000, {"GOV": 100}, ["A3"]),
    ("1.3", "Indemnités de session des membres du Comité",
     "Sitting allowances of Committee members",
     6_500_000, {"GOV": 100}, ["A2", "A3"]),
    ("1.4", "Assistant technique national (appui ONUDC au Secrétariat)",
     "National technical assistant (UNODC support to the Secretariat)",
     9_600_000, {"UNODC": 100}, ["A3"]),
    ("2.1", "Billets d'avion des délégations et experts (atelier)",
     "Air tickets of delegations and experts (workshop)",
     2_200_000, {"EU": 50, "NL": 50}, ["A1"]),
    ("2.2", "Indemnités journalières et hébergement des délégations et experts",
     "Daily subsistence allowance and lodging of delegations and experts",
     3_400_000, {"EU": 40, "DE": 30, "NL": 30}, ["A1"]),
    ("2.3", "Missions de suivi dans les régions",
     "Monitoring missions in the regions",
     13_000_000, {"UNODC": 30, "GOV": 70}, ["A5"]),
    ("2.4", "Carburant et déplacements locaux",
     "Fuel and local transport",
     5_400_000, {"UNODC": 20, "GOV": 80}, None),
    ("3.1", "Location de salle et matériel de conférence (atelier)",
     "Venue and conference equipment hire (workshop)",
     2_400_000, {"EU": 40, "DE": 20, "NL": 40}, ["A1"]),
    ("3.2", "Restauration et pauses-café de l'atelier",
     "Workshop catering and coffee breaks",
     3_000_000, {"EU": 50, "NL": 50}, ["A1"]),
    ("3.3", "Per diem des participants à l'atelier",
     "Per diem of workshop participants",
     6_000_000, {"EU": 30, "DE": 30, "NL": 20, "UNODC": 20}, ["A1"]),
    ("3.4", "Sessions du Comité et réunions de coordination",
     "Committee sessions and coordination meetings",
     4_500_000, {"UNODC": 40, "GOV": 60}, ["A2", "A3"]),
    ("3.5", "Interprétation simultanée français-anglais (atelier)",
     "French-English simultaneous interpretation (workshop)",
     2_200_000, {"NL": 100}, ["A1"]),
    ("4.1", "Matériel informatique et bureautique",
     "IT and office equipment",
     5_000_000, {"UNODC": 60, "GOV": 40}, ["A3"]),
    ("4.2", "Fournitures de bureau et consommables",
     "Office supplies and consumables",
     3_000_000, {"GOV": 100}, None),
    ("4.3", "Véhicule de liaison (pick-up double cabine)",
     "Liaison vehicle (double-cab pick-up)",
     23_000_000, {"GOV": 100}, None),
    ("5.1", "Loyer des bureaux du Secrétariat permanent",
     "Office rent (Permanent Secretariat)",
     15_000_000, {"GOV": 100}, ["A3"]),
    ("5.2", "Eau et électricité",
     "Water and electricity",
     3_300_000, {"GOV": 100}, None),
    ("5.3", "Internet et téléphone",
     "Internet and telephone",
     2_000_000, {"UNODC": 30, "GOV": 70}, None),
    ("5.4", "Entretien, nettoyage et gardiennage des locaux",
     "Office maintenance, cleaning and security",
     2_800_000, {"GOV": 100}, None),
    ("6.1", "Consultant national - feuille de route du Comité",
     "National consultant - road map of the Committee",
     6_000_000, {"EU": 60, "DE": 40}, ["A2"]),
    ("6.2", "Impression des manuels de formation adaptés au contexte malien",
     "Printing of training manuals adapted to the Malian context",
     3_000_000, {"DE": 50, "NL": 50}, ["A4"]),
    ("6.3", "Campagnes de sensibilisation (radio, affiches, caravane)",
     "Awareness campaigns (radio, posters, caravan)",
     20_000_000, {"EU": 30, "UNODC": 20, "GOV": 50}, ["A4"]),
    ("6.4", "Assistance aux victimes (prise en charge et retour)",
     "Victim assistance (care and return)",
     38_000_000, {"NL": 40, "GOV": 60}, ["A6"]),
    ("7.1", "Frais bancaires et commissions",
     "Bank charges and commissions",
     450_000, {"EU": 15, "DE": 10, "NL": 15, "UNODC": 15, "GOV": 45}, None),
    ("8.1", "Coûts indirects d'appui au programme (PSC)",
     "Programme support costs (PSC)",
     4_900_000, {"EU": 24, "DE": 10, "NL": 66}, None),
]
PSC_LINE = "8.1"

# Each line's category in the donors' report formats (templates/donors/*.toml):
# EU heading, UNDG category, Netherlands and GLO.ACT categories.
CATEGORIES = {
    "1.1": ("1", "1", "1", "1"), "1.2": ("1", "1", "1", "1"), "1.3": ("1", "1", "2", "4"),
    "1.4": ("1", "1", "1", "2"), "2.1": ("2", "5", "3", "3"), "2.2": ("1", "5", "3", "3"),
    "2.3": ("2", "5", "3", "3"), "2.4": ("2", "5", "6", "6"), "3.1": ("5", "4", "2", "4"),
    "3.2": ("5", "4", "2", "4"), "3.3": ("1", "5", "2", "4"), "3.4": ("5", "7", "2", "4"),
    "3.5": ("5", "4", "2", "4"), "4.1": ("3", "3", "6", "5"), "4.2": ("4", "2", "6", "6"),
    "4.3": ("3", "3", "6", "5"), "5.1": ("4", "7", "6", "6"), "5.2": ("4", "7", "6", "6"),
    "5.3": ("4", "7", "6", "6"), "5.4": ("4", "4", "6", "6"), "6.1": ("5", "4", "2", "2"),
    "6.2": ("5", "4", "4", "5"), "6.3": ("6", "4", "4", "6"), "6.4": ("6", "6", "5", "6"),
    "7.1": ("5", "7", "6", "6"), "8.1": ("8", "8", "7", "7"),
}
CATEGORY_SCHEMES = ("eu", "undg", "netherlands", "glo-act")

# Budget revisions: line -> [(date, new amount, note)] (shares unchanged).
REVISION_NOTE = "Révision budgétaire n°1 - comité de pilotage du 3 juillet 2017"
REVISIONS = {
    "2.3": [(date(2017, 7, 3), 11_000_000, REVISION_NOTE)],
    "6.4": [(date(2017, 7, 3), 40_000_000, REVISION_NOTE)],
}

# What each donor signed. EU: 25,000 EUR were transferred against a 24,000 EUR
# ceiling, and direct costs plus 7 % PSC exceed it (a planted CEIL flag). Germany's
# agreement starts in March, after January's bank commissions (ELIG). The
# Netherlands allow 10 % per line, which the workshop catering exceeds (FLEX).
AGREEMENTS = [
    {"reference": "DCI-MIGR/2015/371-546/MLI", "donor": "EU", "currency": "EUR",
     "ceiling": "24000.00", "start": date(2017, 1, 1), "end": date(2017, 12, 31),
     "template": "eu", "currency_rule": "peg",
     "tranches": [(date(2017, 1, 10), "15000.00"), (date(2017, 7, 10), "9000.00")],
     "psc": ("7", ["expenses"]), "flexibility": ("25", "heading")},
    {"reference": "AA-GLOACT-2017-07", "donor": "DE", "currency": "EUR",
     "ceiling": "12000.00", "start": date(2017, 3, 1), "end": date(2017, 12, 31),
     "template": "glo-act", "currency_rule": "peg",
     "tranches": [(date(2017, 1, 11), "6000.00"), (date(2017, 7, 11), "6000.00")],
     "psc": ("7", ["expenses"]), "flexibility": ("20", "line")},
    {"reference": "NL-MFA-28763", "donor": "NL", "currency": "EUR",
     "ceiling": "40000.00", "start": date(2017, 1, 1), "end": date(2018, 6, 30),
     "template": "netherlands", "currency_rule": "received",
     "tranches": [(date(2017, 1, 10), "25000.00"), (date(2017, 8, 1), "15000.00")],
     "psc": ("13", ["expenses"]), "flexibility": ("10", "line")},
    {"reference": "UNODC-XAWZ28-SAHEL", "donor": "UNODC", "currency": "USD",
     "ceiling": "45000.00", "start": date(2017, 1, 1), "end": date(2017, 12, 31),
     "template": "undg", "currency_rule": "monthly",
     "tranches": [(date(2017, 1, 9), "30000.00"), (date(2017, 6, 1), "15000.00")],
     "psc": None, "flexibility": ("20", "heading")},
    {"reference": "MLI-2017-0211-PM", "donor": "GOV", "currency": "XOF",
     "ceiling": "200000000", "start": date(2017, 1, 1), "end": date(2017, 12, 31),
     "template": "face", "currency_rule": None,
     "tranches": [], "psc": None, "flexibility": None},
]
PSC_DATE = date(2017, 12, 31)

# What `check --audit` is told (`[audit]` in project.toml): the workshop's per diem
# days (1,400,000 XOF) are paid in cash within the limit.
AUDIT = {"cash_limit": 1_500_000, "cash_accounts": ["assets:cash"]}
LINE = {l[0]: {"name_fr": l[1], "name_en": l[2], "amount": l[3],
               "shares": list(l[4].items()), "activities": l[5]} for l in LINES}
OVERSPENT_LINE = "3.2"

# --------------------------------------------------------------------------
# Receipts and conversions
# --------------------------------------------------------------------------

# (date, donor, amount in the donor's currency as a string, description)
RECEIPTS = [
    (date(2017, 1, 5), "GOV", "70000000",
     "Virement du Trésor public - allocation 2017 du Comité, 1re tranche"),
    (date(2017, 1, 9), "UNODC", "30000.00",
     "Virement ONUDC Programme Sahel - 1re tranche"),
    (date(2017, 1, 10), "EU", "15000.00",
     "Virement ONUDC GLO.ACT fonds Union européenne - 1re tranche"),
    (date(2017, 1, 10), "NL", "25000.00",
     "Virement projet conjoint ONUDC-HCDH fonds Pays-Bas - 1re tranche"),
    (date(2017, 1, 11), "DE", "6000.00",
     "Virement ONUDC GLO.ACT fonds Allemagne - 1re tranche"),
    (date(2017, 4, 11), "GOV", "60000000",
     "Virement du Trésor public - allocation 2017 du Comité, 2e tranche"),
    (date(2017, 6, 14), "UNODC", "15000.00",
     "Virement ONUDC Programme Sahel - 2e tranche"),
    (date(2017, 7, 6), "EU", "10000.00",
     "Virement ONUDC GLO.ACT fonds Union européenne - 2e tranche"),
    (date(2017, 7, 7), "DE", "6000.00",
     "Virement ONUDC GLO.ACT fonds Allemagne - 2e tranche"),
    (date(2017, 7, 12), "GOV", "40000000",
     "Virement du Trésor public - allocation 2017 du Comité, 3e tranche"),
    (date(2017, 8, 10), "NL", "15000.00",
     "Virement projet conjoint ONUDC-HCDH fonds Pays-Bas - 2e tranche"),
    (date(2017, 10, 10), "GOV", "30000000",
     "Virement du Trésor public - allocation 2017 du Comité, 4e tranche"),
]

# (date, donor, amount in foreign currency sold); rate = EUR parity or the
# UN operational rate of the conversion month.
CONVERSIONS = [
    (date(2017, 1, 13), "EU", "6000.00"),
    (date(2017, 1, 13), "NL", "8000.00"),
    (date(2017, 1, 13), "DE", "1000.00"),
    (date(2017, 1, 13), "UNODC", "12000.00"),
    (date(2017, 2, 15), "NL", "6000.00"),
    (date(2017, 4, 7), "UNODC", "10000.00"),
    (date(2017, 5, 3), "NL", "5000.00"),
    (date(2017, 6, 12), "EU", "5000.00"),
    (date(2017, 6, 12), "DE", "4000.00"),
    (date(2017, 7, 19), "UNODC", "8000.00"),
    (date(2017, 7, 20), "EU", "8000.00"),
    (date(2017, 8, 16), "NL", "10000.00"),
    (date(2017, 9, 5), "DE", "6000.00"),
    (date(2017, 9, 20), "UNODC", "15000.00"),
    (date(2017, 10, 18), "NL", "8000.00"),
    (date(2017, 10, 18), "EU", "6000.00"),
]
CONVERSION_COMMISSION = 10_000  # XOF, bank commission per conversion, line 7.1

MONTHS_FR = ["janvier", "février", "mars", "avril", "mai", "juin", "juillet",
             "août", "septembre", "octobre", "novembre", "décembre"]

# --------------------------------------------------------------------------
# Recurring costs
# --------------------------------------------------------------------------

PAYROLL = 5_950_000            # net monthly payroll, 10 agents (line 1.1)
SOCIAL_CHARGES = 1_213_800     # employer INPS + AMO per month (line 1.2)
ASSISTANT_SALARY = 800_000     # UNODC-funded technical assistant from February (1.4)
RENT = 1_250_000               # monthly office rent (5.1)
SECURITY = 175_000             # monthly security contract (5.4)
INTERNET = 89_000              # monthly internet subscription (5.3)
PHONE_CREDIT = 45_000          # monthly phone credit, cash (5.3)
ACCOUNT_FEE = 7_500            # monthly account keeping fee (7.1)
# EDM electricity bill by month (hot season peak in April-May)
ELECTRICITY = [146_000, 161_000, 212_000, 268_000, 287_000, 243_000,
               191_000, 176_000, 186_000, 232_000, 197_000, 152_000]

# Monitoring missions (2.3, A5): start, region, days, agents
MISSIONS = [
    (date(2017, 2, 13), "Kayes", 5, 4),
    (date(2017, 3, 13), "Sikasso", 5, 4),
    (date(2017, 4, 18), "Ségou", 4, 3),
    (date(2017, 5, 15), "Mopti", 5, 4),
    (date(2017, 6, 19), "Koulikoro (sites d'orpaillage de Kangaba)", 4, 3),
    (date(2017, 7, 17), "Koulikoro", 3, 3),
    (date(2017, 8, 21), "Kayes (sites d'orpaillage de Kéniéba)", 5, 4),
    (date(2017, 9, 11), "Sikasso (sites d'orpaillage de Kadiolo)", 5, 4),
    (date(2017, 11, 13), "Kayes (Nioro du Sahel)", 4, 3),
    (date(2017, 12, 4), "Ségou", 3, 3),
]
MISSION_DSA = 40_000   # per agent per day
DRIVER_DSA = 25_000    # per day

# Committee sessions: date, label, activity, sitting allowance count, venue+breaks
SESSIONS = [
    (date(2017, 3, 23), "1re session ordinaire", "A3", 26, 465_000),
    (date(2017, 6, 22), "2e session ordinaire", "A3", 28, 485_000),
    (date(2017, 9, 21), "3e session ordinaire", "A3", 27, 480_000),
    (date(2017, 12, 7), "session de validation de la feuille de route", "A2", 30, 1_260_000),
]
SITTING_ALLOWANCE = 50_000

# Coordination meetings with partners (3.4, A3), paid in cash: date, amount
COORD_MEETINGS = [
    (date(2017, 2, 9), 85_000), (date(2017, 5, 11), 92_500),
    (date(2017, 8, 10), 88_000), (date(2017, 11, 16), 96_000),
]

# One-off payments: date, description, items[(account, line, amount, activity)],
# source, comment
ONE_OFFS = [
    # Equipment (4.1, A3)
    (date(2017, 2, 6), "Achat de 5 ordinateurs portables pour le Secrétariat",
     [("materiel", "4.1", 2_875_000, "A3")], "bank", "facture n° 2017-0087 fournisseur informatique"),
    (date(2017, 2, 6), "Achat d'une imprimante multifonction",
     [("materiel", "4.1", 785_000, "A3")], "bank", None),
    (date(2017, 3, 2), "Achat vidéoprojecteur, écran et 4 onduleurs",
     [("materiel", "4.1", 835_000, "A3")], "bank", None),
    # Supplies, bank (4.2)
    (date(2017, 1, 18), "Achat de fournitures de bureau (papier, classeurs, toner)",
     [("fournitures", "4.2", 452_500, None)], "bank", None),
    (date(2017, 9, 4), "Réassort fournitures de bureau et cartouches d'encre",
     [("fournitures", "4.2", 381_750, None)], "bank", None),
    # Vehicle (4.3)
    (date(2017, 5, 8), "Acquisition d'un véhicule pick-up double cabine",
     [("materiel", "4.3", 21_950_000, None)], "bank", "bon de commande n° 2017-014"),
    (date(2017, 5, 10), "Immatriculation, vignette et assurance du véhicule",
     [("materiel", "4.3", 627_500, None)], "bank", None),
    (date(2017, 10, 23), "Vidange et entretien du véhicule de liaison",
     [("entretien", "2.4", 146_000, None)], "bank", None),
    # Awareness campaigns (6.3, A4)
    (date(2017, 3, 6), "Conception de spots radio en bambara, peul, songhaï et tamasheq",
     [("annonces", "6.3", 2_850_000, "A4")], "bank", None),
    (date(2017, 4, 3), "Diffusion des spots radio ORTM et radios communautaires (avril-juin)",
     [("annonces", "6.3", 4_200_000, "A4")], "bank", None),
    (date(2017, 6, 5), "Impression de 5000 affiches et 10000 dépliants de sensibilisation",
     [("publications", "6.3", 3_115_000, "A4")], "bank", None),
    (date(2017, 7, 25), "Caravane de sensibilisation - Journée mondiale contre la traite (30 juillet)",
     [("annonces", "6.3", 3_460_000, "A4")], "bank", None),
    (date(2017, 9, 25), "Diffusion des spots radio (septembre-novembre)",
     [("annonces", "6.3", 2_100_000, "A4")], "bank", None),
    (date(2017, 11, 20), "Émission télévisée ORTM sur la traite des personnes",
     [("annonces", "6.3", 1_250_000, "A4")], "bank", None),
    # Victim assistance (6.4, A6)
    (date(2017, 2, 20), "Convention de prise en charge des victimes - centre d'accueil de Bamako, T1",
     [("divers", "6.4", 6_500_000, "A6")], "bank", None),
    (date(2017, 5, 22), "Convention de prise en charge des victimes - centre d'accueil de Bamako, T2",
     [("divers", "6.4", 7_000_000, "A6")], "bank", None),
    (date(2017, 6, 27), "Retour volontaire de 12 victimes vers le Nigéria (transport et kits)",
     [("divers", "6.4", 3_840_000, "A6")], "bank", None),
    (date(2017, 8, 21), "Convention de prise en charge des victimes - centre d'accueil de Bamako, T3",
     [("divers", "6.4", 7_000_000, "A6")], "bank", None),
    (date(2017, 10, 2), "Prise en charge médicale et psychosociale de victimes (Sikasso)",
     [("divers", "6.4", 2_365_000, "A6")], "bank", None),
    (date(2017, 11, 21), "Convention de prise en charge des victimes - centre d'accueil de Bamako, T4",
     [("divers", "6.4", 7_000_000, "A6")], "bank", None),
    # Road map consultancy (6.1, A2), contract 5,400,000 XOF in 3 instalments
    (date(2017, 6, 15), "Consultant feuille de route - 1re tranche (rapport de démarrage)",
     [("honoraires", "6.1", 1_620_000, "A2")], "bank", "contrat n° 2017-CNLTP-06"),
    (date(2017, 6, 16), "Réunion de cadrage de la feuille de route - pause-café",
     [("seminaires", "3.4", 65_000, "A2")], "cash", None),
    (date(2017, 9, 8), "Consultant feuille de route - 2e tranche (projet de feuille de route)",
     [("honoraires", "6.1", 2_160_000, "A2")], "bank", None),
    (date(2017, 12, 15), "Consultant feuille de route - solde (feuille de route validée)",
     [("honoraires", "6.1", 1_620_000, "A2")], "bank", None),
    # Training manuals (6.2, A4)
    (date(2017, 9, 15), "Mise en page et adaptation graphique des manuels de formation",
     [("publications", "6.2", 325_000, "A4")], "bank", None),
    (date(2017, 10, 13), "Impression de 200 manuels de formation adaptés au contexte malien",
     [("publications", "6.2", 2_550_000, "A4")], "bank", "facture n° 2017-311 imprimerie"),
    # Workshop A1, bank payments
    (date(2017, 9, 25), "Billets d'avion Dakar-Bamako-Dakar - délégation du Sénégal (2 pers.)",
     [("voyages", "2.1", 637_000, "A1")], "bank", None),
    (date(2017, 9, 26), "Billets d'avion Niamey-Bamako-Niamey - délégation du Niger ANLTP (2 pers.)",
     [("voyages", "2.1", 712_400, "A1")], "bank", None),
    (date(2017, 10, 5), "Billets d'avion Dakar-Bamako-Dakar - experts ONUDC et HCDH (2 pers.)",
     [("voyages", "2.1", 611_300, "A1")], "bank", None),
    (date(2017, 10, 16), "Location salle atelier Bamako - avance 50 %",
     [("locations", "3.1", 1_100_000, "A1")], "bank", None),
    (date(2017, 10, 25), "Restauration atelier - avance au traiteur 40 %",
     [("receptions", "3.2", 1_320_000, "A1")], "bank", None),
    (date(2017, 11, 6), "Location salle atelier Bamako - solde et sonorisation",
     [("locations", "3.1", 1_100_000, "A1")], "bank", None),
    (date(2017, 11, 6), "Hébergement des délégations du Sénégal et du Niger et des experts (6 pers., 5 nuits)",
     [("missions", "2.2", 1_860_000, "A1")], "bank", "facture hôtel n° 4471"),
    (date(2017, 11, 7), "Interprétation simultanée français-anglais - 2 interprètes, 4 jours",
     [("honoraires", "3.5", 2_000_000, "A1")], "bank", None),
    (date(2017, 11, 7), "Location cabines et casques d'interprétation",
     [("locations", "3.5", 180_000, "A1")], "bank", None),
    (date(2017, 11, 8), "Restauration atelier - solde (55 pers. x 4 jours)",
     [("receptions", "3.2", 1_980_000, "A1")], "bank", "facture traiteur n° 2017-1102"),
]

# Workshop cash payments (A1): date, description, items, comment.  Funded by a
# dedicated cash withdrawal; the unspent remainder goes back to the bank.
WORKSHOP_CASH = [
    (date(2017, 10, 29), "DSA des délégations du Sénégal et du Niger et des experts (6 pers., 5 jours)",
     [("missions", "2.2", 1_350_000, "A1")], "état d'émargement DSA"),
    (date(2017, 10, 30), "Per diem des participants - atelier jour 1 (35 pers.)",
     [("missions", "3.3", 1_400_000, "A1")], None),
    (date(2017, 10, 30), "Location véhicule avec chauffeur pour les délégations (4 jours)",
     [("voyages", "2.4", 240_000, "A1")], None),
    (date(2017, 10, 31), "Per diem des participants - atelier jour 2 (35 pers.)",
     [("missions", "3.3", 1_400_000, "A1")], None),
    (date(2017, 11, 1), "Per diem des participants - atelier jour 3 (34 pers.)",
     [("missions", "3.3", 1_360_000, "A1")], None),
    (date(2017, 11, 2), "Per diem des participants - atelier jour 4 (35 pers.)",
     [("missions", "3.3", 1_400_000, "A1")], None),
    (date(2017, 11, 2), "Cocktail de clôture de l'atelier",
     [("receptions", "3.2", 150_000, "A1")], None),
]
WORKSHOP_WITHDRAWAL_DATE = date(2017, 10, 27)
WORKSHOP_DEPOSIT_DATE = date(2017, 11, 6)

# booked with status '!' (not yet cleared by the bank at closing)
PENDING = {
    "Facture EDM électricité - décembre 2017",
    "Frais de tenue de compte BDM - décembre 2017",
    "Consultant feuille de route - solde (feuille de route validée)",
}

# --------------------------------------------------------------------------
# Model
# --------------------------------------------------------------------------

PRIO_RECEIPT, PRIO_CONVERSION, PRIO_WITHDRAWAL, PRIO_PAYMENT, PRIO_DEPOSIT, PRIO_ASSERT = range(6)


class Posting:
    def __init__(self, account, qty, commodity="XOF", cost=None, tags=(), elide=False,
                 assertion=None):
        self.account = account
        self.qty = qty              # integer, in minor units of the commodity
        self.commodity = commodity
        self.cost = cost            # unit cost in XOF, as a decimal string
        self.tags = list(tags)      # [(key, value)]
        self.elide = elide
        self.assertion = assertion  # balance asserted after this posting (minor units)
        self.comment = None         # free comment line under the posting (no tags)

    def tag(self, key, txn):
        for k, v in self.tags:
            if k == key:
                return v
        for k, v in txn.tags:
            if k == key:
                return v
        return None

    def xof_value(self):
        """Value in XOF after cost conversion (Fraction)."""
        q = Fraction(self.qty, 10 ** precision(self.commodity))
        if self.cost is not None:
            return q * Fraction(self.cost)
        assert self.commodity == "XOF", self.account
        return q


class Txn:
    def __init__(self, d, kind, desc, postings, prio=PRIO_PAYMENT, status="*",
                 comment=None, tags=(), seq=0):
        self.date = d
        self.kind = kind            # PV, PC, VIR, CV, OD, or a fixed code for assertions
        self.desc = desc
        self.postings = postings
        self.prio = prio
        self.status = status
        self.comment = comment
        self.tags = list(tags)
        self.code = None
        self.seq = seq
        self.cash_kind = None       # "auto" for cash payments covered by monthly withdrawals
        self.fixed_code = None      # a voucher from another series (no number taken)
        self.code_of = None         # the transaction whose voucher this one repeats
        self.no_code = False        # booked without a voucher number


def precision(commodity):
    return {c: p for c, p, _ in COMMODITIES}[commodity]


def minor(amount_str, commodity):
    """'12000.00' -> 1200000 (minor units); checks the written precision."""
    p = precision(commodity)
    if p == 0:
        assert "." not in amount_str
        return int(amount_str)
    whole, frac = amount_str.split(".")
    assert len(frac) == p
    return int(whole) * 10 ** p + int(frac)


def usd_rate(d):
    return USD_RATES[d.month]


def rate_for(commodity, d):
    return EUR_RATE if commodity == "EUR" else usd_rate(d)


def exact_xof(qty_minor, commodity, rate):
    v = Fraction(qty_minor, 10 ** precision(commodity)) * Fraction(rate)
    assert v.denominator == 1, (qty_minor, commodity, rate, v)
    return int(v)


def workday(d):
    """Move a weekend date to the nearest working day of the same month."""
    if d.weekday() == 5:
        return d - timedelta(days=1)
    if d.weekday() == 6:
        nxt = d + timedelta(days=1)
        return nxt if nxt.month == d.month else d - timedelta(days=2)
    return d


def month_end(y, m):
    return date(y + (m == 12), m % 12 + 1, 1) - timedelta(days=1)


def last_workday(y, m):
    d = month_end(y, m)
    while d.weekday() >= 5:
        d -= timedelta(days=1)
    return d


def split_by_shares(amount, shares):
    """Largest remainder split in whole francs; ties by the shares' order."""
    parts = [(donor, amount * pct // 100, amount * pct % 100) for donor, pct in shares]
    leftover = amount - sum(p for _, p, _ in parts)
    order = sorted(range(len(parts)), key=lambda i: (-parts[i][2], i))
    result = {donor: p for donor, p, _ in parts}
    for i in order[:leftover]:
        result[parts[i][0]] += 1
    assert sum(result.values()) == amount
    return result


# --------------------------------------------------------------------------
# Transaction builders
# --------------------------------------------------------------------------

TXNS = []
SPLIT_ITEMS = []   # every (account, line, amount, activity) split, for the tie check


def add(txn):
    txn.seq = len(TXNS)
    TXNS.append(txn)
    return txn


def expense(d, desc, items, source="bank", comment=None, elide=False, kind=None,
            cash_kind="auto", posting_comment=None, donor=None):
    """Payment of one or more (account, line, amount, activity) items, each split
    over its line's shares (or charged wholly to ``donor``); one source posting per
    donor.  ``comment`` goes under the transaction header, ``posting_comment`` under
    the first posting."""
    if donor is None:
        SPLIT_ITEMS.extend(items)
    postings = []
    per_donor = {}
    for acct, line, amount, activity in items:
        shares = LINE[line]["shares"] if donor is None else [(donor, 100)]
        for fund, part in split_by_shares(amount, shares).items():
            if part == 0:
                continue
            tags = [("donor", fund), ("line", line)]
            if activity:
                tags.append(("activity", activity))
            postings.append(Posting(ACCOUNTS[acct], part, tags=tags))
            per_donor[fund] = per_donor.get(fund, 0) + part
    for fund, total in per_donor.items():
        postings.append(Posting(ACCOUNTS[source], -total, tags=[("donor", fund)]))
    if elide:
        assert len(per_donor) == 1, desc
        postings[-1].elide = True
    postings[0].comment = posting_comment
    if kind is None:
        kind = "PC" if source == "cash" else "PV"
    status = "!" if desc in PENDING else "*"
    t = add(Txn(d, kind, desc, postings, status=status, comment=comment))
    if source == "cash":
        t.cash_kind = cash_kind
    return t


def receipt(d, donor, amount_str, desc):
    cur = DONOR_CURRENCY[donor]
    qty = minor(amount_str, cur)
    if cur == "XOF":
        bank = Posting(ACCOUNTS["bank"], qty, tags=[("donor", donor)])
        xof = qty
    else:
        rate = rate_for(cur, d)
        xof = exact_xof(qty, cur, rate)
        bank = Posting(ACCOUNTS[cur.lower()], qty, cur, cost=rate, tags=[("donor", donor)])
    inc = Posting(INCOME_ACCOUNT[donor], -xof, tags=[("donor", donor)])
    add(Txn(d, "VIR", desc, [bank, inc], prio=PRIO_RECEIPT))


def conversion(d, donor, amount_str):
    cur = DONOR_CURRENCY[donor]
    qty = minor(amount_str, cur)
    rate = rate_for(cur, d)
    xof = exact_xof(qty, cur, rate)
    label = {"EU": "UE", "DE": "Allemagne", "NL": "Pays-Bas", "UNODC": "ONUDC"}[donor]
    desc = "Conversion %s %s en XOF - fonds %s" % (fmt_minor(qty, cur), cur, label)
    add(Txn(d, "CV", desc, [
        Posting(ACCOUNTS["bank"], xof, tags=[("donor", donor)]),
        Posting(ACCOUNTS[cur.lower()], -qty, cur, cost=rate, tags=[("donor", donor)]),
    ], prio=PRIO_CONVERSION))
    # the bank's commission on the operation is charged to the same fund
    add(Txn(d, "OD", "Commission de change sur conversion fonds %s" % label, [
        Posting(ACCOUNTS["frais-bancaires"], CONVERSION_COMMISSION,
                tags=[("donor", donor), ("line", "7.1")]),
        Posting(ACCOUNTS["bank"], -CONVERSION_COMMISSION, tags=[("donor", donor)]),
    ], prio=PRIO_CONVERSION))


def transfer(d, desc, per_donor, to_cash=True, prio=PRIO_WITHDRAWAL):
    """Bank -> cash (or cash -> bank), one pair of postings per donor."""
    src, dst = ("bank", "cash") if to_cash else ("cash", "bank")
    postings = []
    for donor, amt in per_donor.items():
        postings.append(Posting(ACCOUNTS[dst], amt, tags=[("donor", donor)]))
    for donor, amt in per_donor.items():
        postings.append(Posting(ACCOUNTS[src], -amt, tags=[("donor", donor)]))
    return add(Txn(d, "PV" if to_cash else "OD", desc, postings, prio=prio))


# --------------------------------------------------------------------------
# The year
# --------------------------------------------------------------------------

def half_up(fr):
    """Round a non-negative Fraction half up to an integer."""
    return int(fr + Fraction(1, 2)) if fr >= 0 else -int(-fr + Fraction(1, 2))


def build_psc():
    """Programme support costs through the year end, computed as fundledger's `psc`
    does: rate x eligible direct expenditure (expense postings of the donor within the
    agreement's period, PSC excluded), rounded half up to the franc."""
    for a in AGREEMENTS:
        if not a["psc"]:
            continue
        rate, base_prefixes = a["psc"]
        last = min(a["end"], PSC_DATE)
        base = 0
        for t in TXNS:
            if t.kind == "PSC" or t.date < a["start"] or t.date > last:
                continue
            for p in t.postings:
                if p.tag("donor", t) != a["donor"] or not p.account.startswith("expenses:"):
                    continue
                if any(p.account == b or p.account.startswith(b + ":") for b in base_prefixes):
                    base += resolved_qty(t, p)
        due = half_up(Fraction(base) * Fraction(rate) / 100)
        donor = a["donor"]
        add(Txn(PSC_DATE, "PSC",
                "Coûts indirects (PSC %s %%) %s jusqu'au %s" % (rate, a["reference"],
                                                               PSC_DATE.isoformat()),
                [Posting(ACCOUNTS["psc"], due, tags=[("donor", donor), ("line", PSC_LINE)]),
                 Posting(ACCOUNTS["psc-due"], -due, tags=[("donor", donor)])],
                prio=PRIO_PAYMENT,
                tags=[("psc", a["reference"]), ("psc-through", PSC_DATE.isoformat()),
                      ("psc-base", str(base))]))


def build_year():
    rng = random.Random(SEED)
    for d, donor, amt, desc in RECEIPTS:
        receipt(d, donor, amt, desc)
    for d, donor, amt in CONVERSIONS:
        conversion(d, donor, amt)

    elided_supplies = {2, 4, 6, 8, 11}
    for m in range(1, 13):
        mois = "%s 2017" % MONTHS_FR[m - 1]
        # the project starts mid-January: January's routine days 1..22 -> 16..26
        day = lambda n: workday(date(2017, m, n if m > 1 else 15 + (n + 1) // 2))  # noqa: E731
        # rent, security, internet, utilities
        expense(day(5), "Loyer des bureaux du Secrétariat permanent - %s" % mois,
                [("locations", "5.1", RENT, "A3")])
        expense(day(3), "Gardiennage des locaux - %s" % mois,
                [("entretien", "5.4", SECURITY, None)])
        expense(day(8), "Abonnement internet Orange Mali - %s" % mois,
                [("telecom", "5.3", INTERNET, None)])
        elec = ELECTRICITY[m - 1] + rng.randint(0, 99) * 10 + rng.randint(0, 9)
        expense(day(12), "Facture EDM électricité - %s" % mois,
                [("eau-elec", "5.2", elec, None)])
        water = 24_000 + rng.randint(0, 160) * 100 + rng.randint(0, 9) * 5
        expense(day(14), "Facture SOMAGEP eau - %s" % mois,
                [("eau-elec", "5.2", water, None)], source="cash")
        expense(day(6), "Recharge crédit téléphonique - %s" % mois,
                [("telecom", "5.3", PHONE_CREDIT, None)], source="cash")
        # fuel twice a month (cash)
        for n in (4, 18):
            fuel = 130_000 + rng.randint(0, 14) * 5_000
            expense(day(n), "Carburant véhicule de service - %s" % mois,
                    [("carburant", "2.4", fuel, None)], source="cash")
        # supplies (cash), single-donor line: some with the cash amount elided
        sup = 40_000 + rng.randint(0, 110) * 1_000 + rng.choice((0, 250, 500, 750))
        expense(day(20), "Achat de petites fournitures de bureau - %s" % mois,
                [("fournitures", "4.2", sup, None)], source="cash",
                elide=m in elided_supplies)
        if m % 2 == 0:
            clean = 30_000 + rng.randint(0, 30) * 1_000
            expense(day(22), "Produits d'entretien et de nettoyage - %s" % mois,
                    [("entretien", "5.4", clean, None)], source="cash")
        if m in (3, 7, 11):
            expense(day(9), "Frais de course et transport local du courrier - %s" % mois,
                    [("voyages", "2.4", 25_000 + rng.randint(0, 20) * 500, None)],
                    source="cash")
        # payroll at month end, social charges on the 15th of the next month
        pay_day = last_workday(2017, m)
        if m == 12:
            pay_day = date(2017, 12, 27)
        expense(pay_day, "Salaires du personnel du Secrétariat permanent - %s" % mois,
                [("salaires", "1.1", PAYROLL, "A3")], comment="état de paie, 10 agents")
        if m >= 2:
            expense(pay_day, "Salaire de l'assistant technique national - %s" % mois,
                    [("salaires", "1.4", ASSISTANT_SALARY, "A3")])
        sc_day = date(2017, 12, 28) if m == 12 else workday(date(2017, m + 1, 15))
        expense(sc_day, "Cotisations sociales INPS et AMO - %s" % mois,
                [("charges-sociales", "1.2", SOCIAL_CHARGES, "A3")])
        # monthly account fee, split over line 7.1 shares
        expense(last_workday(2017, m), "Frais de tenue de compte BDM - %s" % mois,
                [("frais-bancaires", "7.1", ACCOUNT_FEE, None)], kind="OD")

    for start, region, days, agents in MISSIONS:
        dsa = agents * days * MISSION_DSA + days * DRIVER_DSA
        expense(workday(start - timedelta(days=3)),
                "Avance DSA mission de suivi du PAN - %s (%d agents, %d jours)"
                % (region, agents, days),
                [("missions", "2.3", dsa, "A5")])
        fuel = 90_000 + days * 35_000 + rng.randint(0, 8) * 5_000
        expense(start, "Carburant mission de suivi - %s" % region,
                [("carburant", "2.3", fuel, "A5")], source="cash")

    for d, label, activity, members, venue in SESSIONS:
        expense(d, "Salle et pauses-café - %s du Comité" % label,
                [("seminaires", "3.4", venue, activity)])
        expense(d, "Indemnités de session des membres du Comité - %s (%d membres)"
                % (label, members),
                [("indemnites", "1.3", members * SITTING_ALLOWANCE, activity)])
    for d, amount in COORD_MEETINGS:
        expense(d, "Réunion de coordination avec les partenaires - pause-café",
                [("seminaires", "3.4", amount, "A3")], source="cash")

    for d, desc, items, source, comment in ONE_OFFS:
        expense(d, desc, items, source=source, posting_comment=comment)

    if not CLEAN:
        build_audit_plantings()
    build_workshop_cash()
    build_monthly_withdrawals()
    build_deposit_in_transit()


def find_txn(desc):
    found = [t for t in TXNS if t.desc == desc]
    assert len(found) == 1, (desc, len(found))
    return found[0]


def build_audit_plantings():
    """Anomalies `fundledger check --audit` must find (see the module docstring)."""
    # 1. The May water bill entered again three days later under the same voucher.
    bill = find_txn("Facture SOMAGEP eau - mai 2017")
    amount = sum(p.qty for p in bill.postings if p.account.startswith("expenses:"))
    dup = expense(workday(bill.date + timedelta(days=3)), bill.desc,
                  [("eau-elec", "5.2", amount, None)], source="cash")
    dup.code_of = bill
    # 2. Double funding: the ORTM programme, split over EU, UNODC and GOV, charged a
    # second time to the Government alone under a Treasury voucher. The bank pays it
    # once: the second payment stays outstanding on the reconciliation.
    tv = find_txn("Émission télévisée ORTM sur la traite des personnes")
    amount = sum(p.qty for p in tv.postings if p.account.startswith("expenses:"))
    again = expense(tv.date, tv.desc, [("annonces", "6.3", amount, "A4")], donor="GOV")
    again.fixed_code = "OP-TRESOR-2017-0412"
    # 3. A purchase with no voucher number.
    expense(date(2017, 8, 22), "Achat de timbres fiscaux et d'enveloppes pour le courrier officiel",
            [("fournitures", "4.2", 35_000, None)], source="cash").no_code = True
    # 4. A cash payment above the project's limit (the last cash voucher of the year).
    expense(date(2017, 12, 26),
            "Prise en charge d'urgence de 9 victimes rapatriées (hébergement, repas, soins) - "
            "paiement en espèces",
            [("divers", "6.4", 1_850_000, "A6")], source="cash", donor="GOV")


def build_deposit_in_transit():
    """The Government's cash left at the year end, paid into the bank on 29 December
    and credited by the bank in January: a deposit in transit at 31 December."""
    cash = sum(resolved_qty(t, p) for t in TXNS for p in t.postings
               if p.account == ACCOUNTS["cash"] and p.tag("donor", t) == "GOV")
    amount = cash // 10_000 * 10_000
    assert amount > 0, cash
    transfer(date(2017, 12, 29),
             "Versement en banque du reliquat de caisse - clôture de l'exercice 2017",
             {"GOV": amount}, to_cash=False, prio=PRIO_DEPOSIT)


def build_workshop_cash():
    need = {}
    txns = []
    for d, desc, items, comment in WORKSHOP_CASH:
        t = expense(d, desc, items, source="cash", posting_comment=comment,
                    cash_kind="workshop")
        txns.append(t)
        for p in t.postings:
            if p.account == ACCOUNTS["cash"]:
                donor = p.tag("donor", t)
                need[donor] = need.get(donor, 0) + -p.qty
    withdraw = {d: -(-need[d] // 50_000) * 50_000 for d in DONOR_IDS if d in need}
    transfer(WORKSHOP_WITHDRAWAL_DATE,
             "Retrait espèces pour l'atelier de Bamako (DSA et per diem)", withdraw)
    back = {d: withdraw[d] - need[d] for d in withdraw if withdraw[d] > need[d]}
    transfer(WORKSHOP_DEPOSIT_DATE, "Versement en banque du reliquat de caisse de l'atelier",
             back, to_cash=False, prio=PRIO_DEPOSIT)


def build_monthly_withdrawals():
    """One cash withdrawal per month covering the month's routine cash payments."""
    carry = {}
    for m in range(1, 13):
        need = {}
        for t in TXNS:
            if t.cash_kind == "auto" and t.date.month == m:
                for p in t.postings:
                    if p.account == ACCOUNTS["cash"]:
                        donor = p.tag("donor", t)
                        need[donor] = need.get(donor, 0) + cash_out(t, p)
        withdraw = {}
        for donor in DONOR_IDS:
            short = need.get(donor, 0) - carry.get(donor, 0)
            if short > 0:
                withdraw[donor] = -(-(short + 25_000) // 50_000) * 50_000
        d = workday(date(2017, m, 16 if m == 1 else 2))
        transfer(d, "Approvisionnement de la caisse - %s 2017 (chèque n° %07d)"
                 % (MONTHS_FR[m - 1], 1_184_300 + m), withdraw)
        for donor in DONOR_IDS:
            carry[donor] = carry.get(donor, 0) + withdraw.get(donor, 0) - need.get(donor, 0)


def cash_out(txn, p):
    if p.elide:
        return sum(q.qty for q in txn.postings if q is not p)
    return -p.qty


def build_assertions(ordered):
    """Month-end balance assertions on the four treasury accounts."""
    bal = {a: 0 for a in ASSET_ACCOUNTS}
    out = []
    i = 0
    for m in range(1, 13):
        end = month_end(2017, m)
        while i < len(ordered) and ordered[i].date <= end:
            t = ordered[i]
            for p in t.postings:
                if p.account in bal:
                    bal[p.account] += resolved_qty(t, p)
            out.append(t)
            i += 1
        for letter, key, cur, label in (("A", "bank", "XOF", "banque BDM compte projet XOF"),
                                        ("C", "cash", "XOF", "caisse"),
                                        ("E", "eur", "EUR", "compte en devises EUR"),
                                        ("U", "usd", "USD", "compte en devises USD")):
            acct = ACCOUNTS[key]
            t = Txn(end, "ASSERT", "Contrôle solde fin de mois - %s" % label,
                    [Posting(acct, 0, cur, assertion=bal[acct])], prio=PRIO_ASSERT)
            t.code = "OD-2017-%s%02d" % (letter, m)
            out.append(t)
    assert i == len(ordered)
    return out


def resolved_qty(txn, p):
    if p.elide:
        return -sum(q.qty for q in txn.postings if q is not p)
    return p.qty


def order_and_number():
    ordered = sorted(TXNS, key=lambda t: (t.date, t.prio, t.seq))
    counters = {}
    for t in ordered:
        if t.fixed_code or t.code_of or t.no_code:
            continue
        counters[t.kind] = counters.get(t.kind, 0) + 1
        t.code = "%s-2017-%04d" % (t.kind, counters[t.kind])
    for t in ordered:
        if t.fixed_code:
            t.code = t.fixed_code
        elif t.code_of:
            t.code = t.code_of.code
        elif t.no_code:
            t.code = ""
    return build_assertions(ordered)


# --------------------------------------------------------------------------
# Checks
# --------------------------------------------------------------------------

def check_all(ordered):
    errors = []

    def need(cond, msg):
        if not cond:
            errors.append(msg)

    # project-level
    total_budget = sum(l["amount"] for l in LINE.values())
    for code, l in LINE.items():
        need(sum(p for _, p in l["shares"]) == 100, "shares of %s" % code)
        need(all(d in DONOR_IDS for d, _ in l["shares"]), "donor ids of %s" % code)
        need([d for d, _ in l["shares"]] == [d for d in DONOR_IDS if d in dict(l["shares"])],
             "shares of %s not in donor order" % code)
        need(isinstance(l["amount"], int) and l["amount"] > 0, "amount of %s" % code)
    need(4 <= len(ACTIVITIES) <= 8, "4 to 8 activities")
    need(15 <= len(LINES) <= 30, "15 to 30 lines")

    # transactions
    bal = {}            # (account, donor) -> qty
    spent = {}          # (line, donor) -> XOF
    received = {}       # donor -> XOF
    elided = 0
    used_accounts = set()
    for t in ordered:
        if t.kind == "ASSERT":
            p = t.postings[0]
            actual = sum(q for (a, _), q in bal.items() if a == p.account)
            need(actual == p.assertion, "assertion %s" % t.code)
            continue
        need("|" not in t.desc and ";" not in t.desc, "description chars %s" % t.code)
        by_comm = {}
        by_donor = {}
        n_elided = sum(1 for p in t.postings if p.elide)
        need(n_elided <= 1, "more than one elided amount in %s" % t.code)
        for p in t.postings:
            used_accounts.add(p.account)
            donor = p.tag("donor", t)
            if p.elide:
                elided += 1
                others = [q for q in t.postings if q is not p]
                need(all(q.commodity == "XOF" and q.cost is None for q in others),
                     "elided in multi-commodity %s" % t.code)
                need(all(q.tag("donor", t) == donor for q in others),
                     "elided posting shares its fund with others in %s" % t.code)
                qty = resolved_qty(t, p)
            else:
                qty = p.qty
            need(isinstance(qty, int), "integer minor units %s" % t.code)
            if p.cost is not None:
                v = Fraction(qty, 10 ** precision(p.commodity)) * Fraction(p.cost)
                need(v.denominator == 1, "XOF cost not integer in %s" % t.code)
                comm, val = "XOF", v
            else:
                comm, val = p.commodity, Fraction(qty)
            by_comm[comm] = by_comm.get(comm, 0) + val
            by_donor[(donor, comm)] = by_donor.get((donor, comm), 0) + val
            top = p.account.split(":")[0]
            if top in ("income", "expenses"):
                need(donor in DONOR_IDS, "donor missing on %s in %s" % (p.account, t.code))
                need(p.commodity == "XOF", "income/expense in XOF %s" % t.code)
            if top == "income":
                received[donor] = received.get(donor, 0) - qty
                need(p.account == INCOME_ACCOUNT[donor], "income account/donor %s" % t.code)
            if top == "expenses":
                line = p.tag("line", t)
                need(line in LINE, "line missing in %s" % t.code)
                if line in LINE:
                    need(donor in dict(LINE[line]["shares"]),
                         "donor %s not funding line %s in %s" % (donor, line, t.code))
                    acts = LINE[line]["activities"]
                    act = p.tag("activity", t)
                    need(act is None or act in [a[0] for a in ACTIVITIES],
                         "unknown activity in %s" % t.code)
                    if acts is not None:
                        need(act in acts, "activity %s not allowed on line %s in %s"
                             % (act, line, t.code))
                    spent[(line, donor)] = spent.get((line, donor), 0) + qty
            if top == "assets":
                key = (p.account, donor)
                bal[key] = bal.get(key, 0) + qty
        need(all(v == 0 for v in by_comm.values()), "unbalanced %s %s" % (t.code, by_comm))
        need(all(v == 0 for v in by_donor.values()), "fund-unbalanced %s %s" % (t.code, by_donor))
        # no treasury balance below zero, per fund and in total
        for acct in ASSET_ACCOUNTS:
            need(sum(q for (a, _), q in bal.items() if a == acct) >= 0,
                 "%s negative after %s" % (acct, t.code))
        for (acct, donor), q in bal.items():
            need(q >= 0, "%s fund %s negative after %s" % (acct, donor, t.code))

    need(used_accounts == set(ACCOUNTS.values()) | set(INCOME_ACCOUNT.values()),
         "declared accounts differ from used accounts: %s"
         % sorted(used_accounts ^ (set(ACCOUNTS.values()) | set(INCOME_ACCOUNT.values()))))
    need(elided == 5, "expected 5 elided amounts, got %d" % elided)
    n_txn = sum(1 for t in ordered if t.kind != "ASSERT")
    need(n_txn >= 220, "only %d transactions" % n_txn)

    # budget vs actual
    line_spent = {c: sum(v for (l, _), v in spent.items() if l == c) for c in LINE}
    over = [c for c in LINE if line_spent[c] > LINE[c]["amount"]]
    need(over == ([] if CLEAN else [OVERSPENT_LINE]), "overspent lines %s" % over)
    for (line, donor), v in spent.items():   # each fund within its share of each line
        share = Fraction(LINE[line]["amount"] * dict(LINE[line]["shares"])[donor], 100)
        need(v <= share or line == OVERSPENT_LINE,
             "donor %s above its share of line %s" % (donor, line))
    ratio = Fraction(line_spent[OVERSPENT_LINE], LINE[OVERSPENT_LINE]["amount"])
    need(CLEAN or Fraction(110, 100) <= ratio <= Fraction(120, 100),
         "overspend ratio %s" % float(ratio))
    # direct budget only: the PSC line is funded by the agreements' indirect-cost allowance
    donor_budget = {d: sum(Fraction(l["amount"] * dict(l["shares"]).get(d, 0), 100)
                           for c, l in LINE.items() if c != PSC_LINE) for d in DONOR_IDS}
    donor_spent = {d: sum(v for (_, dd), v in spent.items() if dd == d) for d in DONOR_IDS}
    for d in DONOR_IDS:
        need(donor_budget[d] <= received[d], "budget share of %s above receipts" % d)
        need(donor_budget[d] >= received[d] * Fraction(90, 100),
             "budget share of %s far below receipts" % d)
        need(donor_spent[d] < received[d], "spending of %s not below receipts" % d)
    need(received["GOV"] == 200_000_000, "GOV receipts")

    if errors:
        raise SystemExit("mali_sample.py: checks failed:\n  " + "\n  ".join(errors[:40]))
    return {"total_budget": total_budget, "line_spent": line_spent, "received": received,
            "donor_budget": donor_budget, "donor_spent": donor_spent, "spent": spent,
            "n_txn": n_txn, "elided": elided, "bal": bal}


def check_split_order_independent():
    """Every split must be the same whatever order ties are broken in, so that
    a reader that sorts the shares table (e.g. alphabetically) agrees."""
    for acct, line, amount, _ in SPLIT_ITEMS:
        shares = LINE[line]["shares"]
        a = split_by_shares(amount, shares)
        b = split_by_shares(amount, sorted(shares))
        c = split_by_shares(amount, list(reversed(shares)))
        assert a == b == c, ("order-dependent split", line, amount, a, b)


# --------------------------------------------------------------------------
# Rendering
# --------------------------------------------------------------------------

def fmt_minor(qty, commodity):
    p = precision(commodity)
    sign = "-" if qty < 0 else ""
    q = abs(qty)
    if p == 0:
        return "%s%s" % (sign, "{:,}".format(q))
    return "%s%s.%0*d" % (sign, "{:,}".format(q // 10 ** p), p, q % 10 ** p)


def fmt_amount(qty, commodity):
    return "%s %s" % (fmt_minor(qty, commodity), commodity)


ACCOUNT_WIDTH = max(len(a) for a in list(ACCOUNTS.values()) + list(INCOME_ACCOUNT.values()))
AMOUNT_WIDTH = 16


def render_txn(t):
    if t.code:
        lines = ["%s %s (%s) %s" % (t.date.isoformat(), t.status, t.code, t.desc)]
    else:
        lines = ["%s %s %s" % (t.date.isoformat(), t.status, t.desc)]
    # hoist tags shared by every posting to the transaction (inherited by postings)
    hoisted = []
    if t.kind != "ASSERT":
        for key in ("donor", "activity"):
            vals = [dict(p.tags).get(key) for p in t.postings]
            exp_vals = [dict(p.tags).get(key) for p in t.postings
                        if p.account.startswith("expenses:")]
            if key == "donor" and len(set(vals)) == 1 and vals[0] is not None:
                hoisted.append((key, vals[0]))
            elif (key == "activity" and exp_vals and len(set(exp_vals)) == 1
                  and exp_vals[0] is not None and len(t.postings) > 2):
                hoisted.append((key, exp_vals[0]))
    for free in [t.comment] + [p.comment for p in t.postings]:
        # free comments must not look like tags (`word:`) or ledger dates (`[...]`)
        assert free is None or not any(c in free for c in ":[]"), free
    if t.comment:
        lines.append("    ; %s" % t.comment)
    for k, v in hoisted:
        lines.append("    ; %s: %s" % (k, v))
    for k, v in t.tags:
        lines.append("    ; %s: %s" % (k, v))
    hoisted_keys = {k for k, _ in hoisted}
    for p in t.postings:
        if p.elide:
            lines.append("    %s" % p.account)
        else:
            amt = fmt_amount(p.qty, p.commodity)
            s = "    %-*s    %*s" % (ACCOUNT_WIDTH, p.account, AMOUNT_WIDTH, amt)
            if p.cost is not None:
                s += " @ %s XOF" % p.cost
            if p.assertion is not None:
                s += " = %s" % fmt_amount(p.assertion, p.commodity)
            lines.append(s)
        if p.comment:
            lines.append("    ; %s" % p.comment)
        for k, v in p.tags:
            if k not in hoisted_keys:
                lines.append("    ; %s: %s" % (k, v))
    for l in lines:
        # a comment line holds one tag or none, and descriptions hold no tag-like text
        assert l.count(": ") <= (1 if l.startswith("    ; ") else 0), l
    return "\n".join(lines) + "\n"


def render_books(ordered):
    out = []
    w = out.append
    w("; Livre journal - %s\n" % PROJECT["name_fr"])
    w("; Projet %s, exercice 2017, monnaie de tenue XOF\n" % PROJECT["code"])
    w("; Fichier généré par tests/generators/mali_sample.py - ne pas modifier à la main\n")
    w("; Une étiquette par ligne de commentaire (donor, line, activity)\n")
    w("decimal-mark .\n\n")
    for c, _, _ in COMMODITIES:
        w("commodity %s\n" % c)
    w("\n")
    for tag in ("donor", "line", "activity", "psc", "psc-through", "psc-base"):
        w("tag %s\n" % tag)
    w("\n")
    for a in sorted(set(ACCOUNTS.values()) | set(INCOME_ACCOUNT.values()),
                    key=account_sort_key):
        w("account %s\n" % a)
    w("\n")
    w("include prices.journal\n\n")
    for t in ordered:
        w(render_txn(t))
        w("\n")
    text = "".join(out)
    return text.rstrip("\n") + "\n"


def account_sort_key(a):
    order = ["assets", "liabilities", "equity", "income", "expenses"]
    return (order.index(a.split(":")[0]), a)


def render_prices():
    out = ["; Cours de change du projet %s\n" % PROJECT["code"],
           "; USD - taux opérationnel des Nations Unies du mois, EUR - parité fixe\n",
           "decimal-mark .\n\n"]
    for m in range(1, 13):
        out.append("P 2017-%02d-01 USD %s XOF\n" % (m, USD_RATES[m]))
    out.append("\nP 2017-01-01 EUR %s XOF\n" % EUR_RATE)
    return "".join(out)


def toml_str(s):
    assert '"' not in s and "\\" not in s
    return '"%s"' % s


def render_project(total_budget):
    o = []
    w = o.append
    w("# Projet de démonstration fundledger - généré par tests/generators/mali_sample.py\n\n")
    w("[project]\n")
    w("code = %s\n" % toml_str(PROJECT["code"]))
    w("name_fr = %s\n" % toml_str(PROJECT["name_fr"]))
    w("name_en = %s\n" % toml_str(PROJECT["name_en"]))
    w("beneficiary = %s\n" % toml_str(PROJECT["beneficiary"]))
    w("currency = %s\n" % toml_str(PROJECT["currency"]))
    w("start = %s\n" % PROJECT["start"].isoformat())
    w("end = %s\n" % PROJECT["end"].isoformat())
    w("budget = %d\n" % total_budget)
    w("journal = %s\n" % toml_str(PROJECT["journal"]))
    w("country = %s\n" % toml_str(PROJECT["country"]))
    for code, prec, name in COMMODITIES:
        w("\n[commodities.%s]\nprecision = %d\nname = %s\n" % (code, prec, toml_str(name)))
    for did, nfr, nen, cur, _ in DONORS:
        w("\n[[donors]]\nid = %s\nname_fr = %s\nname_en = %s\ncurrency = %s\n"
          % (toml_str(did), toml_str(nfr), toml_str(nen), toml_str(cur)))
    for code, nfr, nen in ACTIVITIES:
        w("\n[[activities]]\ncode = %s\nname_fr = %s\nname_en = %s\n"
          % (toml_str(code), toml_str(nfr), toml_str(nen)))
    for code, nfr, nen, amount, shares, acts in LINES:
        w("\n[[lines]]\ncode = %s\nname_fr = %s\nname_en = %s\namount = %d\n"
          % (toml_str(code), toml_str(nfr), toml_str(nen), amount))
        w("shares = { %s }\n" % ", ".join("%s = %d" % (d, p) for d, p in shares.items()))
        if acts is not None:
            w("activities = [%s]\n" % ", ".join(toml_str(a) for a in acts))
        w("categories = { %s }\n" % ", ".join(
            "%s = %s" % (k, toml_str(v)) for k, v in zip(CATEGORY_SCHEMES, CATEGORIES[code])))
        for d, amt, note in REVISIONS.get(code, []):
            w("\n[[lines.revisions]]\ndate = %s\namount = %d\nnote = %s\n"
              % (d.isoformat(), amt, toml_str(note)))
    for a in AGREEMENTS:
        w("\n[[agreements]]\nreference = %s\ndonor = %s\ncurrency = %s\n"
          % (toml_str(a["reference"]), toml_str(a["donor"]), toml_str(a["currency"])))
        ceiling = a["ceiling"] if a["currency"] != "XOF" else None
        w("ceiling = %s\n" % (toml_str(ceiling) if ceiling else a["ceiling"]))
        w("start = %s\nend = %s\ntemplate = %s\n"
          % (a["start"].isoformat(), a["end"].isoformat(), toml_str(a["template"])))
        if a["currency_rule"]:
            w("currency_rule = %s\n" % toml_str(a["currency_rule"]))
        if a["tranches"]:
            w("tranches = [\n%s]\n" % "".join(
                "    { date = %s, amount = %s },\n" % (d.isoformat(), toml_str(amt))
                for d, amt in a["tranches"]))
        if a["psc"]:
            rate, base = a["psc"]
            w("psc = { rate = %s, base = [%s], line = %s, account = %s, counter = %s }\n"
              % (toml_str(rate), ", ".join(toml_str(b) for b in base), toml_str(PSC_LINE),
                 toml_str(ACCOUNTS["psc"]), toml_str(ACCOUNTS["psc-due"])))
        if a["flexibility"]:
            pct, level = a["flexibility"]
            w("flexibility = { percent = %s, level = %s }\n" % (toml_str(pct), toml_str(level)))
    w("\n[audit]\ncash_limit = %d\ncash_accounts = [%s]\n"
      % (AUDIT["cash_limit"], ", ".join(toml_str(a) for a in AUDIT["cash_accounts"])))
    w("\n[iati]\nidentifier = %s\nstatus = %d\n" % (toml_str(IATI["identifier"]), IATI["status"]))
    for key in ("reporting_org", "implementing_org"):
        ref, typ, nfr, nen = IATI[key]
        fields = ([("ref", ref)] if ref else []) + [("type", typ), ("name_fr", nfr), ("name_en", nen)]
        w("%s = { %s }\n" % (key, ", ".join("%s = %s" % (k, toml_str(v)) for k, v in fields)))
    w("sectors = [\n%s]\n" % "".join(
        "    { vocabulary = %s, code = %s, percentage = %d },\n" % (toml_str(v), toml_str(c), p)
        for v, c, p in IATI["sectors"]))
    for did, ref, typ in IATI["donors"]:
        fields = ([("ref", ref)] if ref else []) + [("type", typ)]
        w("\n[iati.donors.%s]\n%s" % (did, "".join("%s = %s\n" % (k, toml_str(v)) for k, v in fields)))
    return "".join(o)


# --------------------------------------------------------------------------

def write(path, text):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", encoding="utf-8", newline="\n") as f:
        f.write(text)


# --------------------------------------------------------------------------
# Transactions that arrive by `fundledger import` (see mali_workbooks.py)
# --------------------------------------------------------------------------

def payment_accounts(t):
    return {p.account for p in t.postings if not p.account.startswith("expenses:")}


def is_workshop_bank_payment(t):
    """The Bamako workshop's bank payments (one budget line each), except the booth
    hire, which the workshop ledger books on 3.5 but on another account."""
    exp = [p for p in t.postings if p.account.startswith("expenses:")]
    return (t.kind == "PV" and bool(exp) and all(p.tag("activity", t) == "A1" for p in exp)
            and payment_accounts(t) == {ACCOUNTS["bank"]}
            and t.desc != "Location cabines et casques d'interprétation")


def is_on_december_statement(t):
    """December's cleared bank payments, as annotated on the bank statement."""
    exp = [p for p in t.postings if p.account.startswith("expenses:")]
    return (t.kind == "PV" and t.date.month == 12 and t.status == "*" and bool(exp)
            and t.comment is None and all(p.comment is None for p in t.postings)
            and payment_accounts(t) == {ACCOUNTS["bank"]})


def plan_imports(ordered):
    """Picks the transactions the sample spreadsheets carry, writes nothing yet.

    Returns (journal order without them, the importer's text for them, the files to
    write under sources/). They leave the date-ordered part of the journal for its end,
    in the order of the spreadsheets' rows, as `fundledger import` appends them; the
    bank's month-end assertions from the first imported date on are dropped, since ledger
    checks assertions in file order and would not see the appended payments."""
    with open(os.path.join(TEMPLATES, "depenses-fr.toml"), "rb") as f:
        fr_rules = tomllib.load(f)
    with open(os.path.join(TEMPLATES, "releve-bancaire-fr.toml"), "rb") as f:
        bank_rules = tomllib.load(f)
    workshop = [t for t in ordered if t.kind != "ASSERT" and is_workshop_bank_payment(t)]
    december = [t for t in ordered if t.kind != "ASSERT" and is_on_december_statement(t)]
    assert len(workshop) == 9 and len(december) == 9, (len(workshop), len(december))
    for t in workshop + december:
        for p in t.postings:
            p.comment = None  # a spreadsheet row carries no posting comment
        assert t.comment is None and not t.tags, t.desc
    opening = sum(resolved_qty(t, p) for t in ordered if t.kind != "ASSERT"
                  and t.date <= date(2017, 11, 30) for p in t.postings
                  if p.account == ACCOUNTS["bank"])
    files = []
    # The first import declares the tags it writes (`ledger --pedantic` wants them).
    text = ["\ntag source\ntag import-key\n"]
    for name, (data, sheet, placed) in (
            ("depenses-atelier-2017.xlsx", mali_workbooks.workbook_depenses(workshop, fr_rules)),
            ("releve-bdm-2017-12.xlsx",
             mali_workbooks.workbook_releve(december, opening, bank_rules))):
        files.append((name, data))
        files.append(("%s.xlsx" % mali_workbooks.digest16(data), data))
        text.append(mali_workbooks.imported_text(data, sheet, placed))
    imported = set(map(id, workshop + december))
    first = min(t.date for t in workshop + december)
    kept = [t for t in ordered if id(t) not in imported
            and not (t.kind == "ASSERT" and t.postings[0].account == ACCOUNTS["bank"]
                     and t.date >= first)]
    return kept, "".join(text), files


def write_bytes(path, data):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as f:
        f.write(data)


def apply_clean():
    """The clean copy: no budget flag either (see the module docstring)."""
    global CLEAN, LINES, WORKSHOP_CASH
    CLEAN = True
    # Catering gets the budget it spent, taken from the awareness campaigns.
    amounts = {OVERSPENT_LINE: 3_500_000, "6.3": 19_000_000}
    LINES = [(c, fr, en, amounts.get(c, amt), sh, acts) for c, fr, en, amt, sh, acts in LINES]
    for c, amt in amounts.items():
        LINE[c]["amount"] = amt
    for a in AGREEMENTS:
        if a["donor"] == "DE":
            a["start"] = date(2017, 1, 1)
        if a["donor"] == "EU":
            a["ceiling"] = "25000.00"
    WORKSHOP_CASH = [(date(2017, 10, 27) if d == date(2017, 10, 29) else d, desc, items, c)
                     for d, desc, items, c in WORKSHOP_CASH]


def main():
    out_dir = OUT_DIR
    if sys.argv[1:2] == ["--clean"]:
        if len(sys.argv) != 3:
            raise SystemExit("usage: mali_sample.py [--clean DIR]")
        out_dir = os.path.abspath(sys.argv[2])
        apply_clean()
    build_year()
    build_psc()
    check_split_order_independent()
    ordered = order_and_number()
    s = check_all(ordered)
    write(os.path.join(out_dir, "project.toml"), render_project(s["total_budget"]))
    write(os.path.join(out_dir, "prices.journal"), render_prices())
    if CLEAN:
        write(os.path.join(out_dir, "books.journal"), render_books(ordered))
    else:
        kept, imported_text, files = plan_imports(ordered)
        write(os.path.join(out_dir, "books.journal"), render_books(kept) + imported_text)
        files.append(("releve-bdm-2017.xlsx",
                      mali_statement.workbook(ordered, ACCOUNTS["bank"], resolved_qty)))
        sources = os.path.join(out_dir, "sources")
        for name, data in files:
            write_bytes(os.path.join(sources, name), data)
        # Archived copies of earlier versions of the workbooks (named by their digest)
        # would only confuse: sources/ holds what this run wrote.
        written = {name for name, _ in files}
        for name in os.listdir(sources):
            stem = name[:-len(".xlsx")] if name.endswith(".xlsx") else ""
            if (len(stem) == 16 and all(c in "0123456789abcdef" for c in stem)
                    and name not in written):
                os.remove(os.path.join(sources, name))

    n_post = sum(len(t.postings) for t in ordered if t.kind != "ASSERT")
    print("budget total %s XOF, %d lines" % ("{:,}".format(s["total_budget"]), len(LINES)))
    print("%d transactions, %d postings (+%d assertion transactions), %d elided amounts"
          % (s["n_txn"], n_post, sum(1 for t in ordered if t.kind == "ASSERT"), s["elided"]))
    print("%-6s %14s %14s %14s" % ("donor", "received", "budget share", "spent"))
    for d in DONOR_IDS:
        print("%-6s %14s %14s %14s" % (d, "{:,}".format(s["received"][d]),
                                       "{:,.0f}".format(float(s["donor_budget"][d])),
                                       "{:,}".format(s["donor_spent"][d])))
    print("%-5s %12s %12s %7s" % ("line", "budget", "spent", "%"))
    for c in LINE:
        b, sp = LINE[c]["amount"], s["line_spent"][c]
        print("%-5s %12s %12s %6.1f%%%s" % (c, "{:,}".format(b), "{:,}".format(sp),
                                             100.0 * sp / b, "  OVERSPENT" if sp > b else ""))


if __name__ == "__main__":
    main()
