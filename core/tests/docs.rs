//! docs/checks.md is generated from the catalog; this fails when the committed copy is stale,
//! showing the first line that differs and the command that regenerates it.

#[test]
fn checks_md_is_up_to_date() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../docs/checks.md");
    let generated = ecs_posture_core::docs::checks_markdown();
    if std::env::var_os("ECS_POSTURE_BLESS").is_some() {
        std::fs::write(path, &generated).expect("write docs/checks.md");
    }
    let committed = std::fs::read_to_string(path).unwrap_or_default();
    if committed == generated {
        return;
    }
    let mut committed_lines = committed.lines();
    let mut generated_lines = generated.lines();
    let mut line = 1;
    let (was, now) = loop {
        match (committed_lines.next(), generated_lines.next()) {
            (Some(a), Some(b)) if a == b => line += 1,
            (a, b) => break (a.unwrap_or("(end of file)"), b.unwrap_or("(end of file)")),
        }
    };
    panic!(
        "docs/checks.md is stale: line {line} is\n  {was}\nbut the catalog generates\n  {now}\n\
         Regenerate it with `cargo run -- docs --output docs/checks.md` \
         (or `ECS_POSTURE_BLESS=1 cargo test -p ecs-posture-core --test docs`) and commit it."
    );
}
