"""`make chaos`: the load-and-chaos run of issue 10 (README, "Chaos run").

kycdesk runs as in production — gunicorn, a django-q2 cluster on Redis, PostgreSQL — with the
vendor simulators on. The run launches sessions through the real clients, finishes each on the
person's page with an outcome the simulator can produce, injects vendor faults over HTTP, replays
stored deliveries (duplicates, reordering), lets the sweeps recover, waits for the queue to drain
and checks every session against what the simulators decided.

Modules: config (settings from the environment), infra (database, Redis, processes), drive
(launch, finish, faults), replay, recover (sweeps and drain), check (figures), run (the order).
"""
