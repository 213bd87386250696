//! The real `bootstrap` binary against the Lambda Runtime API emulator (`cargo lambda watch
//! --only-lambda-apis`) and the AWS API emulator (moto), invoked with events/ files through
//! `cargo lambda invoke`. Checks Security Hub, the ledger and the SNS alert afterwards.

mod common;

use std::path::PathBuf;
use std::process::{Child, Command, Stdio};

use serde_json::Value;

use common::Moto;
use common::estate::{alerts, findings, seed};

struct Kill(Child);

impl Drop for Kill {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn invoke(port: u16, event: &std::path::Path) -> Value {
    let out = Command::new(common::cargo_lambda())
        .args([
            "lambda",
            "invoke",
            "-A",
            "127.0.0.1",
            "-P",
            &port.to_string(),
            "--data-file",
            event.to_str().unwrap(),
            "-o",
            "json",
        ])
        .output()
        .expect("cargo lambda invoke");
    assert!(
        out.status.success(),
        "invoke failed: {}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&out.stdout)))
}

#[test]
fn bootstrap_handles_events_end_to_end() {
    common::block_on(|| async move {
        let moto = Moto::start();
        let estate = seed(&moto).await;
        let runtime = common::RuntimeApi::start();
        let port = runtime.port;
        let log = std::env::temp_dir().join(format!("ecs-posture-bootstrap-{port}.log"));
        let logfile = std::fs::File::create(&log).unwrap();
        let _function = Kill(
            common::bootstrap(
                env!("CARGO_BIN_EXE_bootstrap"),
                port,
                &moto.url(),
                &estate.topic,
            )
            .stdout(Stdio::from(logfile.try_clone().unwrap()))
            .stderr(Stdio::from(logfile))
            .spawn()
            .expect("start bootstrap"),
        );

        // The nightly schedule: a region scan.
        let events = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("events");
        let r = invoke(port, &events.join("schedule.json"));
        assert_eq!(r["status"], "ok", "{r}");
        assert!(
            r["imported"].as_u64().unwrap() > 0 && r["alerted"].as_u64().unwrap() > 0,
            "{r}"
        );
        let all = findings(&estate.cfg).await;
        assert_eq!(all.len() as u64, r["imported"].as_u64().unwrap());
        let sent = alerts(&estate).await;
        assert_eq!(sent.len(), 1);
        let ddb = aws_sdk_dynamodb::Client::new(&estate.cfg);
        let items = ddb.scan().table_name("ledger").send().await.unwrap();
        assert!(
            items.count() as u64 >= r["imported"].as_u64().unwrap(),
            "the ledger holds every accepted finding"
        );

        // A RegisterTaskDefinition event (the sample file, pointed at the emulator's account).
        let ecs = aws_sdk_ecs::Client::new(&estate.cfg);
        let arn = common::estate::register(&ecs, "web", false, false).await;
        let sample =
            std::fs::read_to_string(events.join("cloudtrail-register-task-definition.json"))
                .unwrap();
        let event = sample
            .replace(
                "arn:aws:ecs:eu-west-1:111122223333:task-definition/web:7",
                &arn,
            )
            .replace("111122223333", common::ACCOUNT)
            .replace("eu-west-1", common::REGION);
        let file = std::env::temp_dir().join(format!("register-{port}.json"));
        std::fs::write(&file, event).unwrap();
        let r = invoke(port, &file);
        assert_eq!(r["status"], "ok", "{r}");
        assert_eq!(r["trigger"], "RegisterTaskDefinition");
        assert!(r["scope"].as_str().unwrap().contains("web:2"), "{r}");

        // Same schedule again: nothing new, no alert.
        let r = invoke(port, &events.join("schedule.json"));
        assert_eq!(
            (r["new"].as_u64(), r["alerted"].as_u64()),
            (Some(0), Some(0)),
            "{r}"
        );
        // Anything else is ignored with success.
        let r = invoke(port, &events.join("unrelated-event.json"));
        assert_eq!(r["status"], "ignored");

        let log = std::fs::read_to_string(&log).unwrap();
        assert!(
            log.lines().any(|l| l.contains("\"CloudWatchMetrics\"")),
            "an EMF line per scan"
        );
        assert!(
            log.lines()
                .all(|l| !l.contains("Pr0dPassw0rd") && !l.contains(common::estate::SECRET)),
            "no secret value in the logs"
        );
        assert!(log.contains("\"ready\""));
    });
}
