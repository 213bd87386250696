#!/usr/bin/env python3
"""Time `ecs-posture report` over a synthetic snapshot of 10,000 task definitions and 2,000
services (files on disk, parsed by the CLI), on one core. Prints the median of 5 runs per format.
Usage: scripts/bench-report.py [path/to/ecs-posture]   (default: target/release/ecs-posture)"""
import json, os, statistics, subprocess, sys, tempfile, time

binary = sys.argv[1] if len(sys.argv) > 1 else "target/release/ecs-posture"
tmp = tempfile.mkdtemp(prefix="ecs-posture-report-bench-")
os.makedirs(f"{tmp}/task-definitions")
arn = "arn:aws:ecs:us-east-1:111122223333"
for i in range(10_000):
    family, rev = f"svc-{i // 5}", i % 5 + 1
    td = {"taskDefinition": {"taskDefinitionArn": f"{arn}:task-definition/{family}:{rev}", "family": family, "revision": rev,
          "status": "ACTIVE", "networkMode": "awsvpc", "requiresCompatibilities": ["FARGATE"], "cpu": "512", "memory": "1024",
          "executionRoleArn": f"arn:aws:iam::111122223333:role/exec", "taskRoleArn": f"arn:aws:iam::111122223333:role/task-{i}",
          "containerDefinitions": [
              {"name": "app", "image": f"111122223333.dkr.ecr.us-east-1.amazonaws.com/app-{i}:1.{rev}.0", "privileged": i % 7 == 0,
               "environment": [{"name": "APP_ENV", "value": "production"}, {"name": "DB_PASSWORD", "value": "Sup3rS3cret!" if i % 13 == 0 else "${DB_PASSWORD}"}],
               "logConfiguration": {"logDriver": "awslogs", "options": {"awslogs-group": "/ecs/app"}}},
              {"name": "log-router", "image": "public.ecr.aws/aws-observability/aws-for-fluent-bit:2.32.0", "essential": False}]},
          "tags": [{"key": "owner", "value": f"team-{i % 40}"}]}
    with open(f"{tmp}/task-definitions/{family}-{rev}.json", "w") as f:
        json.dump(td, f)
services = [{"serviceArn": f"{arn}:service/c{i % 20}/svc-{i}", "serviceName": f"svc-{i}", "clusterArn": f"{arn}:cluster/c{i % 20}",
             "status": "ACTIVE", "launchType": "FARGATE", "platformVersion": "1.3.0" if i % 4 == 0 else "LATEST",
             "taskDefinition": f"{arn}:task-definition/svc-{i}:5",
             "networkConfiguration": {"awsvpcConfiguration": {"subnets": ["subnet-1"], "securityGroups": [f"sg-{i}"], "assignPublicIp": "ENABLED" if i % 6 == 0 else "DISABLED"}},
             "tags": [{"key": "owner", "value": "team"}]} for i in range(2_000)]
with open(f"{tmp}/services.json", "w") as f:
    json.dump({"services": services}, f)
pin = ["taskset", "-c", "0"] if subprocess.run(["which", "taskset"], capture_output=True).returncode == 0 else []
for fmt in ["summary", "detailed", "executive", "json", "html", "csv"]:
    times = []
    for _ in range(5):
        t = time.perf_counter()
        r = subprocess.run(pin + [binary, "report", tmp, "--format", fmt, "-o", os.devnull], capture_output=True)
        times.append(time.perf_counter() - t)
        if r.returncode != 0:
            sys.exit(f"{fmt}: {r.stderr.decode()}")
    print(f"report --format {fmt:<9} 10,000 task definitions + 2,000 services from files: median {statistics.median(times) * 1000:.0f} ms of 5 (one core)")
