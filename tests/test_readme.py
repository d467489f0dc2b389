"""The README's commands exist and its Python example runs."""

import re
from pathlib import Path

from salesorg.cli import build_parser

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text()


def test_every_salesorg_command_in_the_readme_exists_and_parses():
    parser = build_parser()
    commands = re.findall(r"^\.venv/bin/salesorg (.+?)(?:\s+#.*)?$", README, flags=re.M)
    assert len(commands) >= 8
    for line in commands:
        argv = line.split()
        args = parser.parse_args(argv)  # exits (fails the test) on an unknown command or flag
        assert callable(args.func), line


def test_every_make_target_in_the_readme_is_in_the_makefile():
    makefile = (ROOT / "Makefile").read_text()
    targets = set(re.findall(r"^make (\w+)", README, flags=re.M))
    assert {"demo", "test", "viz", "bench"} <= targets
    for target in targets:
        assert re.search(rf"^{target}:", makefile, flags=re.M), target


def test_readme_python_example_runs(capsys):
    block = re.search(r"```python\n(from salesorg import .+?)```", README, flags=re.S).group(1)
    namespace: dict = {}
    exec(compile(block, "README.md", "exec"), namespace)
    assert namespace["model"].steps == 260
    assert "bookings" in capsys.readouterr().out


def test_readme_names_the_files_demo_writes():
    for name in ("results/quick/report.html", "results/quick/figures/", "march1991_fig1.csv"):
        assert name in README
