"""``salesorg baseline``: compare key fixed-seed outputs with the committed baseline."""

from __future__ import annotations


def register(sub) -> None:
    parser = sub.add_parser(
        "baseline",
        help="compare fixed-seed key outputs with salesorg/tools/baseline.json (or --update it)",
        description="Recompute the fixed-seed baseline of key outputs and print every value "
        "that differs from the committed salesorg/tools/baseline.json. With --update, rewrite "
        "the file "
        "(do this only for an intended change, and commit it with that change).",
    )
    parser.add_argument(
        "--update", action="store_true", help="rewrite salesorg/tools/baseline.json"
    )
    parser.set_defaults(func=run)


def run(args) -> int:
    from salesorg.tools import baseline

    actual = baseline.compute()
    if args.update:
        baseline.write(actual)
        print(f"wrote {len(actual)} outputs to {baseline.BASELINE_FILE}")
        return 0
    changes = baseline.differences(baseline.load(), actual)
    for line in changes:
        print(line)
    print(f"{len(changes)} of {len(actual)} outputs differ from {baseline.BASELINE_FILE}")
    return 1 if changes else 0
