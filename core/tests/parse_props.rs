//! Property tests: the parsers never panic, whatever the input.

use proptest::prelude::*;
use serde_json::Value;

use ecs_posture_core::finding::ResourceKind;
use ecs_posture_core::{Context, Options, Snapshot, evaluate, select};

fn json_value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        any::<f64>()
            .prop_filter("finite", |f| f.is_finite())
            .prop_map(Value::from),
        "[a-zA-Z0-9:_/${}<>. -]{0,24}".prop_map(Value::String),
    ];
    leaf.prop_recursive(4, 64, 8, |inner| {
        let keys = prop_oneof![
            Just("family".to_owned()),
            Just("containerDefinitions".to_owned()),
            Just("taskDefinition".to_owned()),
            Just("services".to_owned()),
            Just("clusters".to_owned()),
            Just("tags".to_owned()),
            Just("name".to_owned()),
            Just("image".to_owned()),
            Just("privileged".to_owned()),
            Just("environment".to_owned()),
            Just("user".to_owned()),
            Just("settings".to_owned()),
            Just("taskSets".to_owned()),
            Just("networkMode".to_owned()),
            Just("cpu".to_owned()),
            Just("revision".to_owned()),
            Just("volumes".to_owned()),
            Just("linuxParameters".to_owned()),
            "[a-z]{1,8}".prop_map(|s| s),
        ];
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            prop::collection::btree_map(keys, inner, 0..6)
                .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    #[test]
    fn arbitrary_text_never_panics(text in "\\PC{0,200}") {
        let mut s = Snapshot::default();
        let _ = s.add_document("fuzz.json", &text);
    }

    #[test]
    fn arbitrary_json_never_panics_and_evaluates(value in json_value()) {
        let mut s = Snapshot::default();
        let text = value.to_string();
        if s.add_document("fuzz.json", &text).is_ok() {
            let opts = Options::default();
            let checks = select(&opts, &[], &[], None).unwrap();
            let evals = evaluate(&s, &checks, &opts, &Context::default());
            // Every resource gets exactly one evaluation per check of its kind.
            let per_kind = |k: ResourceKind| checks.iter().filter(|c| c.kind() == k).count();
            let expected = s.task_definitions.len() * per_kind(ResourceKind::TaskDefinition)
                + s.services.len() * per_kind(ResourceKind::Service)
                + s.task_sets.len() * per_kind(ResourceKind::TaskSet)
                + s.clusters.len() * per_kind(ResourceKind::Cluster)
                + s.capacity_providers.len() * per_kind(ResourceKind::CapacityProvider)
                + s.container_instances.len() * per_kind(ResourceKind::ContainerInstance);
            prop_assert_eq!(evals.len(), expected);
            for e in &evals {
                prop_assert_eq!(
                    evals.iter().filter(|x| x.check.id == e.check.id && std::sync::Arc::ptr_eq(&x.resource, &e.resource)).count(),
                    1
                );
            }
        }
    }

    #[test]
    fn truncated_documents_report_a_position(cut in 1usize..200) {
        let doc = r#"{"taskDefinition":{"family":"a","revision":1,"containerDefinitions":[{"name":"c","image":"x","environment":[{"name":"A","value":"b"}]}]},"tags":[]}"#;
        let cut = cut.min(doc.len() - 1);
        let mut s = Snapshot::default();
        match s.add_document("cut.json", &doc[..cut]) {
            Err(ecs_posture_core::model::InputError::Syntax { line, column, .. }) => prop_assert!(line >= 1 && column >= 1),
            Err(other) => prop_assert!(false, "unexpected error {other}"),
            Ok(()) => prop_assert!(false, "a truncated document parsed"),
        }
    }
}
