"""The access policy as Django permissions (`user.has_perm(name, obj)`), through the `rules` library."""

from __future__ import annotations

import rules

from fairhearing.access import policy


@rules.predicate
def can_view_case(user, case) -> bool:
    return case is not None and policy.case_view(user, case) != policy.CaseView.NONE


@rules.predicate
def can_view_case_record(user, case) -> bool:
    return case is not None and policy.case_view(user, case).is_staff


@rules.predicate
def can_act_on_case(user, case) -> bool:
    return case is not None and policy.may_act(user, case)


@rules.predicate
def can_flag_case(user, case) -> bool:
    return case is not None and policy.may_flag(user, case)


@rules.predicate
def can_read_evidence_file(user, item) -> bool:
    return item is not None and policy.may_read_file(user, item)


@rules.predicate
def can_export_bundle(user, case) -> bool:
    return case is not None and policy.may_export_bundle(user, case)


@rules.predicate
def does_data_protection_work(user) -> bool:
    return policy.does_data_protection_work(user)


@rules.predicate
def uses_workspace(user) -> bool:
    return policy.uses_workspace(user)


rules.add_perm("cases.view_case", can_view_case)
rules.add_perm("cases.view_case_record", can_view_case_record)
rules.add_perm("cases.act_on_case", can_act_on_case)
rules.add_perm("cases.flag_case", can_flag_case)
rules.add_perm("evidence.read_file", can_read_evidence_file)
rules.add_perm("evidence.export_bundle", can_export_bundle)
rules.add_perm("privacy.data_protection_work", does_data_protection_work)
rules.add_perm("cases.use_workspace", uses_workspace)
