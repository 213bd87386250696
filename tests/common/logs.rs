//! Capturing the log lines one test thread writes, with the production filter asked for TRACE.
//!
//! One global subscriber is installed before any test code runs on a test thread (see
//! [`super::block_on`]), so no log callsite can cache "nobody listens" before it exists; it writes
//! each line into the capture of the thread that logged it, if that thread is capturing.

use std::cell::RefCell;
use std::io::Write;
use std::sync::{Arc, Mutex, Once};

thread_local! {
    static CAPTURE: RefCell<Option<Arc<Mutex<Vec<u8>>>>> = const { RefCell::new(None) };
}

/// Writes into the current thread's capture, or nowhere.
struct ThreadWriter;

impl Write for ThreadWriter {
    fn write(&mut self, b: &[u8]) -> std::io::Result<usize> {
        CAPTURE.with(|c| {
            if let Some(buf) = &*c.borrow() {
                buf.lock().unwrap().extend_from_slice(b);
            }
        });
        Ok(b.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

static INSTALL: Once = Once::new();

/// Install the global subscriber (once per test binary).
pub fn install() {
    INSTALL.call_once(|| {
        let subscriber = tracing_subscriber::fmt()
            .json()
            // The production filter, asked for everything at TRACE.
            .with_env_filter(ecs_posture::logging::filter(Some("trace"), "info"))
            .with_writer(|| ThreadWriter)
            .finish();
        tracing::subscriber::set_global_default(subscriber).expect("one global subscriber");
    });
}

/// The log lines of this thread while it lives.
pub struct Capture {
    buf: Arc<Mutex<Vec<u8>>>,
}

impl Capture {
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.buf.lock().unwrap()).into_owned()
    }
}

impl Drop for Capture {
    fn drop(&mut self) {
        CAPTURE.with(|c| *c.borrow_mut() = None);
    }
}

/// Capture every log line of this thread (tests run the handler on the current thread).
pub fn capture() -> Capture {
    install();
    let buf = Arc::new(Mutex::new(Vec::new()));
    CAPTURE.with(|c| *c.borrow_mut() = Some(buf.clone()));
    Capture { buf }
}
