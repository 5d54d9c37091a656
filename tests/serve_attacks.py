"""serve_attacks.py URL STORE DSMS — dsms serve against what an attacker tries.

Run by tests/serve.sh against a server it started on a loopback port, with
accounts it made: "nat" (national), "prov" (provider P0001), and an API
token for prov in $PROV_TOKEN. Prints "ok: ..." or "FAIL: ..." per check and
ends with "N passed, N failed"; exits 1 on any failure.
"""
import http.client
import json
import os
import socket
import sqlite3
import subprocess
import sys
import threading
import time
import urllib.parse

URL, STORE, DSMS = sys.argv[1], sys.argv[2], sys.argv[3]
HOST = urllib.parse.urlsplit(URL).hostname
PORT = urllib.parse.urlsplit(URL).port
PASSWORD = os.environ["DSMS_PASSWORD"]
passed = failed = 0


def check(cond, what):
    global passed, failed
    if cond:
        passed += 1
        print("ok:", what)
    else:
        failed += 1
        print("FAIL:", what)


def request(method, path, body=None, headers=None, timeout=20):
    c = http.client.HTTPConnection(HOST, PORT, timeout=timeout)
    c.request(method, path, body=body, headers=headers or {})
    r = c.getresponse()
    data = r.read()
    c.close()
    return r.status, dict((k.lower(), v) for k, v in r.getheaders()), data


def login(name, cookie=None):
    headers = {"Content-Type": "application/json"}
    if cookie:
        headers["Cookie"] = "dsms_session=" + cookie
    status, h, data = request("POST", "/api/v1/session",
                              json.dumps({"name": name, "password": PASSWORD}), headers)
    session = None
    for part in h.get("set-cookie", "").split(";"):
        if part.strip().startswith("dsms_session="):
            session = part.strip().split("=", 1)[1]
    csrf = json.loads(data).get("csrf") if status == 200 else None
    return status, session, csrf, h.get("set-cookie", "")


def submissions():
    db = sqlite3.connect(STORE)
    n = db.execute("select count(*) from submissions").fetchone()[0]
    db.close()
    return n


# ---- sessions -------------------------------------------------------------------------

status, session, csrf, cookie = login("nat", cookie="attacker-chosen-value")
check(status == 200 and session and session != "attacker-chosen-value",
      "login issues a new session, never the one the client brought (fixation)")
check("HttpOnly" in cookie and "SameSite=Strict" in cookie, "the cookie is HttpOnly, SameSite=Strict")
status, _, _ = request("GET", "/api/v1/me", headers={"Cookie": "dsms_session=attacker-chosen-value"})
check(status == 401, "a made-up session cookie is nobody")
status, _, data = request("GET", "/api/v1/me", headers={"Cookie": "dsms_session=" + session})
check(status == 200 and json.loads(data).get("role") == "national", "the session is the national user")

# State-changing requests with a cookie need the CSRF token.
auth = {"Cookie": "dsms_session=" + session}
status, _, _ = request("DELETE", "/api/v1/session", headers=auth)
check(status == 403, "logout without the CSRF token is refused")
status, _, _ = request("DELETE", "/api/v1/session", headers=dict(auth, **{"X-CSRF-Token": "wrong"}))
check(status == 403, "logout with a wrong CSRF token is refused")
status, _, _ = request("DELETE", "/api/v1/session", headers=dict(auth, **{"X-CSRF-Token": csrf}))
check(status in (200, 204), "logout with the CSRF token ends the session")
status, _, _ = request("GET", "/api/v1/me", headers=auth)
check(status == 401, "an ended session is nobody")

status, _, _, _ = login("nat-does-not-exist")
check(status == 401, "an unknown name is refused")
status, _, data = request("POST", "/api/v1/session", '{"name": "nat", "password": ', 
                          {"Content-Type": "application/json"})
check(status == 400, "malformed JSON is a 400")

# ---- tokens ---------------------------------------------------------------------------

token = os.environ["PROV_TOKEN"]
status, _, data = request("GET", "/api/v1/me", headers={"Authorization": "Bearer " + token})
check(status == 200 and json.loads(data).get("role") == "provider", "an API token is its account")
subprocess.run([DSMS, "user", "token", "prov", "--revoke", "script", "--store", STORE],
               check=True, capture_output=True)
status, _, _ = request("GET", "/api/v1/me", headers={"Authorization": "Bearer " + token})
check(status == 401, "a revoked token is nobody")

# ---- paths, queries -------------------------------------------------------------------

for path in ["/api/v1/submissions/..%2F..%2Fetc%2Fpasswd", "/api/v1/submissions/../../etc/passwd",
             "/api/v1/submissions/1%00", "/api/v1/areas/..%2f", "/api/v1/../../etc/passwd",
             "/api/v1/submissions/%2e%2e/quarantine"]:
    status, _, data = request("GET", path, headers={"Authorization": "Bearer x"})
    check(status in (400, 401, 404), "traversal %s: %d" % (path, status))
status, _, data = request("GET", "/api/v1/results?limit=abc")
check(status == 400 and b"limit" in data, "a bad number in the query is a 400 naming the parameter")
status, _, data = request("GET", "/api/v1/results?nonsense=1")
check(status == 400, "an unknown query parameter is a 400")

# ---- limits ---------------------------------------------------------------------------

status, _, _ = request("POST", "/api/v1/session", "x" * (70 << 10), {"Content-Type": "application/json"})
check(status == 413, "an oversized body is a 413")
status, _, _ = request("GET", "/api/v1/measures", headers={"X-Padding": "y" * (40 << 10)})
check(status == 431, "oversized headers are a 431")

# A slow client: half a request, then silence; the server hangs up.
s = socket.create_connection((HOST, PORT))
s.sendall(b"GET /api/v1/measures HTTP/1.1\r\nHost: x\r\n")
s.settimeout(15)
start = time.time()
try:
    closed = s.recv(1024) == b""
except (socket.timeout, ConnectionResetError):
    closed = False
check(closed and time.time() - start < 10, "a slow client is cut off at the timeout")
s.close()

# ---- uploads --------------------------------------------------------------------------

with open(os.environ["EPISODES"], "rb") as f:
    episodes = f.read()
before = submissions()
prov = {"Authorization": "Bearer " + os.environ["PROV_TOKEN2"], "Content-Type": "text/csv"}
status, _, data = request("POST", "/api/v1/submissions?source=P0002", episodes, prov)
check(status in (403, 404), "a provider cannot submit for another's organisation")
check(submissions() == before, "and nothing was stored")

results = []


def upload(body):
    results.append(request("POST", "/api/v1/submissions?source=P0001", body, prov, timeout=60))


threads = [threading.Thread(target=upload, args=(episodes,)),
           threading.Thread(target=upload, args=(b"".join(episodes.splitlines(True)[:6]),))]
for t in threads:
    t.start()
for t in threads:
    t.join()
check(all(r[0] == 201 for r in results),
      "two uploads at once both land: %s" % [(r[0], r[2][:300]) for r in results])
for r in results:
    report = json.loads(r[2]) if r[0] == 201 else {}
    check(report.get("rows") == report.get("accepted", -1) + report.get("quarantined", -1),
          "the import report adds up: rows read = accepted + quarantined")
after_two = submissions()
check(after_two == before + 2, "two submissions stored")

# An upload cut off mid-stream stores nothing.
s = socket.create_connection((HOST, PORT))
s.sendall(("POST /api/v1/submissions?source=P0001 HTTP/1.1\r\nHost: x\r\n"
           "Authorization: Bearer %s\r\nContent-Type: text/csv\r\nContent-Length: %d\r\n\r\n"
           % (os.environ["PROV_TOKEN2"], len(episodes) * 10)).encode())
s.sendall(episodes[: len(episodes) // 2])
s.close()
time.sleep(1)
check(submissions() == after_two, "an upload cut off mid-stream stores nothing")

# Malformed CSV: refused with diagnostics, nothing stored.
status, _, data = request("POST", "/api/v1/submissions?source=P0001", b"not,a,known\nheader,at,all\n", prov)
check(status in (400, 422) and b"header" in data, "a file no table recognises is refused, saying why")
check(submissions() == after_two, "and nothing was stored")

print("%d passed, %d failed" % (passed, failed))
sys.exit(1 if failed else 0)
