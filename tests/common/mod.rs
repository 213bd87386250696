//! Test harness: a moto server (the AWS API emulator) on a free loopback port, a fault-injecting
//! and request-capturing loopback proxy in front of it, and SDK clients pointed at either.
#![allow(dead_code)]

pub mod estate;
pub mod logs;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{Shutdown, TcpListener, TcpStream};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use aws_config::retry::RetryConfig;
use aws_config::timeout::TimeoutConfig;
use aws_config::{BehaviorVersion, Region, SdkConfig};
use aws_credential_types::Credentials;

pub const ACCOUNT: &str = "123456789012";
pub const REGION: &str = "us-east-1";

pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free loopback port")
}

/// A moto server started for one test and killed when dropped. Clients reach it through
/// `port`: a replaying front that answers the ECS operations moto does not implement (ECS
/// Managed Daemons, ECS Gateways) with the recorded answer of an estate that has none, and forwards
/// everything else; tests that give an estate daemons put their own recorded answers in a
/// [`Proxy`] in front.
pub struct Moto {
    child: Child,
    pub port: u16,
    /// moto itself.
    pub upstream: u16,
    pub log: PathBuf,
    front: Option<Proxy>,
}

/// The recorded answers of an account-region without ECS Managed Daemons (`ListDaemons`,
/// `ListDaemonTaskDefinitions`), ECS Gateways (`ListGateways`) or Managed Instances capacity
/// providers (`DescribeCapacityProviders` naming none, the listing a role change reads), as the
/// ECS service model shapes them: the operations moto does not implement (it answers the
/// nameless listing with HTTP 500, and cannot hold a Managed Instances provider).
pub fn not_in_moto() -> Vec<Rule> {
    vec![
        Rule::reply(
            "AmazonEC2ContainerServiceV20141113.DescribeCapacityProviders",
            r#"{"capacityProviders":[],"failures":[]}"#,
        )
        .when_body("maxResults"),
        Rule::reply(
            "AmazonEC2ContainerServiceV20141113.ListGateways",
            r#"{"gateways":[]}"#,
        ),
        Rule::reply(
            "AmazonEC2ContainerServiceV20141113.ListDaemons",
            r#"{"daemonSummariesList":[]}"#,
        ),
        Rule::reply(
            "AmazonEC2ContainerServiceV20141113.ListDaemonTaskDefinitions",
            r#"{"daemonTaskDefinitions":[]}"#,
        ),
    ]
}

impl Moto {
    pub fn start() -> Moto {
        let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
        let server = std::env::var_os("MOTO_SERVER")
            .map(PathBuf::from)
            .unwrap_or_else(|| root.join(".venv/bin/moto_server"));
        assert!(
            server.exists(),
            "moto_server not found at {}: install the pinned emulator with `scripts/setup-venv.sh` (the test command `scripts/test` does this)",
            server.display()
        );
        let port = free_port();
        let log = std::env::temp_dir().join(format!("ecs-posture-moto-{port}.log"));
        let logfile = std::fs::File::create(&log).expect("moto log file");
        let child = Command::new(&server)
            .args(["-H", "127.0.0.1", "-p", &port.to_string()])
            .stdout(Stdio::from(logfile.try_clone().expect("log handle")))
            .stderr(Stdio::from(logfile))
            .spawn()
            .expect("start moto_server");
        let mut moto = Moto {
            child,
            port,
            upstream: port,
            log,
            front: None,
        };
        let deadline = Instant::now() + Duration::from_secs(30);
        while Instant::now() < deadline {
            if http(port, "GET", "/moto-api/", &[], b"").is_some_and(|(status, _)| status == 200) {
                let front = Proxy::start(port);
                for rule in not_in_moto() {
                    front.add(rule);
                }
                moto.port = front.port;
                moto.front = Some(front);
                return moto;
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        panic!(
            "moto_server did not answer on port {port} within 30 s (log: {})",
            moto.log.display()
        );
    }

    pub fn url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    /// Default subnet and security group of moto's default VPC (CreateService with awsvpc
    /// needs real ones). EC2's query API, unsigned: moto does not verify signatures.
    pub fn default_network(&self) -> (String, String) {
        let auth = [(
            "Authorization",
            "AWS4-HMAC-SHA256 Credential=test/20260101/us-east-1/ec2/aws4_request, SignedHeaders=host, Signature=0",
        )];
        let pick = |action: &str, tag: &str| {
            let (_, body) = http(
                self.port,
                "GET",
                &format!("/?Action={action}&Version=2016-11-15"),
                &auth,
                b"",
            )
            .expect("EC2 answers");
            let text = String::from_utf8_lossy(&body).into_owned();
            let start = text
                .find(&format!("<{tag}>"))
                .expect("an id in the EC2 answer")
                + tag.len()
                + 2;
            let end = text[start..].find('<').expect("closing tag") + start;
            text[start..end].to_owned()
        };
        (
            pick("DescribeSubnets", "subnetId"),
            pick("DescribeSecurityGroups", "groupId"),
        )
    }
}

impl Drop for Moto {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Minimal HTTP/1.1 client for the harness (one request per connection).
pub fn http(
    port: u16,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    body: &[u8],
) -> Option<(u16, Vec<u8>)> {
    let mut s = TcpStream::connect(("127.0.0.1", port)).ok()?;
    s.set_read_timeout(Some(Duration::from_secs(10))).ok()?;
    let mut req = format!(
        "{method} {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nConnection: close\r\nContent-Length: {}\r\n",
        body.len()
    );
    for (k, v) in headers {
        req.push_str(&format!("{k}: {v}\r\n"));
    }
    req.push_str("\r\n");
    s.write_all(req.as_bytes()).ok()?;
    s.write_all(body).ok()?;
    let mut out = Vec::new();
    s.read_to_end(&mut out).ok()?;
    let head_end = out.windows(4).position(|w| w == b"\r\n\r\n")?;
    let status: u16 = String::from_utf8_lossy(&out[..head_end])
        .split_whitespace()
        .nth(1)?
        .parse()
        .ok()?;
    Some((status, out[head_end + 4..].to_vec()))
}

/// One request as the proxy saw it.
#[derive(Debug, Clone)]
pub struct Seen {
    /// `X-Amz-Target`, the query `Action`, or `METHOD path` for REST APIs.
    pub operation: String,
    pub body: String,
    /// When the proxy received it.
    pub at: Instant,
    /// The access key and region of the request's signature (`AKID/region`): who sent it where.
    pub signer: String,
}

/// `AKID/region` from a SigV4 `Authorization` header.
fn signer_of(head: &str) -> String {
    head.lines()
        .find_map(|l| {
            let (k, v) = l.split_once(':')?;
            if !k.trim().eq_ignore_ascii_case("authorization") {
                return None;
            }
            let cred = v.split("Credential=").nth(1)?;
            let mut parts = cred.split('/');
            let akid = parts.next()?;
            let _date = parts.next()?;
            let region = parts.next()?;
            Some(format!("{akid}/{region}"))
        })
        .unwrap_or_default()
}

/// Rewrites a response body from (request body, response body).
pub type Rewriter = Arc<dyn Fn(&str, &str) -> String + Send + Sync>;

/// What the proxy does with a matching request.
#[derive(Clone)]
pub enum Fault {
    /// Answer with this status, error code and message instead of forwarding.
    Error {
        status: u16,
        code: &'static str,
        message: &'static str,
        json: bool,
    },
    /// Forward, then replace the response body with what the closure returns (request body,
    /// response body).
    Rewrite(Rewriter),
    /// Drop the connection without answering (a dying server).
    Drop,
    /// Forward the request, then drop the connection instead of passing the answer on: the
    /// service acted, the client never learns it.
    LoseAnswer,
    /// Answer with this status and JSON body (awsJson 1.1) instead of forwarding: a recorded
    /// response for an API moto does not implement, shaped as the service model defines it.
    Reply { status: u16, body: String },
}

#[derive(Clone)]
pub struct Rule {
    pub operation: &'static str,
    pub fault: Fault,
    /// How many matching requests to affect (usize::MAX: all).
    pub times: Arc<AtomicUsize>,
    /// Only requests whose body contains this text match.
    pub body_contains: Option<&'static str>,
    /// How many matching requests pass unaffected before the fault applies.
    pub skip: Arc<AtomicUsize>,
}

impl Rule {
    pub fn new(operation: &'static str, fault: Fault, times: usize) -> Rule {
        Rule {
            operation,
            fault,
            times: Arc::new(AtomicUsize::new(times)),
            body_contains: None,
            skip: Arc::default(),
        }
    }

    /// Member `account`'s role refuses every sts:AssumeRole (a missing or denying role; moto
    /// itself never refuses).
    pub fn deny_assume_role(account: &'static str) -> Rule {
        Rule::new(
            "AssumeRole",
            Fault::Error {
                status: 403,
                code: "AccessDenied",
                message: "not authorized to perform sts:AssumeRole",
                json: false,
            },
            usize::MAX,
        )
        .when_body(account)
    }

    /// Every matching request refused with HTTP 400 and an awsJson error (`__type` `code`), as
    /// the JSON services (ECS, ...) answer.
    pub fn json_error(operation: &'static str, code: &'static str, message: &'static str) -> Rule {
        Rule::new(
            operation,
            Fault::Error {
                status: 400,
                code,
                message,
                json: true,
            },
            usize::MAX,
        )
    }

    /// Every matching request answered with a recorded 200 JSON body.
    pub fn reply(operation: &'static str, body: &str) -> Rule {
        Rule::new(
            operation,
            Fault::Reply {
                status: 200,
                body: body.to_owned(),
            },
            usize::MAX,
        )
    }

    /// Let the first `n` matching requests through unaffected.
    pub fn after(self, n: usize) -> Rule {
        self.skip.store(n, Ordering::SeqCst);
        self
    }

    /// Match only requests whose body contains `text`.
    pub fn when_body(mut self, text: &'static str) -> Rule {
        self.body_contains = Some(text);
        self
    }
}

/// One DynamoDB conditional write at a time through one proxy (see [`Proxy::start`]). Each
/// proxy has its own: a proxy in front of another (a test's proxy in front of moto's replaying
/// front) holds its own while the one behind takes its own, never the same one twice.
type WriteLock = Arc<Mutex<()>>;

/// A loopback proxy in front of moto that records every request and injects faults.
pub struct Proxy {
    pub port: u16,
    pub seen: Arc<Mutex<Vec<Seen>>>,
    pub rules: Arc<Mutex<Vec<Rule>>>,
    /// After this many forwarded requests the "server" dies (connections are dropped).
    pub die_after: Arc<AtomicUsize>,
    forwarded: Arc<AtomicUsize>,
    stop: Arc<AtomicBool>,
}

fn operation_of(head: &str, body: &str) -> String {
    for line in head.lines() {
        if let Some((k, v)) = line.split_once(':')
            && k.trim().eq_ignore_ascii_case("x-amz-target")
        {
            return v.trim().to_owned();
        }
    }
    if let Some(action) = body.split('&').find_map(|p| p.strip_prefix("Action=")) {
        return action.to_owned();
    }
    let mut first = head.lines().next().unwrap_or("").split_whitespace();
    format!(
        "{} {}",
        first.next().unwrap_or(""),
        first.next().unwrap_or("").split('?').next().unwrap_or("")
    )
}

fn read_request(reader: &mut BufReader<TcpStream>) -> Option<(String, Vec<u8>)> {
    let mut head = String::new();
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line).ok()? == 0 {
            return None;
        }
        head.push_str(&line);
        if line == "\r\n" {
            break;
        }
    }
    let len = head
        .lines()
        .find_map(|l| {
            l.split_once(':')
                .filter(|(k, _)| k.trim().eq_ignore_ascii_case("content-length"))
                .and_then(|(_, v)| v.trim().parse::<usize>().ok())
        })
        .unwrap_or(0);
    let mut body = vec![0u8; len];
    reader.read_exact(&mut body).ok()?;
    Some((head, body))
}

fn respond(stream: &mut TcpStream, status: u16, content_type: &str, body: &[u8]) {
    let head = format!(
        "HTTP/1.1 {status} X\r\nContent-Type: {content_type}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    );
    let _ = stream.write_all(head.as_bytes());
    let _ = stream.write_all(body);
    let _ = stream.flush();
}

impl Proxy {
    pub fn start(upstream: u16) -> Proxy {
        let listener = TcpListener::bind("127.0.0.1:0").expect("proxy listener");
        let port = listener.local_addr().expect("proxy address").port();
        let proxy = Proxy {
            port,
            seen: Arc::default(),
            rules: Arc::default(),
            die_after: Arc::new(AtomicUsize::new(usize::MAX)),
            forwarded: Arc::default(),
            stop: Arc::default(),
        };
        let (seen, rules, die_after, forwarded, stop) = (
            proxy.seen.clone(),
            proxy.rules.clone(),
            proxy.die_after.clone(),
            proxy.forwarded.clone(),
            proxy.stop.clone(),
        );
        let writes: WriteLock = Arc::default();
        std::thread::spawn(move || {
            for stream in listener.incoming() {
                if stop.load(Ordering::SeqCst) {
                    break;
                }
                let Ok(stream) = stream else { continue };
                let (seen, rules, die_after, forwarded, writes) = (
                    seen.clone(),
                    rules.clone(),
                    die_after.clone(),
                    forwarded.clone(),
                    writes.clone(),
                );
                std::thread::spawn(move || {
                    let mut out = match stream.try_clone() {
                        Ok(s) => s,
                        Err(_) => return,
                    };
                    let mut reader = BufReader::new(stream);
                    let Some((head, body)) = read_request(&mut reader) else {
                        return;
                    };
                    let body_text = String::from_utf8_lossy(&body).into_owned();
                    let op = operation_of(&head, &body_text);
                    seen.lock().unwrap().push(Seen {
                        operation: op.clone(),
                        body: body_text.clone(),
                        at: Instant::now(),
                        signer: signer_of(&head),
                    });
                    if forwarded.load(Ordering::SeqCst) >= die_after.load(Ordering::SeqCst) {
                        let _ = out.shutdown(Shutdown::Both);
                        return;
                    }
                    let rule = rules
                        .lock()
                        .unwrap()
                        .iter()
                        .find(|r| {
                            op.contains(r.operation)
                                && r.times.load(Ordering::SeqCst) > 0
                                && r.body_contains.is_none_or(|t| body_text.contains(t))
                        })
                        .cloned()
                        .filter(|r| {
                            r.skip
                                .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| {
                                    n.checked_sub(1)
                                })
                                .is_err()
                        });
                    if let Some(rule) = &rule {
                        rule.times.fetch_sub(1, Ordering::SeqCst);
                        match &rule.fault {
                            Fault::Error {
                                status,
                                code,
                                message,
                                json,
                            } => {
                                let (ct, b) = if *json {
                                    (
                                        "application/x-amz-json-1.1",
                                        format!(r#"{{"__type":"{code}","message":"{message}"}}"#),
                                    )
                                } else {
                                    (
                                        "text/xml",
                                        format!(
                                            "<ErrorResponse><Error><Type>Sender</Type><Code>{code}</Code><Message>{message}</Message></Error><RequestId>x</RequestId></ErrorResponse>"
                                        ),
                                    )
                                };
                                let mut out = out;
                                let extra = if *json {
                                    format!("x-amzn-errortype: {code}\r\n")
                                } else {
                                    String::new()
                                };
                                let head = format!(
                                    "HTTP/1.1 {status} X\r\nContent-Type: {ct}\r\n{extra}Content-Length: {}\r\nConnection: close\r\n\r\n",
                                    b.len()
                                );
                                let _ = out.write_all(head.as_bytes());
                                let _ = out.write_all(b.as_bytes());
                                return;
                            }
                            Fault::Drop => {
                                let _ = out.shutdown(Shutdown::Both);
                                return;
                            }
                            Fault::Reply { status, body } => {
                                respond(
                                    &mut out,
                                    *status,
                                    "application/x-amz-json-1.1",
                                    body.as_bytes(),
                                );
                                return;
                            }
                            Fault::Rewrite(_) | Fault::LoseAnswer => {}
                        }
                    }
                    forwarded.fetch_add(1, Ordering::SeqCst);
                    // DynamoDB applies a conditional write atomically; moto checks and writes in
                    // separate steps, so concurrent writes could both pass. Serialize them here.
                    let _atomic = op
                        .contains("DynamoDB_20120810.UpdateItem")
                        .then(|| writes.lock().unwrap_or_else(|p| p.into_inner()));
                    let Ok(mut up) = TcpStream::connect(("127.0.0.1", upstream)) else {
                        let _ = out.shutdown(Shutdown::Both);
                        return;
                    };
                    let head = head
                        .replace("Connection: keep-alive", "Connection: close")
                        .replace("connection: keep-alive", "connection: close");
                    let _ = up.write_all(head.as_bytes());
                    let _ = up.write_all(&body);
                    let mut resp = Vec::new();
                    let _ = up.read_to_end(&mut resp);
                    if matches!(
                        &rule,
                        Some(Rule {
                            fault: Fault::LoseAnswer,
                            ..
                        })
                    ) {
                        let _ = out.shutdown(Shutdown::Both);
                        return;
                    }
                    if let Some(Rule {
                        fault: Fault::Rewrite(f),
                        ..
                    }) = &rule
                        && let Some(pos) = resp.windows(4).position(|w| w == b"\r\n\r\n")
                    {
                        let status: u16 = String::from_utf8_lossy(&resp[..pos])
                            .split_whitespace()
                            .nth(1)
                            .and_then(|s| s.parse().ok())
                            .unwrap_or(200);
                        let new_body = f(&body_text, &String::from_utf8_lossy(&resp[pos + 4..]));
                        respond(&mut out, status, "application/json", new_body.as_bytes());
                        return;
                    }
                    let _ = out.write_all(&resp);
                    let _ = out.flush();
                });
            }
        });
        proxy
    }

    pub fn url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    /// The "server" dies after `n` more forwarded requests (`usize::MAX`: it lives again).
    pub fn die_in(&self, n: usize) {
        let at = self.forwarded.load(Ordering::SeqCst).saturating_add(n);
        self.die_after.store(at, Ordering::SeqCst);
    }

    pub fn add(&self, rule: Rule) {
        self.rules.lock().unwrap().push(rule);
    }

    pub fn clear(&self) {
        self.rules.lock().unwrap().clear();
        self.die_after.store(usize::MAX, Ordering::SeqCst);
    }

    pub fn seen(&self) -> Vec<Seen> {
        self.seen.lock().unwrap().clone()
    }

    pub fn count(&self, operation: &str) -> usize {
        self.seen()
            .iter()
            .filter(|s| s.operation.contains(operation))
            .count()
    }
}

impl Drop for Proxy {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        let _ = TcpStream::connect(("127.0.0.1", self.port));
    }
}

/// SDK configuration pointed at `url` with dummy credentials, short timeouts and fast retries.
pub async fn sdk(url: &str) -> SdkConfig {
    aws_config::defaults(BehaviorVersion::latest())
        .endpoint_url(url)
        .region(Region::new(REGION))
        .credentials_provider(Credentials::new("test", "test", None, None, "tests"))
        .retry_config(
            RetryConfig::standard()
                .with_max_attempts(3)
                .with_initial_backoff(Duration::from_millis(20))
                .with_max_backoff(Duration::from_millis(100)),
        )
        .timeout_config(
            TimeoutConfig::builder()
                .connect_timeout(Duration::from_secs(2))
                .operation_attempt_timeout(Duration::from_secs(10))
                .build(),
        )
        .load()
        .await
}

/// Point a process's AWS SDK at `url` (moto or the proxy) with dummy credentials, in [`REGION`].
pub fn aws_env<'a>(cmd: &'a mut Command, url: &str) -> &'a mut Command {
    cmd.env("AWS_ENDPOINT_URL", url)
        .env("AWS_ACCESS_KEY_ID", "test")
        .env("AWS_SECRET_ACCESS_KEY", "test")
        .env("AWS_REGION", REGION)
        .env("AWS_EC2_METADATA_DISABLED", "true")
}

/// Run an async test on a thread with a large stack: the SDK's futures are big in debug builds.
pub fn block_on<F, Fut>(make: F)
where
    F: FnOnce() -> Fut + Send + 'static,
    Fut: std::future::Future<Output = ()>,
{
    let handle = std::thread::Builder::new()
        .stack_size(64 * 1024 * 1024)
        .spawn(move || {
            logs::install();
            let rt = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .expect("a runtime");
            rt.block_on(Box::pin(make()));
        })
        .expect("a test thread");
    if let Err(panic) = handle.join() {
        std::panic::resume_unwind(panic);
    }
}

/// The `bootstrap` binary configured for the Lambda Runtime API emulator on `runtime_port` and
/// the AWS emulator at `aws_url`, with the ledger table `ledger` and alerts to `topic`.
pub fn bootstrap(binary: &str, runtime_port: u16, aws_url: &str, topic: &str) -> Command {
    let mut c = Command::new(binary);
    c.env(
        "AWS_LAMBDA_RUNTIME_API",
        format!("http://127.0.0.1:{runtime_port}/.rt"),
    )
    .env("AWS_LAMBDA_FUNCTION_NAME", "_")
    .env("AWS_LAMBDA_FUNCTION_VERSION", "1")
    .env("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "512")
    .env("AWS_ENDPOINT_URL", aws_url)
    .env("AWS_ACCESS_KEY_ID", "test")
    .env("AWS_SECRET_ACCESS_KEY", "test")
    .env("AWS_REGION", REGION)
    .env("AWS_EC2_METADATA_DISABLED", "true")
    .env("AWS_MAX_ATTEMPTS", "2")
    .env("ECS_POSTURE_LEDGER_TABLE", "ledger")
    .env("ECS_POSTURE_SNS_TOPIC_ARN", topic)
    .env_remove("RUST_LOG");
    c
}

/// The pinned cargo-lambda of `.venv`.
pub fn cargo_lambda() -> PathBuf {
    let p = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(".venv/bin/cargo-lambda");
    assert!(
        p.exists(),
        "cargo-lambda not found at {}: install the pinned tools with `scripts/setup-venv.sh` (the test command does this)",
        p.display()
    );
    p
}

/// The Lambda Runtime API emulator (`cargo lambda watch --only-lambda-apis`) on a free loopback
/// port, stopped when dropped.
pub struct RuntimeApi {
    child: Child,
    pub port: u16,
}

impl RuntimeApi {
    pub fn start() -> RuntimeApi {
        let port = free_port();
        let child = Command::new(cargo_lambda())
            .args([
                "lambda",
                "watch",
                "--only-lambda-apis",
                "-A",
                "127.0.0.1",
                "-P",
                &port.to_string(),
            ])
            .current_dir(env!("CARGO_MANIFEST_DIR"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("cargo lambda watch");
        let api = RuntimeApi { child, port };
        let deadline = Instant::now() + Duration::from_secs(30);
        while TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(
                Instant::now() < deadline,
                "cargo lambda watch did not listen on {port}"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
        api
    }
}

impl Drop for RuntimeApi {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
