"""osquery's own Python client (github.com/osquery/osquery-python) on a socket Porchlight's bench
gives it, driven call by call so the bench can interleave it with Porchlight's client: each line
read from stdin ("one", or "large" followed by SQL) runs one query, timed around the call alone,
and one JSON line answers with its milliseconds and row count.
Usage: osquery-python-peer.py SOCKET (osquery-python on PYTHONPATH)."""
import json
import sys
import time

from osquery import ExtensionClient

socket_path = sys.argv[1]
client = ExtensionClient(path=socket_path)
if not client.open(timeout=5):
    sys.exit("osquery-python could not open " + socket_path)
manager = client.extension_manager_client()
for line in sys.stdin:
    command, _, sql = line.rstrip("\n").partition(" ")
    if command == "one":
        sql = "SELECT 1 AS one"
    start = time.perf_counter()
    result = manager.query(sql)
    elapsed = (time.perf_counter() - start) * 1000
    if result.status.code != 0 or (command == "one" and result.response != [{"one": "1"}]):
        sys.exit("unexpected answer: %r" % (result,))
    print(json.dumps({"ms": elapsed, "rows": len(result.response)}), flush=True)
client.close()
