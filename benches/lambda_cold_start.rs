//! Cold start and end-to-end latency of the release `bootstrap` binary, run on this host under
//! the Lambda Runtime API emulator (`cargo lambda watch --only-lambda-apis`) against moto.
//! Run: `scripts/bench-lambda.sh`.

#[path = "../tests/common/mod.rs"]
mod common;

use std::io::Read;
use std::process::{Command, Stdio};
use std::time::Instant;

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(|a, b| a.total_cmp(b));
    v.get(v.len() / 2).copied().unwrap_or(f64::NAN)
}

fn main() {
    common::block_on(|| async move {
        let root = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR"));
        let cargo_lambda = common::cargo_lambda();
        let moto = common::Moto::start();
        let estate = common::estate::seed(&moto).await;
        let runtime = common::RuntimeApi::start();
        let port = runtime.port;
        let ecs = aws_sdk_ecs::Client::new(&estate.cfg);
        let mut cold = Vec::new();
        let mut init = Vec::new();
        let mut e2e = Vec::new();
        let mut in_function = Vec::new();
        for i in 0..5 {
            let start = Instant::now();
            let mut child = common::bootstrap(
                env!("CARGO_BIN_EXE_bootstrap"),
                port,
                &moto.url(),
                &estate.topic,
            )
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("bootstrap");
            let mut out = child.stdout.take().unwrap();
            let mut buf = Vec::new();
            let mut byte = [0u8; 1];
            // Read up to the end of the "ready" log line.
            while !String::from_utf8_lossy(&buf).contains("\"ready\"") || buf.last() != Some(&b'\n')
            {
                if out.read(&mut byte).unwrap_or(0) == 0 {
                    panic!("bootstrap exited: {}", String::from_utf8_lossy(&buf));
                }
                buf.push(byte[0]);
            }
            cold.push(start.elapsed().as_secs_f64() * 1000.0);
            let line = String::from_utf8_lossy(&buf).into_owned();
            if let Some(ms) = line
                .split("\"init_ms\":")
                .nth(1)
                .and_then(|r| r.split([',', '}']).next())
                .and_then(|n| n.parse::<f64>().ok())
            {
                init.push(ms);
            }
            // A RegisterTaskDefinition event for a new revision, end to end.
            let arn = common::estate::register(&ecs, "web", i % 2 == 0, false).await;
            let event = std::fs::read_to_string(
                root.join("events/cloudtrail-register-task-definition.json"),
            )
            .unwrap()
            .replace(
                "arn:aws:ecs:eu-west-1:111122223333:task-definition/web:7",
                &arn,
            )
            .replace("111122223333", common::ACCOUNT)
            .replace("eu-west-1", common::REGION);
            let file = std::env::temp_dir().join(format!("bench-register-{i}.json"));
            std::fs::write(&file, event).unwrap();
            let t = Instant::now();
            let r = Command::new(&cargo_lambda)
                .args([
                    "lambda",
                    "invoke",
                    "-A",
                    "127.0.0.1",
                    "-P",
                    &port.to_string(),
                    "--data-file",
                    file.to_str().unwrap(),
                    "-o",
                    "json",
                ])
                .output()
                .expect("invoke");
            e2e.push(t.elapsed().as_secs_f64() * 1000.0);
            let v: serde_json::Value = serde_json::from_slice(&r.stdout).expect("a summary");
            assert_eq!(v["status"], "ok", "{v}");
            in_function.push(v["duration_ms"].as_f64().unwrap_or(0.0));
            let _ = child.kill();
            let _ = child.wait();
        }
        println!(
            "cold start (process start to ready for the first event), release bootstrap on this host: median {:.1} ms of 5 (init_ms reported by the function: median {:.1} ms)",
            median(cold),
            median(init)
        );
        println!(
            "RegisterTaskDefinition event end to end (cargo lambda invoke round trip, first event after a cold start): median {:.0} ms of 5; inside the function: median {:.0} ms",
            median(e2e),
            median(in_function)
        );
    });
}
