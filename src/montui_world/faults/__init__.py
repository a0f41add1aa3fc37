"""A faulty AWS: a loopback HTTP/1.1 proxy in front of the local AWS world that injects
throttling, 5xx answers, stalls, connection resets and credential errors, by rate and by
service, region and operation, each in the service's own wire protocol.

    python -m montui_world.faults --upstream http://127.0.0.1:PORT [--rate 0.3] [--seed 1]

`plan` decides (a seeded RNG and counters: a run is reproducible), `wire` reads the call
from a request and writes an error as the service would, `http` reads and writes HTTP/1.1,
`proxy` serves it all on 127.0.0.1 in a thread of its own.
"""
