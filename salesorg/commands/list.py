"""``salesorg list``: the shipped experiments and the question each one answers."""

from __future__ import annotations


def register(sub) -> None:
    parser = sub.add_parser(
        "list",
        help="list the shipped experiments with their one-line purpose",
        description="List the experiment files shipped in experiments/ (run one with "
        "`salesorg run NAME`).",
    )
    parser.set_defaults(func=handle)


def handle(args) -> int:
    from salesorg.experiments import load_spec, plan_runs, shipped_names

    names = shipped_names()
    width = max(map(len, names), default=0)
    for name in names:
        spec = load_spec(name)
        runs = len(plan_runs(spec))
        print(
            f"{name:<{width}}  {spec.description} [{spec.model}, {runs} runs x {spec.steps} steps]"
        )
    return 0
