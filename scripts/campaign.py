#!/usr/bin/env python3
"""Reliability campaign: one ecs-posture binary against moto behind a fault-injecting proxy.

Classes (each trial is a fresh emulator state; figures are counts over all trials of a class):
  faults      per service (ecs, securityhub, dynamodb, sns) and kind (throttle, 5xx, drop, lost,
              garbled, slow): each request of that service faulted with probability --rate
  outage      every request of one operation fails (HTTP 500) for the faulted runs
  kill        kill -9 of the running process at a random request of a publish
  concurrent  two publishes started 0 to 0.5 s apart on one DynamoDB ledger
  invoke2     two `invoke` runs at once on one --out folder (file ledger)
  fuzz        mutated ECS JSON documents and Lambda events through `scan` and `invoke`
  secrets     a planted secret, RUST_LOG=trace, garbled and failing answers: every output searched

A publish trial runs: seed estate A, faulted publish, change the estate to B (one fix, one new
failing revision in use), faulted publish, then a clean publish (convergence). After every run:
  false PASSED/ARCHIVED  findings of the estate that Security Hub shows PASSED or ARCHIVED
  silent                 the run exited 0 while Security Hub or the alerts disagree with the estate
  hang                   the run outlived --timeout seconds (then killed)
After the clean run:
  lost / stale           FAILED findings of the estate not ACTIVE in Security Hub / ACTIVE FAILED
                         findings the estate no longer has
  double alerts          alert mentions of one finding beyond the first (each fails once per trial)
  held alerts            HIGH/CRITICAL findings of the estate never alerted
  held (reported)        held alerts of trials whose clean run said so (non-zero exit)

Usage: scripts/campaign.py BINARY [--classes faults,outage,...] [--trials N] [--fuzz N] [--seed S]
The truth for every check is `BINARY scan --live --format asff` straight against the emulator.
"""

import argparse
import json
import os
import random
import re
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from collections import Counter, defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ACCOUNT = "123456789012"
REGION = "us-east-1"
SECRET = "Qm9vdHN0cmFwUGFzc3dvcmQ4Njc1MzA5"
SERVICES = ["ecs", "securityhub", "dynamodb", "sns"]
KINDS = ["throttle", "5xx", "drop", "lost", "garbled", "slow"]
OUTAGE_OPS = [
    "ListClusters", "DescribeClusters", "ListServices", "DescribeServices",
    "ListTaskDefinitions", "DescribeTaskDefinition", "ListContainerInstances",
    "BatchImportFindings", "BatchUpdateFindings", "GetFindings", "UpdateItem", "Scan", "Query",
    "Publish",
]


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


# ---------------------------------------------------------------- emulator


class Moto:
    def __init__(self):
        server = ROOT / ".venv/bin/moto_server"
        if not server.exists():
            sys.exit(f"{server} missing: run scripts/setup-venv.sh dev")
        self.port = free_port()
        self.log = open(Path(tempfile.gettempdir()) / f"campaign-moto-{self.port}.log", "wb")
        self.proc = subprocess.Popen(
            [str(server), "-H", "127.0.0.1", "-p", str(self.port)],
            stdout=self.log, stderr=self.log)
        deadline = time.time() + 30
        while time.time() < deadline:
            try:
                urllib.request.urlopen(self.url + "/moto-api/", timeout=1)
                return
            except Exception:
                time.sleep(0.1)
        sys.exit("moto_server did not start")

    @property
    def url(self):
        return f"http://127.0.0.1:{self.port}"

    def reset(self):
        req = urllib.request.Request(self.url + "/moto-api/reset", method="POST")
        urllib.request.urlopen(req, timeout=10)

    def stop(self):
        self.proc.kill()
        self.proc.wait()


# ---------------------------------------------------------------- proxy


def operation_of(head, body):
    lines = head.split("\r\n")
    method, path = lines[0].split(" ")[:2]
    headers = {}
    for line in lines[1:]:
        if ":" in line:
            k, v = line.split(":", 1)
            headers[k.strip().lower()] = v.strip()
    service = ""
    m = re.search(r"Credential=[^/]+/[^/]+/[^/]+/([^/]+)/", headers.get("authorization", ""))
    if m:
        service = m.group(1)
    target = headers.get("x-amz-target")
    if target:
        return service, target.split(".")[-1]
    m = re.search(r"(?:^|&)Action=([A-Za-z]+)", body)
    if m:
        return service, m.group(1)
    p = path.split("?")[0]
    rest = {
        ("POST", "/findings/import"): "BatchImportFindings",
        ("PATCH", "/findings/batchupdate"): "BatchUpdateFindings",
        ("POST", "/findings"): "GetFindings",
        ("PATCH", "/findings"): "UpdateFindings",
    }
    return service, rest.get((method, p), f"{method} {p}")


def error_answer(service, status, code):
    if service == "sns":
        body = (f"<ErrorResponse><Error><Type>Sender</Type><Code>{code}</Code>"
                f"<Message>injected</Message></Error><RequestId>x</RequestId></ErrorResponse>")
        ctype, extra = "text/xml", ""
    else:
        body = json.dumps({"__type": code, "message": "injected"})
        ctype, extra = "application/x-amz-json-1.1", f"x-amzn-errortype: {code}\r\n"
    data = body.encode()
    return (f"HTTP/1.1 {status} X\r\nContent-Type: {ctype}\r\n{extra}Content-Length: {len(data)}\r\n"
            f"Connection: close\r\n\r\n").encode() + data


def garble(resp):
    pos = resp.find(b"\r\n\r\n")
    if pos < 0:
        return resp
    body = resp[pos + 4:]
    junk = body[: max(1, len(body) // 2)] + b"\x00}{garbled"
    head = resp[:pos].decode("latin-1").split("\r\n")
    head = [h for h in head if not h.lower().startswith(("content-length", "transfer-encoding",
                                                         "connection"))]
    head[0] = "HTTP/1.1 200 OK"
    head += [f"Content-Length: {len(junk)}", "Connection: close"]
    return ("\r\n".join(head) + "\r\n\r\n").encode("latin-1") + junk


class Proxy:
    """One request per connection. A policy decides each request's fault."""

    def __init__(self, upstream):
        self.upstream = upstream
        self.sock = socket.socket()
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(128)
        self.port = self.sock.getsockname()[1]
        self.lock = threading.Lock()
        self.dynamo_writes = threading.Lock()
        self.reset()
        threading.Thread(target=self.serve, daemon=True).start()

    def reset(self, policy=None, kill=None):
        with self.lock:
            self.policy = policy  # fn(service, op, rng) -> kind | None
            self.kill = kill      # (pid, at_request, after_forward)
            self.count = 0
            self.faults = 0
            self.rng = random.Random()

    @property
    def url(self):
        return f"http://127.0.0.1:{self.port}"

    def serve(self):
        while True:
            conn, _ = self.sock.accept()
            threading.Thread(target=self.handle, args=(conn,), daemon=True).start()

    def handle(self, conn):
        try:
            self._handle(conn)
        except OSError:
            pass
        finally:
            try:
                conn.close()
            except OSError:
                pass

    def _handle(self, conn):
        data = b""
        while b"\r\n\r\n" not in data:
            chunk = conn.recv(65536)
            if not chunk:
                return
            data += chunk
        pos = data.index(b"\r\n\r\n")
        head = data[:pos].decode("latin-1")
        body = data[pos + 4:]
        m = re.search(r"(?im)^content-length:\s*(\d+)", head)
        length = int(m.group(1)) if m else 0
        while len(body) < length:
            chunk = conn.recv(65536)
            if not chunk:
                return
            body += chunk
        service, op = operation_of(head, body.decode("utf-8", "replace"))
        with self.lock:
            self.count += 1
            n = self.count
            kind = self.policy(service, op, self.rng) if self.policy else None
            if kind:
                self.faults += 1
            kill = self.kill
        if kill and n == kill[1] and not kill[2]:
            os.kill(kill[0], signal.SIGKILL)
            return
        if kind == "drop":
            return
        if kind == "throttle":
            code = {"sns": "Throttling", "securityhub": "TooManyRequestsException"}.get(
                service, "ThrottlingException")
            conn.sendall(error_answer(service, 429 if service == "securityhub" else 400, code))
            return
        if kind in ("5xx", "outage"):
            conn.sendall(error_answer(service, 500 if kind == "outage" else 503,
                                      "InternalFailure" if kind == "outage" else "ServiceUnavailable"))
            return
        if kind == "slow":
            time.sleep(self.rng.uniform(1.0, 4.0))
        head = re.sub(r"(?im)^connection:.*$", "Connection: close", head)
        if "connection:" not in head.lower():
            head += "\r\nConnection: close"
        serial = self.dynamo_writes if op == "UpdateItem" else None
        if serial:
            serial.acquire()
        try:
            up = socket.create_connection(("127.0.0.1", self.upstream))
            up.sendall(head.encode("latin-1") + b"\r\n\r\n" + body)
            resp = b""
            while True:
                chunk = up.recv(65536)
                if not chunk:
                    break
                resp += chunk
            up.close()
        finally:
            if serial:
                serial.release()
        if kill and n == kill[1] and kill[2]:
            os.kill(kill[0], signal.SIGKILL)
            return
        if kind == "lost":
            return
        if kind == "garbled":
            resp = garble(resp)
        conn.sendall(resp)


# ---------------------------------------------------------------- AWS side (boto3, straight to moto)


class Aws:
    def __init__(self, url):
        import boto3
        kw = dict(endpoint_url=url, region_name=REGION, aws_access_key_id="test",
                  aws_secret_access_key="test")
        self.ecs = boto3.client("ecs", **kw)
        self.ec2 = boto3.client("ec2", **kw)
        self.sh = boto3.client("securityhub", **kw)
        self.ddb = boto3.client("dynamodb", **kw)
        self.sns = boto3.client("sns", **kw)
        self.sqs = boto3.client("sqs", **kw)

    def register(self, family, privileged, secret):
        c = {"name": "app", "image": "nginx:1.27", "privileged": privileged, "memory": 256}
        if secret:
            c["environment"] = [{"name": "DB_PASSWORD", "value": SECRET}]
        r = self.ecs.register_task_definition(
            family=family, networkMode="awsvpc", requiresCompatibilities=["FARGATE"],
            cpu="256", memory="512", containerDefinitions=[c])
        return r["taskDefinition"]["taskDefinitionArn"]

    def network(self, public):
        return {"awsvpcConfiguration": {"subnets": [self.subnet], "securityGroups": [self.sg],
                                        "assignPublicIp": "ENABLED" if public else "DISABLED"}}

    def seed(self):
        self.subnet = self.ec2.describe_subnets()["Subnets"][0]["SubnetId"]
        self.sg = self.ec2.describe_security_groups()["SecurityGroups"][0]["GroupId"]
        for c in ("prod", "staging"):
            self.ecs.create_cluster(clusterName=c)
        web1 = self.register("web", True, True)
        self.register("web", False, False)  # web:2, latest; web:1 stays in use (superseded)
        api1 = self.register("api", False, False)
        self.ecs.create_service(cluster="prod", serviceName="web", taskDefinition=web1,
                                desiredCount=1, launchType="FARGATE",
                                networkConfiguration=self.network(True))
        self.ecs.create_service(cluster="staging", serviceName="api", taskDefinition=api1,
                                desiredCount=1, launchType="FARGATE",
                                networkConfiguration=self.network(False))
        self.sh.enable_security_hub()
        self.ddb.create_table(
            TableName="ledger", KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
            AttributeDefinitions=[{"AttributeName": n, "AttributeType": "S"}
                                  for n in ("id", "account", "region")],
            GlobalSecondaryIndexes=[{
                "IndexName": "by-account-region",
                "KeySchema": [{"AttributeName": "account", "KeyType": "HASH"},
                              {"AttributeName": "region", "KeyType": "RANGE"}],
                "Projection": {"ProjectionType": "ALL"}}],
            BillingMode="PAY_PER_REQUEST")
        self.topic = self.sns.create_topic(Name="ecs-posture-alerts")["TopicArn"]
        self.queue = self.sqs.create_queue(QueueName="alerts")["QueueUrl"]
        arn = self.sqs.get_queue_attributes(QueueUrl=self.queue, AttributeNames=["QueueArn"])
        self.sns.subscribe(TopicArn=self.topic, Protocol="sqs",
                           Endpoint=arn["Attributes"]["QueueArn"])

    def change(self):
        """Estate B: web stops assigning public IPs (a fix); api moves to a privileged revision."""
        self.ecs.update_service(cluster="prod", service="web", networkConfiguration=self.network(False))
        api2 = self.register("api", True, False)
        self.ecs.update_service(cluster="staging", service="api", taskDefinition=api2)

    def findings(self):
        out, token = {}, None
        while True:
            kw = {"MaxResults": 100}
            if token:
                kw["NextToken"] = token
            r = self.sh.get_findings(**kw)
            for f in r["Findings"]:
                if f.get("ProductName") == "ecs-posture" or f["Id"].startswith("ecs-posture/"):
                    out[f["Id"]] = f
            token = r.get("NextToken")
            if not token:
                return out

    def alerts(self):
        """(check, ARN) of every alerted finding, one entry per mention."""
        out = []
        while True:
            r = self.sqs.receive_message(QueueUrl=self.queue, MaxNumberOfMessages=10)
            msgs = r.get("Messages", [])
            if not msgs:
                return out
            for m in msgs:
                body = json.loads(m["Body"]).get("Message", "")
                for check, arn in re.findall(r"\(([A-Z]+\d+), [a-z ]+\)\n  Where: .*\n  ARN: (\S+)", body):
                    out.append((check, arn))
                self.sqs.delete_message(QueueUrl=self.queue, ReceiptHandle=m["ReceiptHandle"])


# ---------------------------------------------------------------- runs


def env_for(url, extra=None):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "RUST_LOG"))}
    env.update(AWS_ENDPOINT_URL=url, AWS_ACCESS_KEY_ID="test", AWS_SECRET_ACCESS_KEY="test",
               AWS_REGION=REGION, AWS_EC2_METADATA_DISABLED="true")
    env.update(extra or {})
    return env


class Runner:
    def __init__(self, binary, moto, proxy, timeout):
        self.binary, self.moto, self.proxy, self.timeout = binary, moto, proxy, timeout

    def publish_cmd(self, aws):
        return [self.binary, "scan", "--live", "--publish", "--ledger-table", "ledger",
                "--sns-topic-arn", aws.topic, "--format", "json", "--fail-on", "none"]

    def start(self, cmd, url, extra=None):
        return subprocess.Popen(cmd, env=env_for(url, extra), stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE)

    def wait(self, p):
        """(exit code or 'hang' or 'killed', stdout, stderr)"""
        try:
            out, err = p.communicate(timeout=self.timeout)
        except subprocess.TimeoutExpired:
            p.kill()
            out, err = p.communicate()
            return "hang", out, err
        rc = p.returncode
        return ("killed" if rc == -signal.SIGKILL else rc), out, err

    def truth(self):
        """Finding Id -> (check, ARN, severity) of the estate's FAILED findings, read fault-free."""
        p = subprocess.run([self.binary, "scan", "--live", "--format", "asff", "--fail-on", "none"],
                           env=env_for(self.moto.url), capture_output=True, timeout=120)
        if p.returncode != 0:
            raise RuntimeError(f"truth scan failed: {p.stderr.decode()[-2000:]}")
        doc = json.loads(p.stdout)
        return {f["Id"]: (f["GeneratorId"], f["Resources"][0]["Id"], f["Severity"]["Label"])
                for f in doc["Findings"] if f["Compliance"]["Status"] == "FAILED"}


class Tally:
    COLS = ["trials", "runs", "faults", "false_passed_archived", "lost", "stale", "double_alerts",
            "held_alerts", "held_reported", "silent_runs", "hangs", "nonzero_exits"]

    def __init__(self):
        self.rows = defaultdict(Counter)

    def add(self, cls, **kw):
        self.rows[cls].update(kw)

    def print(self, title):
        print(f"\n{title}")
        print("class".ljust(26) + "".join(c[:12].rjust(13) for c in self.COLS))
        total = Counter()
        for cls in sorted(self.rows):
            total.update(self.rows[cls])
            print(cls.ljust(26) + "".join(str(self.rows[cls][c]).rjust(13) for c in self.COLS))
        print("TOTAL".ljust(26) + "".join(str(total[c]).rjust(13) for c in self.COLS))


def check_after_run(aws, truth, rc, alerted, tally, cls):
    """False PASSED/ARCHIVED and silent-run accounting after one run."""
    sh = aws.findings()
    false = sum(1 for fid in truth if fid in sh and (
        sh[fid]["RecordState"] == "ARCHIVED" or sh[fid]["Compliance"]["Status"] == "PASSED"))
    active_failed = {fid for fid, f in sh.items()
                     if f["RecordState"] == "ACTIVE" and f["Compliance"]["Status"] == "FAILED"}
    want_alerts = {(c, a) for (c, a, s) in truth.values() if s in ("HIGH", "CRITICAL")}
    agree = active_failed == set(truth) and want_alerts <= set(alerted)
    tally.add(cls, runs=1, false_passed_archived=false,
              silent_runs=int(rc == 0 and not agree), hangs=int(rc == "hang"),
              nonzero_exits=int(rc != 0))
    return sh


def publish_trial(runner, aws, tally, cls, faulted_run):
    """faulted_run(cmd) -> rc; runs it under the class's faults."""
    runner.moto.reset()
    aws.seed()
    alerted = []
    truth_a = runner.truth()
    rc = faulted_run(runner.publish_cmd(aws))
    alerted += aws.alerts()
    check_after_run(aws, truth_a, rc, alerted, tally, cls)
    aws.change()
    truth_b = runner.truth()
    rc = faulted_run(runner.publish_cmd(aws))
    alerted += aws.alerts()
    check_after_run(aws, truth_b, rc, alerted, tally, cls)
    runner.proxy.reset()
    rc, _, _ = runner.wait(runner.start(runner.publish_cmd(aws), runner.proxy.url))
    alerted += aws.alerts()
    sh = check_after_run(aws, truth_b, rc, alerted, tally, cls)
    active_failed = {fid for fid, f in sh.items()
                     if f["RecordState"] == "ACTIVE" and f["Compliance"]["Status"] == "FAILED"}
    counts = Counter(alerted)
    want = {(c, a) for (c, a, s) in truth_b.values() if s in ("HIGH", "CRITICAL")}
    held = len(want - set(counts))
    tally.add(cls, trials=1, lost=len(set(truth_b) - active_failed),
              stale=len(active_failed - set(truth_b)),
              double_alerts=sum(n - 1 for n in counts.values() if n > 1),
              held_alerts=held, held_reported=held if rc != 0 else 0)


def run_faults(runner, aws, tally, args, rng):
    for service in SERVICES:
        for kind in KINDS:
            cls = f"faults {service} {kind}"
            for _ in range(args.trials):
                def faulted(cmd, service=service, kind=kind):
                    def policy(svc, op, r):
                        return kind if svc == service and r.random() < args.rate else None
                    runner.proxy.reset(policy)
                    runner.proxy.rng.seed(rng.random())
                    rc, _, _ = runner.wait(runner.start(cmd, runner.proxy.url))
                    tally.add(cls, faults=runner.proxy.faults)
                    return rc
                publish_trial(runner, aws, tally, cls, faulted)


def run_outage(runner, aws, tally, args, rng):
    for op in OUTAGE_OPS:
        cls = f"outage {op}"
        for _ in range(max(1, args.trials // 2)):
            def faulted(cmd, op=op):
                runner.proxy.reset(lambda svc, o, r: "outage" if o == op else None)
                rc, _, _ = runner.wait(runner.start(cmd, runner.proxy.url))
                tally.add(cls, faults=runner.proxy.faults)
                return rc
            publish_trial(runner, aws, tally, cls, faulted)


def run_kill(runner, aws, tally, args, rng):
    # Calibrate: requests of one clean publish of estate A (kills land within that span).
    runner.moto.reset()
    aws.seed()
    runner.proxy.reset()
    runner.wait(runner.start(runner.publish_cmd(aws), runner.proxy.url))
    span = max(runner.proxy.count, 2)
    for _ in range(args.kills):
        step = rng.choice([0, 1])
        state = {"step": 0}

        def faulted(cmd):
            p = runner.start(cmd, runner.proxy.url)
            if state["step"] == step:
                runner.proxy.reset(kill=(p.pid, rng.randint(1, span), rng.random() < 0.5))
            else:
                runner.proxy.reset()
            state["step"] += 1
            rc, _, _ = runner.wait(p)
            tally.add("kill -9", faults=int(rc == "killed"))
            return rc
        publish_trial(runner, aws, tally, "kill -9", faulted)


def run_concurrent(runner, aws, tally, args, rng):
    for _ in range(args.pairs):
        def faulted(cmd):
            runner.proxy.reset()
            a = runner.start(cmd, runner.proxy.url)
            time.sleep(rng.uniform(0, 0.5))
            b = runner.start(cmd, runner.proxy.url)
            ra, _, _ = runner.wait(a)
            rb, _, _ = runner.wait(b)
            tally.add("concurrent publishes", faults=1)
            return ra if ra != 0 else rb
        publish_trial(runner, aws, tally, "concurrent publishes", faulted)


def run_invoke_pairs(runner, tally, args, rng):
    estate = ROOT / "examples/estate"
    event = ROOT / "events/schedule.json"
    for _ in range(args.pairs):
        with tempfile.TemporaryDirectory() as out:
            cmd = [runner.binary, "invoke", str(event), "--estate", str(estate), "--out", out]
            procs = []
            for _ in range(2):
                procs.append(subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                              env=env_for("http://127.0.0.1:9")))
                time.sleep(rng.uniform(0, 0.05))
            rcs = [runner.wait(p)[0] for p in procs]
            mentions = Counter()
            for f in sorted(Path(out, "sns").glob("*")):
                text = f.read_text(errors="replace")
                try:
                    text = json.loads(text).get("Message", text)
                except (ValueError, AttributeError):
                    pass
                for key in re.findall(r"\(([A-Z]+\d+), [a-z ]+\)\n  Where: .*\n  ARN: (\S+)", text):
                    mentions[key] += 1
            tally.add("invoke pairs (file ledger)", trials=1, runs=2, faults=1,
                      double_alerts=sum(n - 1 for n in mentions.values() if n > 1),
                      hangs=sum(1 for r in rcs if r == "hang"),
                      nonzero_exits=sum(1 for r in rcs if r != 0))


def mutate(rng, value, depth=0):
    """One random structural mutation of a JSON value."""
    if isinstance(value, dict) and value and rng.random() < 0.7:
        k = rng.choice(list(value))
        value = dict(value)
        value[k] = mutate(rng, value[k], depth + 1)
        return value
    if isinstance(value, list) and value and rng.random() < 0.7:
        value = list(value)
        i = rng.randrange(len(value))
        value[i] = mutate(rng, value[i], depth + 1)
        return value
    return rng.choice([
        None, True, 0, -1, 2**63, 1.5e308, "", "x" * rng.choice([1, 1000, 100000]), "\u0000\ud7ff",
        [], {}, [value], {"a": value}, "arn:aws:ecs:us-east-1:1:service/" + "/" * 50, -0.0, "9" * 40,
    ])


def run_fuzz(runner, tally, args, rng):
    seeds = [p for p in sorted((ROOT / "examples").rglob("*.json"))]
    events = [p for p in sorted((ROOT / "events").glob("*.json"))]
    docs = [(p, json.loads(p.read_text())) for p in seeds + events]
    done = Counter()
    with tempfile.TemporaryDirectory() as tmp:
        lock = threading.Lock()

        def worker(n, wrng):
            for i in range(n):
                path, doc = wrng.choice(docs)
                m = doc
                for _ in range(wrng.randint(1, 4)):
                    m = mutate(wrng, m)
                f = Path(tmp, f"{threading.get_ident()}-{i}.json")
                text = json.dumps(m)
                if wrng.random() < 0.05:
                    text = text[: wrng.randrange(len(text) + 1)]
                f.write_text(text)
                if path in events:
                    cmd = [runner.binary, "invoke", str(f), "--estate", str(ROOT / "examples/estate"),
                           "--out", str(Path(tmp, f"out-{threading.get_ident()}"))]
                else:
                    cmd = [runner.binary, "scan", str(f), "--format", "json", "--fail-on", "none"]
                try:
                    p = subprocess.run(cmd, capture_output=True, timeout=args.timeout,
                                       env=env_for("http://127.0.0.1:9"))
                    panic = b"panicked" in p.stderr or p.returncode == 101 or p.returncode < 0
                    row = {"runs": 1, "panics": int(panic), "nonzero_exits": int(p.returncode != 0)}
                except subprocess.TimeoutExpired:
                    row = {"runs": 1, "hangs": 1}
                f.unlink()
                with lock:
                    done.update(row)
        threads = [threading.Thread(target=worker, args=(args.fuzz // 2 + (i < args.fuzz % 2),
                                                         random.Random(rng.random())))
                   for i in range(2)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    tally.add("fuzz inputs", trials=done["runs"], runs=done["runs"], faults=done["runs"],
              hangs=done["hangs"], nonzero_exits=done["nonzero_exits"])
    return done["panics"]


def run_secrets(runner, aws, args):
    """Trials and leaks: every output of every run searched for the planted secret."""
    runner.moto.reset()
    aws.seed()
    leaks, trials = Counter(), 0
    trace = {"RUST_LOG": "trace"}
    faults = [None, ("DescribeTaskDefinition", "garbled"), ("DescribeTaskDefinition", "5xx"),
              ("DescribeServices", "garbled"), ("BatchImportFindings", "garbled"),
              ("UpdateItem", "garbled"), ("Publish", "garbled"), ("ListTaskDefinitions", "outage")]
    commands = [
        runner.publish_cmd(aws),
        [runner.binary, "scan", "--live", "--format", "table", "--all"],
        [runner.binary, "scan", "--live", "--format", "asff"],
        [runner.binary, "scan", "--live", "--format", "sarif"],
        [runner.binary, "snapshot", "--live"],
    ]
    for fault in faults:
        for cmd in commands:
            if fault is None and cmd[1] == "snapshot":
                continue  # a snapshot is the estate as read; it keeps what ECS returns
            def policy(svc, op, r, fault=fault):
                return fault[1] if fault and op == fault[0] else None
            runner.proxy.reset(policy)
            rc, out, err = runner.wait(runner.start(cmd, runner.proxy.url, trace))
            trials += 1
            name = f"{cmd[1]} {cmd[-1] if cmd[1] != 'scan' or '--publish' not in cmd else 'publish'}"
            if fault and cmd[1] == "snapshot" and rc == 0:
                continue  # a fault the retries absorbed: the snapshot is the estate as read
            if SECRET.encode() in err:
                leaks[f"stderr: {name} / {fault}"] += 1
            if SECRET.encode() in out and cmd[1] != "snapshot":
                leaks[f"stdout: {name} / {fault}"] += 1
    if any(SECRET in json.dumps(f) for f in aws.findings().values()):
        leaks["security hub findings"] += 1
    if any(SECRET in json.dumps(a) for a in aws.alerts()):
        leaks["sns alerts"] += 1
    items = aws.ddb.scan(TableName="ledger").get("Items", [])
    if SECRET in json.dumps(items):
        leaks["ledger"] += 1
    return trials, leaks


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("binary")
    ap.add_argument("--classes", default="faults,outage,kill,concurrent,invoke2,fuzz,secrets")
    ap.add_argument("--trials", type=int, default=2, help="trials per service x kind (faults)")
    ap.add_argument("--rate", type=float, default=0.3, help="fault probability per request")
    ap.add_argument("--kills", type=int, default=33)
    ap.add_argument("--pairs", type=int, default=24)
    ap.add_argument("--fuzz", type=int, default=2000)
    ap.add_argument("--timeout", type=float, default=180)
    ap.add_argument("--seed", type=int, default=7)
    args = ap.parse_args()
    binary = str(Path(args.binary).resolve())
    classes = set(args.classes.split(","))
    rng = random.Random(args.seed)
    moto = Moto()
    proxy = Proxy(moto.port)
    runner = Runner(binary, moto, proxy, args.timeout)
    aws = Aws(moto.url)
    tally = Tally()
    started = time.time()
    extra = []
    try:
        if "faults" in classes:
            run_faults(runner, aws, tally, args, rng)
        if "outage" in classes:
            run_outage(runner, aws, tally, args, rng)
        if "kill" in classes:
            run_kill(runner, aws, tally, args, rng)
        if "concurrent" in classes:
            run_concurrent(runner, aws, tally, args, rng)
        if "invoke2" in classes:
            run_invoke_pairs(runner, tally, args, rng)
        if "fuzz" in classes:
            panics = run_fuzz(runner, tally, args, rng)
            extra.append(f"fuzz: {panics} panics in {args.fuzz} inputs")
        if "secrets" in classes:
            trials, leaks = run_secrets(runner, aws, args)
            extra.append(f"secrets: {sum(leaks.values())} leaking outputs in {trials} runs at TRACE"
                         + "".join(f"\n  {k}: {v}" for k, v in sorted(leaks.items())))
    finally:
        moto.stop()
    tally.print(f"campaign of {binary} (seed {args.seed}, rate {args.rate}) in {time.time() - started:.0f} s")
    for line in extra:
        print(line)


if __name__ == "__main__":
    main()
