"""``manage.py hj212_listen`` as make run and docker-compose start it: listens, answers, stops on SIGTERM."""

import os
import signal
import socket
import subprocess
import sys
import time

from rivers import hj212
from tests.processes import BASE_DIR, PORTAL_VARIABLES


def test_the_command_listens_answers_and_stops_on_sigterm(tmp_path):
    env = {name: value for name, value in os.environ.items() if name not in PORTAL_VARIABLES}
    env.update(
        DJANGO_SETTINGS_MODULE="wushui.settings",
        PYTHONPATH=str(BASE_DIR),
        WUSHUI_VAR_DIR=str(tmp_path),
        DATABASE_URL=f"spatialite:///{tmp_path / 'db.sqlite3'}",
    )
    process = subprocess.Popen(
        [sys.executable, str(BASE_DIR / "manage.py"), "hj212_listen", "--port", "0"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        line = process.stdout.readline()
        assert line.startswith("HJ 212 listener on 127.0.0.1:"), line + process.stderr.read()
        port = int(line.rsplit(":", 1)[1])
        with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
            # A bad CRC needs no database to be refused, and is answered all the same.
            segment = "QN=20260305100000000;ST=21;CN=2061;PW=1;MN=A1;Flag=5;CP=&&DataTime=20260305100000&&"
            sock.sendall(hj212.frame(segment)[:-6] + b"0000\r\n")
            sock.settimeout(10)
            [answer] = hj212.StreamDecoder().feed(sock.recv(4096))
            assert answer.cp == f"QnRtn={hj212.BAD_CRC}"
        process.send_signal(signal.SIGTERM)
        deadline = time.monotonic() + 20
        while process.poll() is None and time.monotonic() < deadline:
            time.sleep(0.1)
        assert process.returncode == 0, process.stderr.read()
        assert "Stopped" in process.stdout.read()
    finally:
        if process.poll() is None:
            process.kill()


def test_make_run_and_compose_start_the_listener():
    run = (BASE_DIR / "scripts" / "run.sh").read_text()
    assert "manage.py hj212_listen" in run
    assert "$listener" in run.split("trap", 1)[1].splitlines()[0]  # stopped with the others
    compose = (BASE_DIR / "docker-compose.yml").read_text()
    service = compose.split("\n  hj212:\n", 1)[1].split("\n\n", 1)[0]
    assert '"hj212_listen", "--host", "0.0.0.0"' in service
    assert ":-9212}:9212" in service
