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

/// The organization hub: the schedule queues one scan per member account-region on the FIFO
/// queue; a FIFO batch of two account-region messages is scanned through the member roles, and
/// the member whose role is denied is reported alone for a retry (partial batch response).
#[test]
fn bootstrap_runs_the_organization_hub() {
    common::block_on(|| async move {
        let moto = Moto::start();
        let base = common::sdk(&moto.url()).await;
        let members = ["111111111111", "222222222222"];
        for a in members {
            let cfg = common::estate::member(&base, a, common::REGION).await;
            common::estate::seed_member(&cfg, a, common::REGION, &format!("app-{a}")).await;
        }
        let (topic, _) = common::estate::hub(&base).await;
        let sqs = aws_sdk_sqs::Client::new(&base);
        let queue = sqs
            .create_queue()
            .queue_name("ecs-posture-scans.fifo")
            .attributes(aws_sdk_sqs::types::QueueAttributeName::FifoQueue, "true")
            .send()
            .await
            .expect("CreateQueue")
            .queue_url()
            .unwrap()
            .to_owned();
        let proxy = common::Proxy::start(moto.port);
        proxy.add(common::Rule::deny_assume_role("222222222222"));
        let runtime = common::RuntimeApi::start();
        let port = runtime.port;
        let log = std::env::temp_dir().join(format!("ecs-posture-hub-{port}.log"));
        let logfile = std::fs::File::create(&log).unwrap();
        let _function = Kill(
            common::bootstrap(env!("CARGO_BIN_EXE_bootstrap"), port, &proxy.url(), &topic)
                .env("ECS_POSTURE_MEMBER_ROLE_NAME", common::estate::MEMBER_ROLE)
                .env("ECS_POSTURE_ACCOUNTS", members.join(","))
                .env("ECS_POSTURE_REGIONS", common::REGION)
                .env("ECS_POSTURE_SCAN_QUEUE_URL", &queue)
                .stdout(Stdio::from(logfile.try_clone().unwrap()))
                .stderr(Stdio::from(logfile))
                .spawn()
                .expect("start bootstrap"),
        );
        let events = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("events");
        let r = invoke(port, &events.join("schedule.json"));
        assert_eq!(r["status"], "queued", "{r}");
        assert_eq!(
            (r["account_regions"].as_u64(), r["queued"].as_u64()),
            (Some(2), Some(2))
        );

        // What SQS delivers: one message per account-region, grouped by account-region.
        let got = sqs
            .receive_message()
            .queue_url(&queue)
            .max_number_of_messages(10)
            .message_system_attribute_names(
                aws_sdk_sqs::types::MessageSystemAttributeName::MessageGroupId,
            )
            .send()
            .await
            .unwrap();
        let messages = got.messages();
        assert_eq!(messages.len(), 2);
        let records: Vec<Value> = messages
            .iter()
            .map(|m| {
                let group = m
                    .attributes()
                    .and_then(|a| {
                        a.get(&aws_sdk_sqs::types::MessageSystemAttributeName::MessageGroupId)
                    })
                    .cloned()
                    .unwrap_or_default();
                serde_json::json!({
                    "messageId": m.message_id().unwrap(),
                    "receiptHandle": m.receipt_handle().unwrap(),
                    "body": m.body().unwrap(),
                    "attributes": {"MessageGroupId": group, "ApproximateReceiveCount": "1"},
                    "messageAttributes": {},
                    "md5OfBody": m.md5_of_body().unwrap_or_default(),
                    "eventSource": "aws:sqs",
                    "eventSourceARN": "arn:aws:sqs:us-east-1:123456789012:ecs-posture-scans.fifo",
                    "awsRegion": "us-east-1"
                })
            })
            .collect();
        let groups: Vec<&str> = records
            .iter()
            .map(|r| r["attributes"]["MessageGroupId"].as_str().unwrap())
            .collect();
        assert!(
            groups.contains(&"111111111111/us-east-1")
                && groups.contains(&"222222222222/us-east-1"),
            "{groups:?}"
        );
        let denied = records
            .iter()
            .find(|r| r["attributes"]["MessageGroupId"] == "222222222222/us-east-1")
            .unwrap()["messageId"]
            .clone();
        let batch = std::env::temp_dir().join(format!("hub-batch-{port}.json"));
        std::fs::write(&batch, serde_json::json!({"Records": records}).to_string()).unwrap();
        let r = invoke(port, &batch);
        let failures = r["batchItemFailures"]
            .as_array()
            .expect("a partial batch response");
        assert_eq!(failures.len(), 1, "{r}");
        assert_eq!(failures[0]["itemIdentifier"], denied, "{r}");
        assert_eq!(r["results"].as_array().unwrap().len(), 1, "{r}");

        // Member 111111111111's findings are in its own Security Hub; the denied member's not.
        let m1 = common::estate::member(&base, "111111111111", common::REGION).await;
        let held = findings(&m1).await;
        assert!(!held.is_empty());
        assert!(
            held.values()
                .all(|f| f.aws_account_id() == Some("111111111111"))
        );
        let m2 = common::estate::member(&base, "222222222222", common::REGION).await;
        assert!(findings(&m2).await.is_empty());
        let log = std::fs::read_to_string(&log).unwrap();
        assert!(
            log.contains("MemberUnreachable")
                && log.contains("arn:aws:iam::222222222222:role/ecs-posture-member"),
            "the failure names the account's role"
        );
        assert!(
            log.contains("\"AccountRegionsFailed\":1"),
            "coverage metrics"
        );
    });
}
