//! docs/checks.md is generated from the catalog; this fails when the committed copy is stale.

#[test]
fn checks_md_is_up_to_date() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../docs/checks.md");
    let generated = ecs_posture_core::docs::checks_markdown();
    if std::env::var_os("ECS_POSTURE_BLESS").is_some() {
        std::fs::write(path, &generated).expect("write docs/checks.md");
    }
    let committed = std::fs::read_to_string(path).unwrap_or_default();
    assert!(
        committed == generated,
        "docs/checks.md is stale. Regenerate it with `cargo run -- docs --output docs/checks.md` \
         (or `ECS_POSTURE_BLESS=1 cargo test -p ecs-posture-core --test docs`) and commit it."
    );
}
