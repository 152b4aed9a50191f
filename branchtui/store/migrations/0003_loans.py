"""Guaranteed microloans: policy, borrowers, loans, repayments, events, and
their outcomes (businesses started, people re-employed). Frozen models."""

from peewee import *


def up(migrator, db):
    class Base(Model):
        class Meta:
            database = db
            legacy_table_names = False

    class Branch(Base):
        class Meta:
            table_name = "branch"

    class Policy(Base):
        effective_from = DateField(index=True)
        name = CharField(max_length=60, default="")
        ceiling_person = BigIntegerField()
        ceiling_partnership = BigIntegerField()
        max_term_months = IntegerField()
        subsidy_percent = IntegerField(default=100)
        payout_wait_days = IntegerField(default=90)
        max_extension_months = IntegerField(default=12)
        notes = TextField(default="")

    class Borrower(Base):
        name = CharField(max_length=30)
        name_pinyin = CharField(max_length=400, default="", index=True)
        name_initials = CharField(max_length=200, default="", index=True)
        id_number = CharField(max_length=18, unique=True)
        gender = CharField(max_length=2)
        birth_date = DateField()
        phone = CharField(max_length=20, default="")
        address = CharField(max_length=120, default="")
        status = CharField(max_length=4, default="下岗")
        certificate_no = CharField(max_length=30, default="")
        branch = ForeignKeyField(Branch, null=True, on_delete="SET NULL")
        sample = BooleanField(default=False)
        notes = TextField(default="")

    class Loan(Base):
        borrower = ForeignKeyField(Borrower, on_delete="RESTRICT")
        branch = ForeignKeyField(Branch, null=True, on_delete="SET NULL")
        purpose = CharField(max_length=60, default="")
        business = CharField(max_length=60, default="")
        lender = CharField(max_length=40, default="信用社")
        lender_office = CharField(max_length=40, default="")
        guarantor = CharField(max_length=40, default="镇党委")
        counter_guarantee = CharField(max_length=120, default="")
        amount = BigIntegerField()
        annual_rate = BigIntegerField()
        months = IntegerField()
        method = CharField(max_length=20)
        applied = DateField()
        approved = DateField(null=True)
        disbursed = DateField(null=True, index=True)
        state = CharField(max_length=4, default="申请", index=True)
        extension_months = IntegerField(default=0)
        extended_on = DateField(null=True)
        sample = BooleanField(default=False)
        notes = TextField(default="")

    class LoanPartner(Base):
        loan = ForeignKeyField(Loan, on_delete="CASCADE")
        borrower = ForeignKeyField(Borrower, on_delete="RESTRICT")
        share = BigIntegerField()

    class Repayment(Base):
        loan = ForeignKeyField(Loan, on_delete="RESTRICT")
        date = DateField(index=True)
        principal = BigIntegerField()
        interest = BigIntegerField()
        reverses = ForeignKeyField("self", null=True, on_delete="RESTRICT")
        note = CharField(max_length=200, default="")

    class LoanEvent(Base):
        loan = ForeignKeyField(Loan, on_delete="RESTRICT")
        date = DateField()
        kind = CharField(max_length=4, index=True)
        amount = BigIntegerField(default=0)
        months = IntegerField(default=0)
        note = CharField(max_length=200, default="")

    class Business(Base):
        name = CharField(max_length=60)
        kind = CharField(max_length=6)
        owner = CharField(max_length=30, default="")
        registered = DateField(index=True)
        employees = IntegerField(default=1)
        branch = ForeignKeyField(Branch, null=True, on_delete="SET NULL")
        loan = ForeignKeyField(Loan, null=True, on_delete="SET NULL")
        sample = BooleanField(default=False)
        notes = TextField(default="")

    class Placement(Base):
        person = CharField(max_length=30)
        date = DateField(index=True)
        channel = CharField(max_length=4)
        branch = ForeignKeyField(Branch, null=True, on_delete="SET NULL")
        loan = ForeignKeyField(Loan, null=True, on_delete="SET NULL")
        sample = BooleanField(default=False)
        notes = TextField(default="")

    db.create_tables([Policy, Borrower, Loan, LoanPartner, Repayment, LoanEvent, Business, Placement])
