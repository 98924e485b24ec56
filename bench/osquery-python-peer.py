"""osquery's own Python client (github.com/osquery/osquery-python) on a socket Porchlight's bench
gives it: the same one-row query, timed the same way. Prints one JSON line of milliseconds per call.
Usage: osquery-python-peer.py SOCKET WARMUP CALLS (osquery-python on PYTHONPATH)."""
import json
import sys
import time

from osquery import ExtensionClient

socket_path, warmup, calls = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
client = ExtensionClient(path=socket_path)
if not client.open(timeout=5):
    sys.exit("osquery-python could not open " + socket_path)
manager = client.extension_manager_client()
for _ in range(warmup):
    manager.query("SELECT 1 AS one")
times = []
for _ in range(calls):
    start = time.perf_counter()
    result = manager.query("SELECT 1 AS one")
    times.append((time.perf_counter() - start) * 1000)
    if result.status.code != 0 or result.response != [{"one": "1"}]:
        sys.exit("unexpected answer: %r" % (result,))
client.close()
print(json.dumps({"times": times}))
