"""`make run` a second time: the port is checked before anything is reset."""

import socket
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def port_free(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, str(ROOT / "bin" / "port-free"), *args],
        capture_output=True,
        text=True,
        check=False,
    )


def test_a_busy_port_stops_the_run_and_says_what_to_do():
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]

        result = port_free(str(port))

    assert result.returncode == 1
    assert f"Port {port} on 127.0.0.1 is busy" in result.stdout
    assert f"PORT={port + 1} make run" in result.stdout
    assert "the demo accounts were not reset" in result.stdout


def test_a_free_port_lets_the_run_go_on():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]

    assert port_free(str(port)).returncode == 0


def test_a_port_that_is_not_a_number_is_refused():
    result = port_free("eighty")

    assert result.returncode == 2
    assert "PORT must be a number" in result.stdout


def test_make_run_checks_the_port_before_it_migrates_or_reseeds():
    makefile = (ROOT / "Makefile").read_text()
    recipe = makefile.split("\nrun:", 1)[1].split("\n\n", 1)[0]

    assert recipe.index("bin/port-free $(PORT)") < recipe.index("migrate")
    assert recipe.index("migrate") < recipe.index("seed_demo")
    assert "runserver 127.0.0.1:$(PORT)" in recipe
