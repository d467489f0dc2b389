"""Fixed-seed key outputs equal the committed baseline, bit for bit."""

from salesorg.tools import baseline


def test_key_outputs_match_committed_baseline():
    changes = baseline.differences(baseline.load(), baseline.compute())
    assert not changes, (
        "fixed-seed outputs changed (run `salesorg baseline --update` if intended):\n"
        + "\n".join(changes)
    )


def test_differences_reports_every_changed_new_and_missing_value():
    lines = baseline.differences({"a": 1.0, "b": 2.0}, {"a": 1.5, "c": 3.0})
    assert lines == ["a: 1.0 -> 1.5", "b: missing (baseline 2.0)", "c: new output 3.0"]
