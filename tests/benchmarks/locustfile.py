"""The mix `make load` sends (run by `tests/benchmarks/load.py`, which writes BENCH_STATE).

Nine patients to one dietitian. A patient opens Today, checks in (htmx), reads results and
the diary; a dietitian opens the client list and client reports. Each simulated person waits
2 to 8 s between pages. Anything but a 200 counts as an error (a redirect to the login page
too)."""

import json
import os
import random
from pathlib import Path

from locust import HttpUser, between, task

STATE = json.loads(Path(os.environ["BENCH_STATE"]).read_text())
HTMX = {"HX-Request": "true", "X-CSRFToken": STATE["csrf"]}


class Person(HttpUser):
    abstract = True
    wait_time = between(2, 8)
    cookie = ""

    def open(self, method: str, url: str, name: str, **kwargs) -> None:
        # The session is this person's Cookie header: cookies the site sets are Secure and
        # never come back over plain http, so the jar is kept empty.
        self.client.cookies.clear()
        headers = {"Cookie": self.cookie, **kwargs.pop("headers", {})}
        with self.client.request(
            method,
            url,
            name=name,
            headers=headers,
            allow_redirects=False,
            catch_response=True,
            **kwargs,
        ) as answer:
            if answer.status_code != 200:
                answer.failure(f"{answer.status_code} {answer.headers.get('Location', '')}")


class Patient(Person):
    weight = 9

    def on_start(self):
        me = random.choice(STATE["patients"])
        self.cookie = me["cookie"]
        self.checkin = me["checkin"]

    @task(5)
    def today(self):
        self.open("GET", "/today/", "GET /today/")

    @task(2)
    def check_in(self):
        self.open(
            "POST", "/today/check-in/", "POST check-in (htmx)", data=self.checkin, headers=HTMX
        )

    @task(2)
    def results(self):
        self.open("GET", "/program/results/", "GET /program/results/")

    @task(1)
    def diary(self):
        self.open("GET", "/diary/", "GET /diary/")


class Dietitian(Person):
    weight = 1

    def on_start(self):
        me = random.choice(STATE["dietitians"])
        self.cookie = me["cookie"]
        self.list_name = f"GET /clinic/ ({me['clients']:,} clients)"
        self.reports = me["reports"]

    @task(3)
    def client_list(self):
        self.open("GET", "/clinic/", self.list_name)

    @task(2)
    def report(self):
        self.open("GET", random.choice(self.reports), "client report")
