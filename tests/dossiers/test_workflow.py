"""Every action from every status: allowed ones succeed, the rest are refused with a reason
and change nothing."""

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from dossiers import services
from dossiers.models import Status
from dossiers.workflow import NATIONAL_CODES, TRANSITIONS, Action, available_actions

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def perform(action, dossier, actor):
    later = (dossier.appointment_at or dossier.created_at) + timedelta(days=30)
    calls = {
        Action.RECEIVE: lambda: services.receive(dossier, actor),
        Action.REFUSE: lambda: services.refuse(dossier, actor, "Không đúng thẩm quyền"),
        Action.REQUEST_SUPPLEMENT: lambda: services.request_supplement(dossier, actor, "Thiếu"),
        Action.SUPPLEMENT: lambda: services.supplement(
            dossier,
            actor,
            "Đã bổ sung",
            [services.Upload(SimpleUploadedFile("a.pdf", PDF))],
        ),
        Action.TRANSFER: lambda: services.transfer(dossier, actor),
        Action.REQUEST_PAYMENT: lambda: services.request_payment(dossier, actor),
        Action.CONFIRM_PAYMENT: lambda: services.confirm_payment(dossier, actor),
        Action.RESOLVE: lambda: services.resolve(dossier, actor),
        Action.RETURN: lambda: services.return_result(dossier, actor),
        Action.REQUEST_WITHDRAWAL: lambda: services.request_withdrawal(dossier, actor, "Rút"),
        Action.STOP: lambda: services.stop(dossier, actor, "Dừng"),
        Action.APOLOGIZE: lambda: services.apologize(dossier, actor, "Chậm", later),
        Action.RATE: lambda: services.rate(dossier, actor, "satisfied"),
    }
    return calls[action]()


EXPECTED_TARGET = {
    Action.RECEIVE: {"submitted": "received"},
    Action.REFUSE: {"submitted": "refused"},
    Action.REQUEST_SUPPLEMENT: {
        "submitted": "supplement_requested",
        "in_progress": "supplement_requested",
    },
    Action.SUPPLEMENT: {"supplement_requested": "in_progress"},
    Action.TRANSFER: {"received": "in_progress", "in_progress": "in_progress"},
    Action.REQUEST_PAYMENT: {"in_progress": "awaiting_payment"},
    Action.CONFIRM_PAYMENT: {"awaiting_payment": "in_progress"},
    Action.RESOLVE: {"in_progress": "resolved"},
    Action.RETURN: {"resolved": "returned"},
    Action.REQUEST_WITHDRAWAL: {
        s: "withdrawal_requested"
        for s in [
            "submitted",
            "received",
            "in_progress",
            "supplement_requested",
            "awaiting_payment",
        ]
    },
    Action.STOP: {"withdrawal_requested": "stopped", "in_progress": "stopped"},
    Action.APOLOGIZE: {
        s: s for s in ["received", "in_progress", "supplement_requested", "awaiting_payment"]
    },
    Action.RATE: {"returned": "returned"},
}


def test_the_table_is_the_design():
    for action, targets in EXPECTED_TARGET.items():
        assert set(TRANSITIONS[action].sources) == set(targets), action
    assert sorted(NATIONAL_CODES.values()) == list(range(1, 11))


@pytest.mark.parametrize("status", [s.value for s in Status])
@pytest.mark.parametrize("action", list(EXPECTED_TARGET))
def test_every_action_from_every_status(make, org, action, status):
    dossier = make(status)
    events_before = dossier.events.count()
    expected = EXPECTED_TARGET[action].get(status)
    if expected is None:
        with pytest.raises(services.TransitionError) as refused:
            perform(action, dossier, org.admin)
        assert "không" in refused.value.message.lower() or refused.value.message
        dossier.refresh_from_db()
        assert dossier.status == status
        assert dossier.events.count() == events_before
    else:
        result = perform(action, dossier, org.admin)
        result.refresh_from_db()
        assert result.status == expected
        assert result.events.count() == events_before + 1
        last = result.events.last()
        assert (last.from_status, last.to_status) == (status, expected)


def test_supplement_before_receipt_goes_back_to_the_desk(make, org):
    dossier = make("submitted")
    dossier = services.request_supplement(dossier, org.desk_officer, "Thiếu tờ khai")
    dossier = services.supplement(dossier, org.citizen, "Đã bổ sung")
    assert dossier.status == Status.SUBMITTED
    assert dossier.supplement_count == 0  # asked before handling: not counted against us


class TestWhoMayAct:
    def test_desk_officer_receives_only_at_their_own_desk(self, make, org):
        dossier = make("submitted")
        with pytest.raises(services.TransitionError):
            services.receive(dossier, org.other_ward_desk)
        with pytest.raises(services.TransitionError):
            services.receive(dossier, org.citizen)
        assert services.receive(dossier, org.desk_officer).status == Status.RECEIVED

    def test_only_the_holding_unit_resolves(self, make, org):
        dossier = make("in_progress")  # with the justice office
        for outsider in (org.desk_officer, org.ward_specialist, org.ward_leader, org.citizen):
            with pytest.raises(services.TransitionError):
                services.resolve(dossier, outsider)
        assert services.resolve(dossier, org.specialist).status == Status.RESOLVED

    def test_only_the_applicant_rates(self, make, org):
        dossier = make("returned")
        with pytest.raises(services.TransitionError):
            services.rate(dossier, org.other_citizen, "satisfied")
        services.rate(dossier, org.citizen, "very_satisfied", "Nhanh")
        assert dossier.rating.level == "very_satisfied"
        with pytest.raises(services.TransitionError):
            services.rate(dossier, org.citizen, "satisfied")

    def test_available_actions_follow_the_actor(self, make, org):
        dossier = make("in_progress")
        assert Action.RESOLVE in available_actions(dossier, org.specialist)
        assert Action.RESOLVE not in available_actions(dossier, org.desk_officer)
        assert Action.REQUEST_WITHDRAWAL in available_actions(dossier, org.citizen)
        assert available_actions(dossier, org.other_citizen) == []
