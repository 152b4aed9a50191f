"""The one write gate is structural: no module of domain/ writes a model
except through audit.py's helpers, and those helpers refuse to run outside
``audit.transaction()``."""

from __future__ import annotations

import pytest

from tests.domain import gate_discovery
from tests.domain.gate_discovery import all_bypasses, bypasses, writers


def test_no_domain_module_writes_around_the_gate():
    assert all_bypasses() == []


@pytest.mark.parametrize("source", [
    "Standard.update(is_current=True).execute()",
    "Member.insert(name='x').execute()",
    "Audit.delete().where(Audit.id == 1).execute()",
    "Room.create(name='x')",
    "member.save()",
    "user.delete_instance()",
    "database.execute_sql('UPDATE member SET name = 1')",
    "database.execute_sql(f'DELETE FROM {table} WHERE id = 1')",
])
def test_the_walk_catches_each_kind_of_bypass(source):
    from branchtui.store import models

    assert bypasses(source, vars(models)) != []


@pytest.mark.parametrize("source", [
    "values.update(a=1)",
    "text.replace(' ', '')",
    "day.replace(year=2000)",
    "database.execute_sql('SELECT 1')",
])
def test_the_walk_leaves_other_calls_alone(source):
    from branchtui.store import models

    assert bypasses(source, vars(models)) == []


def test_writers_are_discovered_through_calls():
    found = writers()
    for name in ("branchtui.domain.standards.set_current", "branchtui.domain.members.update_member",
                 "branchtui.domain.access.remove_user", "branchtui.domain.inspections.record_inspection",
                 "branchtui.domain.loans.repayments.record_repayment"):
        assert name in found
    assert "branchtui.domain.members.search_members" not in found
    assert "branchtui.domain.figures_cache.remembered" not in found  # a derived cache, no record
    assert all(not name.startswith(gate_discovery.GATE_MODULE) for name in found)


def test_gate_helpers_refuse_to_write_outside_a_transaction(demo_db):
    from branchtui.domain import audit
    from branchtui.store.models import Branch

    branch = Branch.get_by_id(1)
    branch.notes = "outside"
    with pytest.raises(RuntimeError):
        audit.save_audited(branch)
    with pytest.raises(RuntimeError):
        audit.delete_audited(branch)
    assert Branch.get_by_id(1).notes != "outside"


def test_derived_store_only_for_caches(demo_db):
    from branchtui.domain import audit
    from branchtui.store.models import Branch

    with pytest.raises(RuntimeError):
        audit.store_derived(Branch, Branch.id, {"id": 1, "name": "x"}, {Branch.name: "x"})
