"""Activities and their kinds, the 122 targets, appraisals and honours, the
education campaign with its phases, surveys and problems, and the base
registers. Frozen models; the built-in activity kinds are data."""

from peewee import *

KINDS = ("再就业培训", "计划生育讲座", "科普讲座", "扫盲班", "党课", "支部党员大会", "支委会", "党小组会", "座谈会")


def up(migrator, db):
    class Base(Model):
        class Meta:
            database = db
            legacy_table_names = False

    class Branch(Base):
        class Meta:
            table_name = "branch"

    class Room(Base):
        class Meta:
            table_name = "room"

    class ActivityKind(Base):
        name = CharField(max_length=20, unique=True)
        position = IntegerField(default=0)

    class Activity(Base):
        kind = ForeignKeyField(ActivityKind, on_delete="RESTRICT")
        date = DateField(index=True)
        branch = ForeignKeyField(Branch, on_delete="RESTRICT")
        room = ForeignKeyField(Room, null=True, on_delete="SET NULL")
        topic = CharField(max_length=100)
        lecturer = CharField(max_length=30, default="")
        members_expected = IntegerField(default=0)
        members_present = IntegerField(default=0)
        others = IntegerField(default=0)
        notes = TextField(default="")

    class Target(Base):
        branch = ForeignKeyField(Branch, on_delete="RESTRICT")
        year = IntegerField(index=True)
        measure = CharField(max_length=30)  # "kind:<id>", "rooms", "placements", "businesses", "loans"
        expected = IntegerField()

        class Meta:
            indexes = ((("branch", "year", "measure"), True),)

    class Appraisal(Base):
        branch = ForeignKeyField(Branch, on_delete="RESTRICT")
        year = IntegerField()
        secretary = CharField(max_length=30, default="")
        goals_ok = BooleanField(default=False)
        goals_note = CharField(max_length=200, default="")
        rules_ok = BooleanField(default=False)
        rules_note = CharField(max_length=200, default="")
        tasks_ok = BooleanField(default=False)
        tasks_note = CharField(max_length=200, default="")
        score = IntegerField(null=True)

        class Meta:
            indexes = ((("branch", "year"), True),)

    class Honour(Base):
        name = CharField(max_length=40)
        level = CharField(max_length=4)  # 区级 / 市级 / 省级
        year = IntegerField()
        branch = ForeignKeyField(Branch, null=True, on_delete="SET NULL")
        person = CharField(max_length=30, default="")
        notes = TextField(default="")

    class Campaign(Base):
        name = CharField(max_length=60)
        theme = CharField(max_length=100, default="")
        start = DateField()
        end = DateField(null=True)

    class CampaignPhase(Base):
        campaign = ForeignKeyField(Campaign, on_delete="CASCADE")
        position = IntegerField()
        name = CharField(max_length=40)
        planned_start = DateField()
        planned_end = DateField()
        actual_start = DateField(null=True)
        actual_end = DateField(null=True)

    class CampaignBranch(Base):
        campaign = ForeignKeyField(Campaign, on_delete="CASCADE")
        branch = ForeignKeyField(Branch, on_delete="RESTRICT")
        phase = ForeignKeyField(CampaignPhase, null=True, on_delete="SET NULL")
        members_taking_part = IntegerField(default=0)
        completed_on = DateField(null=True)

        class Meta:
            indexes = ((("campaign", "branch"), True),)

    class Survey(Base):
        campaign = ForeignKeyField(Campaign, on_delete="CASCADE")
        branch = ForeignKeyField(Branch, null=True, on_delete="SET NULL")
        kind = CharField(max_length=4)  # 座谈会 / 调查表
        date = DateField()
        issued = IntegerField(default=0)
        returned = IntegerField(default=0)
        notes = TextField(default="")

    class Problem(Base):
        campaign = ForeignKeyField(Campaign, on_delete="CASCADE")
        branch = ForeignKeyField(Branch, null=True, on_delete="SET NULL")
        raised = CharField(max_length=200)
        source = CharField(max_length=4, default="调查表")
        rectification = CharField(max_length=200, default="")
        status = CharField(max_length=4, default="待整改")
        due = DateField(null=True)

    class Register(Base):
        branch = ForeignKeyField(Branch, on_delete="RESTRICT")
        date = DateField(index=True)
        population = IntegerField()
        households = IntegerField()
        employed = IntegerField()
        laid_off = IntegerField()
        low_income = IntegerField()
        family_planning = IntegerField()  # households meeting the family-planning policy
        notes = TextField(default="")

    db.create_tables([ActivityKind, Activity, Target, Appraisal, Honour, Campaign, CampaignPhase,
                      CampaignBranch, Survey, Problem, Register])
    for position, name in enumerate(KINDS):
        ActivityKind.create(name=name, position=position)
