"""Repayments say whether they were a prepayment and what the borrower chose:
缩短期限 (keep the installment, fewer months) or 减少月供 (keep the term).
The schedule after a prepayment is recomputed from the repayments, so a
reversed prepayment takes its re-scheduling with it.
"""

from peewee import *


def up(migrator, db):
    # DEFAULT '' in the schema too: rows written by hand or by older code get an ordinary repayment
    migrator.migrate(migrator.add_column("repayment", "prepay",
                                         CharField(max_length=4, default="", constraints=[SQL("DEFAULT ''")])))
