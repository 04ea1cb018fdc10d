"""The pacer: never more than the rate in any one-second window, and close to the rate."""

import itertools
import random

import pytest

from recovery.sending.pacing import MARGIN, Pacer


class Clock:
    """A clock that only moves when someone sleeps (or the test moves it)."""

    def __init__(self, oversleep: list[float] | None = None) -> None:
        self.now = 1000.0
        self.oversleep = oversleep or []
        self.sleeps: list[float] = []

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds + (self.oversleep.pop() if self.oversleep else 0.0)


def send_times(pacer: Pacer, clock: Clock, count: int, *, gaps: list[float] | None = None):
    """When each of ``count`` callers was let through, one after another."""
    times = []
    for index in range(count):
        clock.now += gaps[index] if gaps else 0.0
        pacer.wait()
        times.append(clock.now)
    return times


def busiest_second(times: list[float]) -> int:
    """The most sends in any window [t, t + 1 s)."""
    return max(sum(1 for other in times if start <= other < start + 1.0) for start in times)


def test_callers_queued_at_fifty_a_second_never_put_fifty_one_in_a_second() -> None:
    clock = Clock()
    times = send_times(Pacer(50, clock=clock, sleep=clock.sleep), clock, 500)
    assert busiest_second(times) <= 50


def test_late_wake_ups_never_put_one_send_too_many_in_a_second() -> None:
    jitter = random.Random(7)
    clock = Clock(oversleep=[jitter.choice([0.0, 0.0005, 0.002, 0.06]) for _ in range(2000)])
    times = send_times(Pacer(50, clock=clock, sleep=clock.sleep), clock, 1000)
    assert busiest_second(times) <= 50


def test_callers_arriving_at_random_moments_never_exceed_the_rate() -> None:
    jitter = random.Random(11)
    clock = Clock()
    gaps = [jitter.choice([0.0, 0.0, 0.001, 0.01, 0.3]) for _ in range(1000)]
    times = send_times(Pacer(50, clock=clock, sleep=clock.sleep), clock, 1000, gaps=gaps)
    assert busiest_second(times) <= 50


def test_the_achieved_rate_stays_within_five_percent_of_the_cap() -> None:
    clock = Clock()
    times = send_times(Pacer(50, clock=clock, sleep=clock.sleep), clock, 1000)
    rate = (len(times) - 1) / (times[-1] - times[0])
    assert 47.5 <= rate <= 50
    assert rate == pytest.approx(50 / (1 + MARGIN), rel=0.01)


def test_slightly_late_wake_ups_are_caught_up() -> None:
    jitter = random.Random(3)
    clock = Clock(oversleep=[jitter.uniform(0, 0.002) for _ in range(2000)])
    times = send_times(Pacer(50, clock=clock, sleep=clock.sleep), clock, 1000)
    assert (len(times) - 1) / (times[-1] - times[0]) >= 47.5


def test_sends_are_spread_over_the_second_not_sent_in_a_burst() -> None:
    clock = Clock()
    times = send_times(Pacer(50, clock=clock, sleep=clock.sleep), clock, 100)
    gaps = [later - earlier for earlier, later in itertools.pairwise(times)]
    assert min(gaps) == pytest.approx((1 + MARGIN) / 50)


def test_after_a_quiet_spell_the_next_send_goes_at_once() -> None:
    clock = Clock()
    pacer = Pacer(50, clock=clock, sleep=clock.sleep)
    send_times(pacer, clock, 60)
    clock.now += 5.0
    sleeps_before = len(clock.sleeps)
    pacer.wait()
    assert len(clock.sleeps) == sleeps_before


def test_a_rate_below_one_a_second_spaces_sends_by_more_than_its_inverse() -> None:
    clock = Clock()
    times = send_times(Pacer(0.5, clock=clock, sleep=clock.sleep), clock, 5)
    gaps = [later - earlier for earlier, later in itertools.pairwise(times)]
    assert min(gaps) >= 2.0


def test_a_rate_of_zero_never_waits() -> None:
    clock = Clock()
    send_times(Pacer(0, clock=clock, sleep=clock.sleep), clock, 1000)
    assert clock.sleeps == []
