"""The router on every repository: queues from rules, the best agent, pulls, stickiness, offers, transfers."""

from __future__ import annotations

import pytest

from routing.model import RoutingError, TransitionError, TriageView
from routing.policy import SkillsPriority
from routing.router import NewContact, NotFound, Router
from tests.unit.routing.conftest import Clock, agent


def _without_reserve(router: Router) -> Router:
    """The same router without the specialists' reserve (its own tests are below)."""
    return Router(router.repo, router.rules, SkillsPriority(router.rules.aging_weight), clock=router.clock)


SCAM = TriageView(area="security_and_fraud", risks=("scam_in_progress",), urgency="now")
CARDS = TriageView(area="cards")


def test_a_scam_goes_to_the_fraud_priority_queue_and_waits_when_nobody_is_free(router: Router) -> None:
    contact = router.create(NewContact("chat", SCAM))
    assert (contact.queue, contact.priority, contact.state) == ("fraud-p1", 100.0, "waiting")
    assert contact.target_wait_s == 20.0 and contact.deadline_at == contact.created_at + 20.0
    assert contact.decision.rule == "scam-or-takeover" and "no free agent" in contact.decision.reason
    assert router.repo.get_contact(contact.id) == contact


def test_a_new_contact_is_offered_to_the_best_eligible_agent(router: Router, clock: Clock) -> None:
    router.register_agent(agent("junior", skills={"cards": 1}))
    router.register_agent(agent("expert", skills={"cards": 4}))
    router.register_agent(agent("payments", skills={"card_payments": 5}))
    router.register_agent(agent("welsh", skills={"cards": 5}, languages=("cy",)))
    for name in ("junior", "expert", "payments", "welsh"):
        router.set_status(name, "available")
    contact = router.create(NewContact("chat", CARDS))
    assert (contact.state, contact.agent_id, contact.queue) == ("offered", "expert", "cards/en")
    assert contact.decision.candidates == 2 and contact.decision.score is not None
    assert router.repo.get_agent("expert").load == 1  # type: ignore[union-attr]


def test_among_equal_levels_the_least_loaded_then_the_longest_idle_wins(router: Router, clock: Clock) -> None:
    for name in ("first", "second"):
        router.register_agent(agent(name, skills={"cards": 2}, capacity=3))
        router.set_status(name, "available")
        clock.tick(5)
    one = router.create(NewContact("chat", CARDS))
    assert one.agent_id == "first"  # idle longest
    two = router.create(NewContact("chat", CARDS))
    assert two.agent_id == "second"  # "first" now holds one contact


def test_a_freed_agent_pulls_the_most_urgent_waiting_contact(router: Router, clock: Clock) -> None:
    router = _without_reserve(router)
    router.register_agent(agent("a", skills={"cards": 2, "fraud": 3}, capacity=1))
    routine = router.create(NewContact("chat", CARDS))
    clock.tick(10)
    scam = router.create(NewContact("chat", SCAM))
    clock.tick(1)
    router.set_status("a", "available")
    assert router.repo.get_contact(scam.id).state == "offered"  # type: ignore[union-attr]
    assert router.repo.get_contact(routine.id).state == "waiting"  # type: ignore[union-attr]
    router.accept(scam.id, "a")
    clock.tick(60)
    router.close(scam.id, "a", outcome="resolved")
    pulled = router.repo.get_contact(routine.id)
    assert pulled is not None and (pulled.state, pulled.agent_id) == ("offered", "a")


def test_a_freed_agent_reaches_the_contact_they_fit_behind_many_they_do_not(router: Router, clock: Clock) -> None:
    # 70 scams wait for the fraud queue, which needs fraud level 2; this agent has level 1 there. The one
    # cards contact behind them, far less urgent, is the one they can take: the store filters by level, so it
    # is not lost behind a page of contacts the agent does not fit.
    router = _without_reserve(router)
    router.register_agent(agent("a", skills={"cards": 2, "fraud": 1}, capacity=1))
    scams = [router.create(NewContact("chat", SCAM)) for _ in range(70)]
    clock.tick(5)
    routine = router.create(NewContact("chat", CARDS))
    router.set_status("a", "available")
    assert router.repo.get_contact(routine.id).state == "offered"  # type: ignore[union-attr]
    assert all(router.repo.get_contact(s.id).state == "waiting" for s in scams)  # type: ignore[union-attr]


def test_priority_ages_so_a_long_wait_overtakes_a_fresh_priority_contact(router: Router, clock: Clock) -> None:
    router = _without_reserve(router)
    router.register_agent(agent("a", skills={"cards": 2, "fraud": 3}, capacity=1))
    old = router.create(NewContact("chat", CARDS))
    clock.tick(60 * 4.6)  # 10 + 20 x 4.6 = 102 > 100
    fresh = router.create(NewContact("chat", SCAM))
    router.set_status("a", "available")
    assert router.repo.get_contact(old.id).state == "offered"  # type: ignore[union-attr]
    assert router.repo.get_contact(fresh.id).state == "waiting"  # type: ignore[union-attr]


def test_a_reopened_contact_goes_back_to_its_agent_when_they_are_free(router: Router, clock: Clock) -> None:
    for name, level in (("usual", 1), ("better", 5)):
        router.register_agent(agent(name, skills={"cards": level}, capacity=2))
        router.set_status(name, "available")
    first = router.create(NewContact("chat", TriageView(area="cards")))
    assert first.agent_id == "better"
    router.accept(first.id, "better")
    router.close(first.id, "better")
    router.set_status("better", "away")
    again = router.create(NewContact("chat", CARDS, reopens=first.id))
    assert again.agent_id == "usual"  # the previous agent is away: normal routing
    router.set_status("better", "available")
    router.accept(again.id, "usual")
    router.close(again.id, "usual")
    third = router.create(NewContact("chat", CARDS, reopens=first.id))
    assert third.agent_id == "better" and third.decision.reason.endswith("sticky: the agent of the contact it reopens")


def test_a_voice_call_takes_an_agent_whole(router: Router) -> None:
    router.register_agent(agent("a", capacity=3))
    router.set_status("a", "available")
    chat = router.create(NewContact("chat", CARDS))
    call = router.create(NewContact("voice", CARDS))
    assert chat.state == "offered" and call.state == "waiting"
    router.accept(chat.id, "a")
    router.close(chat.id, "a")
    offered = router.repo.get_contact(call.id)
    assert offered is not None and offered.state == "offered" and offered.cost == 3
    assert router.create(NewContact("chat", CARDS)).state == "waiting"


def test_an_unanswered_offer_goes_back_to_the_queue_and_the_agent_is_set_away(router: Router, clock: Clock) -> None:
    router.register_agent(agent("a"))
    router.register_agent(agent("b"))
    router.set_status("a", "available")
    contact = router.create(NewContact("chat", CARDS))
    assert contact.agent_id == "a"
    clock.tick(31)
    router.set_status("b", "available")  # b is only free now; the offer to a still stands
    assert router.repo.get_contact(contact.id).agent_id == "a"  # type: ignore[union-attr]
    router.sweep()
    again = router.repo.get_contact(contact.id)
    assert again is not None and (again.state, again.agent_id) == ("offered", "b")
    a = router.repo.get_agent("a")
    assert a is not None and (a.status, a.load) == ("away", 0)
    with pytest.raises(RoutingError, match="not offered to agent a"):
        router.accept(contact.id, "a")


def test_a_transfer_ends_the_leg_and_the_new_one_keeps_its_priority(router: Router, clock: Clock) -> None:
    router.register_agent(agent("a", skills={"cards": 2}))
    router.register_agent(agent("c", skills={"complaints": 2}))
    router.set_status("a", "available")
    contact = router.create(NewContact("chat", CARDS))
    router.accept(contact.id, "a")
    leg = router.transfer(contact.id, "a", "complaints", reason="customer wants to complain")
    assert leg.state == "waiting" and leg.queue == "complaints" and leg.transferred_from == contact.id
    assert leg.priority == contact.priority and leg.decision.rule == "transfer"
    assert router.repo.get_contact(contact.id).state == "transferred"  # type: ignore[union-attr]
    assert router.repo.get_agent("a").load == 0  # type: ignore[union-attr]
    router.set_status("c", "available")
    assert router.repo.get_contact(leg.id).agent_id == "c"  # type: ignore[union-attr]
    with pytest.raises(RoutingError, match="no queue 'nowhere'"):
        router.transfer(leg.id, "c", "nowhere")


def test_abandoning_an_offered_contact_gives_the_agent_their_room_back(router: Router) -> None:
    router.register_agent(agent("a", capacity=1))
    router.set_status("a", "available")
    first = router.create(NewContact("chat", CARDS))
    second = router.create(NewContact("chat", CARDS))
    router.abandon(first.id)
    assert router.repo.get_contact(first.id).state == "abandoned"  # type: ignore[union-attr]
    assert router.repo.get_contact(second.id).agent_id == "a"  # type: ignore[union-attr]
    with pytest.raises(TransitionError):
        router.repo.get_contact(first.id).moved("assigned")  # type: ignore[union-attr]


def test_wrong_agents_and_unknown_ids_are_refused(router: Router) -> None:
    router.register_agent(agent("a"))
    router.register_agent(agent("b"))
    router.set_status("a", "available")
    contact = router.create(NewContact("chat", CARDS))
    router.accept(contact.id, "a")
    with pytest.raises(RoutingError, match="assigned to another agent"):
        router.close(contact.id, "b")
    with pytest.raises(NotFound):
        router.close("00000000-0000-0000-0000-000000000000", "a")
    with pytest.raises(NotFound):
        router.set_status("nobody", "available")
    with pytest.raises(NotFound):
        router.create(NewContact("chat", CARDS, reopens="00000000-0000-0000-0000-000000000000"))
    with pytest.raises(RoutingError, match="capacity"):
        router.register_agent(agent("z", capacity=0))


def test_every_change_is_an_event_for_the_agent_concerned(router: Router) -> None:
    router.register_agent(agent("a"))
    router.set_status("a", "available")
    contact = router.create(NewContact("chat", CARDS))
    router.accept(contact.id, "a")
    router.close(contact.id, "a")
    kinds = [e.kind for _, e in router.repo.events_after(0)]
    assert kinds == ["agent.status_changed", "contact.created", "contact.offered", "contact.assigned",
                     "contact.closed"]
    mine = [e.kind for _, e in router.repo.events_after(0, agent_id="a")]
    assert "contact.created" not in mine and "contact.offered" in mine
    assert all("conversation" not in e.data for _, e in router.repo.events_after(0))


def test_placement_counts_who_is_ahead(router: Router, clock: Clock) -> None:
    router.register_agent(agent("a", capacity=2))
    router.set_status("a", "busy")
    ahead = router.create(NewContact("chat", CARDS))
    clock.tick(5)
    behind = router.create(NewContact("chat", CARDS))
    first, second = router.placement(ahead), router.placement(behind)
    assert first is not None and second is not None
    assert (first.position, second.position) == (0, 1) and second.estimated_wait_s > first.estimated_wait_s


def test_specialists_keep_room_for_priority_work(router: Router) -> None:
    router.register_agent(agent("chat-fraud", skills={"fraud": 3, "cards": 3}, capacity=3))
    router.set_status("chat-fraud", "available")
    general = [router.create(NewContact("chat", CARDS)) for _ in range(2)]
    assert [c.state for c in general] == ["offered", "waiting"]  # one general chat, two slots kept
    assert router.create(NewContact("chat", SCAM)).agent_id == "chat-fraud"


def test_a_one_at_a_time_specialist_takes_general_work_only_while_others_are_free(router: Router) -> None:
    for name in ("v1", "v2", "v3"):
        router.register_agent(agent(name, skills={"fraud": 3, "cards": 3}, capacity=1))
        router.set_status(name, "available")
    taken = [router.create(NewContact("voice", CARDS)) for _ in range(2)]
    assert [c.state for c in taken] == ["offered", "waiting"]  # two specialists stay free for fraud
    assert router.create(NewContact("voice", SCAM)).state == "offered"


def test_an_agent_read_without_a_lock_is_claimed_only_while_unchanged(router: Router) -> None:
    router.register_agent(agent("a", skills={"cards": 2}, capacity=3))
    router.set_status("a", "available")
    seen = router.repo.get_agent("a")
    assert seen is not None
    router.set_status("a", "away")  # changes them after they were read
    with router.repo.transaction() as tx:
        assert tx.claim_agent(seen, seen.load + 1) is None
    current = router.repo.get_agent("a")
    assert current is not None and current.load == 0
    with router.repo.transaction() as tx:
        claimed = tx.claim_agent(current, current.load + 1)
    assert claimed is not None and (claimed.load, claimed.version) == (1, current.version + 1)
    assert router.repo.get_agent("a") == claimed


def test_a_new_contact_skips_a_candidate_who_changed_since_the_candidates_were_read(router: Router) -> None:
    router.register_agent(agent("expert", skills={"cards": 4}))
    router.register_agent(agent("junior", skills={"cards": 1}))
    for name in ("expert", "junior"):
        router.set_status(name, "available")
    transaction = router.repo.transaction

    def stale_candidates():  # type: ignore[no-untyped-def]
        # The expert is read as a candidate, then goes away before their room is taken.
        context = transaction()
        tx = context.__enter__()
        read = tx.agent_candidates

        def candidates(*args, **kwargs):  # type: ignore[no-untyped-def]
            found = read(*args, **kwargs)
            expert = next(a for a in found if a.id == "expert")
            tx.upsert_agent(expert.with_(status="away", version=expert.version + 1))
            return found

        tx.agent_candidates = candidates  # type: ignore[method-assign]

        class Context:
            def __enter__(self):  # type: ignore[no-untyped-def]
                return tx

            def __exit__(self, *exc):  # type: ignore[no-untyped-def]
                return context.__exit__(*exc)

        return Context()

    router.repo.transaction = stale_candidates  # type: ignore[method-assign]
    contact = router.create(NewContact("chat", CARDS))
    router.repo.transaction = transaction  # type: ignore[method-assign]
    assert (contact.state, contact.agent_id) == ("offered", "junior")
    assert router.repo.get_agent("expert").load == 0  # type: ignore[union-attr]
