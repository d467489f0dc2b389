"""`salesorg validate march1991` writes March's tables and figures and prints Figure 1."""

import pandas as pd

from salesorg.cli import main


def test_validate_march1991_writes_tables_and_figures(tmp_path, capsys):
    assert main(["validate", "march1991", "--replications", "3", "--out", str(tmp_path)]) == 0
    fig1 = pd.read_csv(tmp_path / "march1991_fig1.csv")
    assert list(fig1.columns) == ["p1", "p2", "mean", "sd", "n"]
    assert len(fig1) == 27 and (fig1.n == 3).all()
    assert fig1["mean"].between(-1, 1).all()
    for name in ("fig1", "fig2", "turnover", "turbulence"):
        assert (tmp_path / f"march1991_{name}.csv").stat().st_size > 0
        for ext in ("png", "pdf"):
            assert (tmp_path / f"march1991_{name}.{ext}").stat().st_size > 1000
    out = capsys.readouterr().out
    assert "Against the published curves" in out and "published" in out


def test_validate_rejects_too_few_replications(capsys):
    import pytest

    with pytest.raises(SystemExit):
        main(["validate", "march1991", "--replications", "1"])
    assert "--replications = 1" in capsys.readouterr().err
