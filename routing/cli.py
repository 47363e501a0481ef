"""``copilot routing ...``: validate the routing rules, see the queues, simulate a day."""

from __future__ import annotations

import typer

routing_app = typer.Typer(name="routing", help="Routing rules, queue status and the contact-centre simulator.",
                          no_args_is_help=True)
