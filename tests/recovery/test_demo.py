"""The demo data that `make run` seeds: patients at every interesting point, made once."""

from collections import Counter

from sqlalchemy import func, select

from recovery.models import Flag, Patient, StaffUser
from recovery.states import FlagKind, Severity
from tests.conftest import with_settings


def test_seed_demo_creates_logins_and_patients_at_every_point(runner, runtime) -> None:
    result = runner.invoke(args=["seed-demo"])
    assert result.exit_code == 0, result.output
    assert "nurse@example.org" in result.output and "admin@example.org" in result.output
    with runtime.sessions() as session:
        assert session.scalar(select(func.count()).select_from(Patient)) == 12
        kinds = Counter(flag.kind for flag in session.scalars(select(Flag)))
        urgent = session.scalars(select(Flag).where(Flag.severity == Severity.URGENT)).all()
        languages = [flag.enrollment.patient.language for flag in urgent]
    for kind in (
        FlagKind.PERSISTENT_PAIN,
        FlagKind.NO_RESPONSE,
        FlagKind.DELIVERY_FAILURE,
        FlagKind.OPTED_OUT,
        FlagKind.RED_FLAG_SYMPTOMS,
    ):
        assert kinds[kind] >= 1, kind
    assert languages == ["es"]


def test_seed_demo_twice_seeds_once(runner, runtime) -> None:
    runner.invoke(args=["seed-demo"])
    result = runner.invoke(args=["seed-demo"])
    assert result.exit_code == 0
    with runtime.sessions() as session:
        assert session.scalar(select(func.count()).select_from(StaffUser)) == 2
        assert session.scalar(select(func.count()).select_from(Patient)) == 12


def test_seed_demo_refuses_outside_the_console_backend(runner, runtime) -> None:
    runtime.settings = with_settings(runtime.settings, sms_backend="twilio")
    result = runner.invoke(args=["seed-demo"])
    assert result.exit_code != 0
    assert "console" in result.output
    with runtime.sessions() as session:
        assert session.scalar(select(func.count()).select_from(StaffUser)) == 0
