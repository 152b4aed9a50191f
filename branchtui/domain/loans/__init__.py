"""Guaranteed microloans (小额担保贷款).

``schedule`` projects what falls due (还款计划) and ``arrears`` ages what was
not paid (逾期, PAR). Both are pure arithmetic on ``Decimal`` yuan and
``datetime.date``: standard library only, no database, no UI. The rules and
the reference cases they reproduce are in ``shared/reference/loans.md``.
"""
