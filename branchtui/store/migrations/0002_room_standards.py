"""Room standards (三个一 built in), the equipment ledger, inspections and
posted rules; rooms gain their origin and multi-use tags.

Frozen models, independent of branchtui.store.models.
"""

from peewee import *


def up(migrator, db):
    class Base(Model):
        class Meta:
            database = db
            legacy_table_names = False

    class Room(Base):
        class Meta:
            table_name = "room"

    class Standard(Base):
        name = CharField(max_length=30, unique=True)
        description = TextField(default="")
        is_current = BooleanField(default=False)

    class StandardItem(Base):
        standard = ForeignKeyField(Standard, on_delete="CASCADE")
        name = CharField(max_length=30)
        category = CharField(max_length=4, default="设施")
        requirement = TextField(default="")
        position = IntegerField(default=0)

        class Meta:
            indexes = ((("standard", "name"), True),)

    class Equipment(Base):
        room = ForeignKeyField(Room, on_delete="RESTRICT")
        item = ForeignKeyField(StandardItem, null=True, on_delete="SET NULL")
        name = CharField(max_length=60)
        asset_no = CharField(max_length=30, default="")
        purchase_date = DateField(null=True)
        cost = BigIntegerField(default=0)
        funding = CharField(max_length=60, default="")
        condition = CharField(max_length=4, default="完好", index=True)
        notes = TextField(default="")

    class Inspection(Base):
        room = ForeignKeyField(Room, on_delete="RESTRICT")
        standard = ForeignKeyField(Standard, on_delete="RESTRICT")
        date = DateField(index=True)
        inspector = CharField(max_length=30)
        notes = TextField(default="")

    class InspectionResult(Base):
        inspection = ForeignKeyField(Inspection, on_delete="CASCADE")
        item = ForeignKeyField(StandardItem, on_delete="RESTRICT")
        passed = BooleanField()
        note = CharField(max_length=200, default="")

        class Meta:
            indexes = ((("inspection", "item"), True),)

    class RoomRule(Base):
        room = ForeignKeyField(Room, on_delete="RESTRICT")
        name = CharField(max_length=30)
        adopted = DateField(null=True)
        posted = BooleanField(default=True)
        notes = TextField(default="")

    migrator.migrate(
        migrator.add_column("room", "origin", CharField(max_length=4, default="既有")),
        migrator.add_column("room", "origin_year", IntegerField(null=True)),
        migrator.add_column("room", "tags", CharField(max_length=200, default="")),
    )
    db.create_tables([Standard, StandardItem, Equipment, Inspection, InspectionResult, RoomRule])

    # The built-in standard: every activity room has a colour TV, a VCD
    # player and a telephone (党员活动室"三个一").
    standard = Standard.create(
        name="三个一", is_current=True,
        description="党员活动室电教设备配备标准：彩电、VCD、电话各一")
    for position, (name, requirement) in enumerate((
            ("彩电", "彩色电视机一台，能正常收看"),
            ("VCD", "VCD 播放机一台，能播放党员电教片"),
            ("电话", "固定电话一部，能正常通话"))):
        StandardItem.create(standard=standard, name=name, category="设施",
                            requirement=requirement, position=position)
