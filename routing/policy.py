"""Routing policies: who may take a contact, which agent is best, which waiting contact comes next.

The router (:mod:`routing.router`) asks its policy these three questions and nothing else, so the
simulator compares policies by running the same router with a different one:

- :class:`SkillsPriority` (ours): skills with levels and the rules' priorities, aged by waiting time;
  the best agent has the highest level in the skill, then the lightest load, then the longest idle;
  specialists keep room for their priority work (the rules' ``reserve``).
- :class:`SkillsFifo`: skills decide who may take a contact; first come, first served; longest idle agent.
- :class:`SingleFifo`: one queue for everyone; any agent who speaks the language; longest idle agent.
"""

from __future__ import annotations

from typing import Protocol

from routing.model import Agent, Contact
from routing.rules import Reserve, Rules

__all__ = ["POLICIES", "Policy", "SingleFifo", "SkillsFifo", "SkillsPriority", "policy_named"]


class Policy(Protocol):
    """The three questions the router asks. Larger scores win."""

    name: str
    #: Whether an agent's skills restrict what they may take (the store filters candidates by skill first).
    uses_skills: bool
    #: Whether :meth:`fits` needs the contact's minimum level (so a store may filter by it).
    uses_levels: bool
    #: Whether :meth:`agent_score` orders agents as a store's candidate list does (level in the skill, then
    #: occupancy, then the longest idle), so that the first candidates that fit hold the policy's choice.
    store_order: bool

    def fits(self, contact: Contact, agent: Agent) -> bool:
        """Whether ``agent`` may take ``contact`` at all."""
        ...

    def agent_score(self, contact: Contact, agent: Agent, now: float) -> tuple[float, ...]:
        """How good a match ``agent`` is for ``contact`` (among those who fit and have room)."""
        ...

    def contact_score(self, contact: Contact, now: float) -> float:
        """How urgently ``contact`` should be taken next."""
        ...

    def team_reserve(self, contact: Contact, agent: Agent) -> tuple[Reserve, int] | None:
        """When ``agent`` taking ``contact`` needs other specialists free: the reserve and how many."""
        ...


def _idle(agent: Agent, now: float) -> float:
    return now - agent.idle_since if agent.load == 0 else 0.0


class SkillsPriority:
    """Ours: skill and level first, then the lightest load, then the longest idle; priority ages with waiting."""

    name = "skills-priority"
    uses_skills = True
    uses_levels = True
    store_order = True

    def __init__(self, aging_weight: float, reserve: Reserve | None = None) -> None:
        if aging_weight <= 0:
            raise ValueError("aging_weight must be positive, or a waiting contact could starve")
        self.aging_weight = aging_weight
        self.reserve = reserve

    def fits(self, contact: Contact, agent: Agent) -> bool:
        if not contact.fits(agent):
            return False
        reserve = self.reserve
        if reserve is None or not reserve.slots or contact.priority >= reserve.below_priority:
            return True
        if not reserve.holds(agent):
            return True
        if agent.capacity == 1:
            return True  # the team's reserve decides (team_reserve)
        # Never all of it: a specialist who chats one at a time still takes general work when free.
        return agent.free() - min(contact.cost, agent.capacity) >= min(reserve.slots, agent.capacity - 1)

    def agent_score(self, contact: Contact, agent: Agent, now: float) -> tuple[float, ...]:
        occupancy = agent.load / agent.capacity if agent.capacity else 1.0
        return (float(agent.skills.get(contact.skill, 0)), -occupancy, _idle(agent, now))

    def contact_score(self, contact: Contact, now: float) -> float:
        return contact.urgency(now, self.aging_weight)

    def team_reserve(self, contact: Contact, agent: Agent) -> tuple[Reserve, int] | None:
        reserve = self.reserve
        if (reserve is None or not reserve.idle_agents or agent.capacity != 1
                or contact.priority >= reserve.below_priority or not reserve.holds(agent)):
            return None
        return reserve, reserve.idle_agents


class SkillsFifo:
    """Skills-based routing without priorities: the oldest contact an agent can take, the longest idle agent."""

    name = "skills-fifo"
    uses_skills = True
    uses_levels = False
    store_order = False

    def fits(self, contact: Contact, agent: Agent) -> bool:
        return agent.skills.get(contact.skill, 0) >= 1 and contact.language in agent.languages

    def agent_score(self, contact: Contact, agent: Agent, now: float) -> tuple[float, ...]:
        return (-agent.load, _idle(agent, now))

    def contact_score(self, contact: Contact, now: float) -> float:
        return -contact.created_at

    def team_reserve(self, contact: Contact, agent: Agent) -> tuple[Reserve, int] | None:
        return None


class SingleFifo:
    """One queue: every agent takes any contact in a language they speak, oldest first."""

    name = "single-fifo"
    uses_skills = False
    uses_levels = False
    store_order = False

    def fits(self, contact: Contact, agent: Agent) -> bool:
        return contact.language in agent.languages

    def agent_score(self, contact: Contact, agent: Agent, now: float) -> tuple[float, ...]:
        return (-agent.load, _idle(agent, now))

    def contact_score(self, contact: Contact, now: float) -> float:
        return -contact.created_at

    def team_reserve(self, contact: Contact, agent: Agent) -> tuple[Reserve, int] | None:
        return None


POLICIES = ("skills-priority", "skills-fifo", "single-fifo")


def policy_named(name: str, rules: Rules) -> Policy:
    """The policy called ``name`` (one of :data:`POLICIES`) under ``rules``."""
    if name == "skills-priority":
        return SkillsPriority(rules.aging_weight, rules.reserve)
    if name == "skills-fifo":
        return SkillsFifo()
    if name == "single-fifo":
        return SingleFifo()
    raise ValueError(f"unknown routing policy {name!r}; known: {', '.join(POLICIES)}")
