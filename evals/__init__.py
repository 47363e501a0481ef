"""Eval harness: datasets, runners, metrics (ragas and our own), reports and golden sets.

Entry points (imported from their modules; this package imports nothing heavy on its own):

* ``evals.cli.eval_app``: the ``copilot eval run | compare | gate`` Typer app;
* ``evals.runner.run_eval(EvalConfig(...))`` -> ``RunResult``: one run, written to its folder;
* ``evals.compare.compare_runs(load_run(a), load_run(b))``, ``evals.gating.check_baseline`` /
  ``check_bounds``, ``evals.suites.load_suites`` / ``run_suites``: comparing and gating;
* ``evals.fakes``: the scripted grounded fake model and the scripted LLM judge;
* ``evals.metrics``: the metric functions.

See ``docs/evals.md``.
"""
