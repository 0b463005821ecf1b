"""devcloud: install, run, seed, snapshot and reset a real OpenStack control plane on 127.0.0.1.

The CLI (`python3 -m devcloud`) uses only the standard library, so any Python >= 3.11 can run
it. The OpenStack services, and the scripts that talk to them with openstacksdk (`seed.py`,
`smoke.py`), run inside the devcloud virtualenv.
"""
