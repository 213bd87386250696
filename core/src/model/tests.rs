use super::*;

fn snap(text: &str) -> Snapshot {
    let mut s = Snapshot::default();
    s.add_document("doc.json", text)
        .unwrap_or_else(|e| panic!("{e}"));
    s
}

fn err(text: &str) -> InputError {
    let mut s = Snapshot::default();
    s.add_document("bad.json", text)
        .expect_err("expected an input error")
}

#[test]
fn describe_task_definition_output_with_outer_tags() {
    let s = snap(
        r#"{"taskDefinition":{"taskDefinitionArn":"arn:aws:ecs:us-east-1:1:task-definition/a:3","family":"a","revision":3,
        "status":"ACTIVE","registeredAt":1700000000.5,"containerDefinitions":[{"name":"c","image":"x"}]},
        "tags":[{"key":"owner","value":"t"}]}"#,
    );
    let td = &s.task_definitions[0].item;
    assert_eq!(td.revision, Some(3));
    assert_eq!(td.tags.as_deref().map(|t| t.len()), Some(1));
    assert!(matches!(td.registered_at, Some(de::Timestamp::Epoch(_))));
}

#[test]
fn bare_described_task_definition_has_unknown_tags() {
    let s = snap(
        r#"{"taskDefinitionArn":"arn:aws:ecs:us-east-1:1:task-definition/a:1","family":"a","revision":1,"registeredAt":"2024-01-01T00:00:00Z","containerDefinitions":[]}"#,
    );
    assert!(s.task_definitions[0].item.tags.is_none());
    assert!(matches!(
        s.task_definitions[0].item.registered_at,
        Some(de::Timestamp::Text(_))
    ));
}

#[test]
fn register_input_has_known_tags_and_lenient_values() {
    let s = snap(
        "{\r\n\"family\":\"a\",\"cpu\":256,\"memory\":\"512\",\"tags\":{\"team\":\"x\"},\r\n\"containerDefinitions\":[{\"name\":\"c\",\"image\":\"x\",\"cpu\":\"128\",\"memory\":null,\
         \"privileged\":\"false\",\"portMappings\":[{\"containerPort\":\"8080\"}],\"environment\":[{\"name\":\"N\",\"value\":5}],\
         \"command\":null,\"linuxParameters\":null,\"memoryReservation\":\"${MEM}\"}]}",
    );
    let td = &s.task_definitions[0].item;
    assert_eq!(td.cpu.as_deref(), Some("256"));
    assert_eq!(td.tags.as_ref().map(|t| t[0].key.as_str()), Some("team"));
    let c = &td.container_definitions[0];
    assert_eq!(c.cpu, Some(128));
    assert_eq!(c.memory, None);
    assert_eq!(c.memory_reservation, None);
    assert_eq!(c.privileged, Some(false));
    assert_eq!(c.environment[0].value.as_deref(), Some("5"));
}

#[test]
fn bare_container_definition_array() {
    let s = snap(r#"[{"name":"web","image":"nginx"},{"name":"log","image":"fluent-bit"}]"#);
    assert_eq!(s.task_definitions.len(), 1);
    assert_eq!(s.task_definitions[0].item.container_definitions.len(), 2);
    assert_eq!(s.task_definitions[0].item.family.as_deref(), Some("doc"));
}

#[test]
fn byte_order_mark_and_leading_blank_lines() {
    let s = snap("\u{feff}\n\n{\"family\":\"a\",\"containerDefinitions\":[]}");
    assert_eq!(s.task_definitions.len(), 1);
}

#[test]
fn services_with_task_sets_and_dedupe() {
    let text = r#"{"services":[{"serviceArn":"arn:aws:ecs:us-east-1:1:service/c/s","serviceName":"s","clusterArn":"arn:aws:ecs:us-east-1:1:cluster/c",
        "taskSets":[{"id":"ts1","taskSetArn":"arn:aws:ecs:us-east-1:1:task-set/c/s/ts1"}]}],"failures":[]}"#;
    let mut s = snap(text);
    s.add_document(
        "again.json",
        r#"{"taskSets":[{"id":"ts1","taskSetArn":"arn:aws:ecs:us-east-1:1:task-set/c/s/ts1"}]}"#,
    )
    .unwrap();
    assert_eq!(s.services.len(), 1);
    assert_eq!(s.task_sets.len(), 1);
    assert_eq!(
        s.task_sets[0].item.service_arn.as_deref(),
        Some("arn:aws:ecs:us-east-1:1:service/c/s")
    );
}

#[test]
fn capacity_provider_service_is_fargate() {
    let s = snap(
        r#"{"services":[{"serviceName":"s","taskDefinition":"t:1","capacityProviderStrategy":[{"capacityProvider":"FARGATE_SPOT"}]}]}"#,
    );
    assert!(s.services[0].item.is_fargate());
    assert!(s.services[0].item.launch_type.is_none());
}

#[test]
fn cluster_settings_absent_versus_empty() {
    let s = snap(
        r#"{"clusters":[{"clusterArn":"arn:aws:ecs:us-east-1:1:cluster/a"},{"clusterArn":"arn:aws:ecs:us-east-1:1:cluster/b","settings":[]}]}"#,
    );
    assert!(s.clusters[0].item.settings.is_none());
    assert_eq!(s.clusters[1].item.settings.as_ref().map(Vec::len), Some(0));
}

#[test]
fn container_instance_cluster_from_arn_and_failures() {
    let s = snap(
        r#"{"containerInstances":[{"containerInstanceArn":"arn:aws:ecs:us-east-1:1:container-instance/prod/abc"}],
           "failures":[{"arn":"arn:aws:ecs:us-east-1:1:container-instance/prod/zzz","reason":"MISSING"}]}"#,
    );
    assert_eq!(
        s.container_instances[0].item.cluster_arn.as_deref(),
        Some("arn:aws:ecs:us-east-1:1:cluster/prod")
    );
    assert_eq!(s.failures.len(), 1);
    assert_eq!(s.failures[0].reason, "MISSING");
}

#[test]
fn capacity_providers_output() {
    let s = snap(
        r#"{"capacityProviders":[{"capacityProviderArn":"arn:aws:ecs:us-east-1:1:capacity-provider/cp","name":"cp","autoScalingGroupProvider":{"managedTerminationProtection":"ENABLED"}}]}"#,
    );
    assert_eq!(s.capacity_providers.len(), 1);
}

#[test]
fn defaults_resolved_once() {
    let s = snap(
        r#"{"family":"a","requiresCompatibilities":["FARGATE"],"containerDefinitions":[{"name":"c","user":"0:0"},{"name":"d","user":"ContainerAdministrator"},{"name":"e","user":"1000"},{"name":"f"},{"name":"g","user":"root:root"}]}"#,
    );
    let td = &s.task_definitions[0].item;
    assert_eq!(td.network_mode(), NetworkMode::Awsvpc);
    assert_eq!(td.os_family(), OsFamily::Unspecified);
    assert!(td.launch_types().fargate_only());
    let users: Vec<UserSpec> = td
        .container_definitions
        .iter()
        .map(|c| c.user_spec())
        .collect();
    assert_eq!(
        users,
        vec![
            UserSpec::Root,
            UserSpec::WindowsAdmin,
            UserSpec::NonRoot,
            UserSpec::Absent,
            UserSpec::Root
        ]
    );
    let s = snap(r#"{"family":"a","containerDefinitions":[]}"#);
    assert_eq!(
        s.task_definitions[0].item.network_mode(),
        NetworkMode::Default
    );
    assert!(s.task_definitions[0].item.launch_types().ec2);
}

#[test]
fn syntax_errors_name_line_and_column() {
    match err("{\n  \"family\": \"a\",\n  \"containerDefinitions\": [\n}") {
        InputError::Syntax {
            path, line, column, ..
        } => {
            assert_eq!(path, "bad.json");
            assert_eq!(line, 4);
            assert!(column >= 1);
        }
        other => panic!("unexpected {other:?}"),
    }
}

#[test]
fn type_errors_name_the_field() {
    let e = err(r#"{"family":"a","containerDefinitions":[{"name":"c","privileged":"maybe"}]}"#);
    let msg = e.to_string();
    assert!(
        msg.contains("bad.json") && msg.contains("containerDefinitions[0].privileged"),
        "{msg}"
    );
    let e = err(r#"{"services":[{"serviceName":"s","desiredCount":"many"}]}"#);
    assert!(e.to_string().contains("services[0].desiredCount"), "{e}");
    let e = err(r#"{"clusters":{"a":1}}"#);
    assert!(
        e.to_string().contains("clusters") && e.to_string().contains("expected a list"),
        "{e}"
    );
}

#[test]
fn unknown_shapes_are_rejected_clearly() {
    assert!(
        err(r#"{"name":"package","version":"1.0.0"}"#)
            .to_string()
            .contains("unknown document shape")
    );
    assert!(err("42").to_string().contains("top level"));
    assert!(err("   ").to_string().contains("empty"));
    assert!(err("[]").to_string().contains("empty list"));
    assert!(err("[1,2]").to_string().contains("top-level list"));
}

#[test]
fn arn_parts() {
    let a = Arn::parse("arn:aws-cn:ecs:cn-north-1:123:service/c/s").unwrap();
    assert_eq!(
        (a.partition, a.region, a.account, a.resource),
        ("aws-cn", "cn-north-1", "123", "service/c/s")
    );
    assert!(Arn::parse("family:1").is_none());
}

#[test]
fn fast_and_general_paths_agree() {
    let docs = [
        r#"{"taskDefinition":{"taskDefinitionArn":"arn:aws:ecs:us-east-1:1:task-definition/a:3","family":"a","revision":3,"containerDefinitions":[{"name":"c","image":"x","privileged":"true","environment":[{"name":"A","value":5}]}]},"tags":{"owner":"t"}}"#,
        r#"{"taskDefinition":{"family":"a","containerDefinitions":[],"tags":[{"key":"inner","value":"v"}]}}"#,
        r#"{"taskDefinition":{"family":"a","containerDefinitions":[]},"tags":null}"#,
    ];
    for d in docs {
        let mut fast = Snapshot::default();
        fast.add_document("d.json", d).unwrap();
        let mut general = Snapshot::default();
        general
            .add_value("d.json", &serde_json::from_str(d).unwrap())
            .unwrap();
        assert_eq!(
            format!("{:?}", fast.task_definitions[0].item),
            format!("{:?}", general.task_definitions[0].item),
            "{d}"
        );
    }
    // Other keys beside taskDefinition take the general path and keep everything.
    let mut s = Snapshot::default();
    s.add_document("d.json", r#"{"taskDefinition":{"family":"a","containerDefinitions":[]},"services":[{"serviceName":"s","taskDefinition":"a"}]}"#).unwrap();
    assert_eq!((s.task_definitions.len(), s.services.len()), (1, 1));
    // Errors still name the field.
    let mut s = Snapshot::default();
    let e = s
        .add_document(
            "d.json",
            r#"{"taskDefinition":{"family":"a","containerDefinitions":[{"privileged":"maybe"}]}}"#,
        )
        .unwrap_err();
    assert!(
        e.to_string()
            .contains("taskDefinition.containerDefinitions[0].privileged"),
        "{e}"
    );
}

/// `aws ec2 describe-*` outputs are recognised by content, alone or beside ECS keys; what was
/// read is told apart from what was not; repeats of the same owner and id are kept once; a bad
/// field is named with its path.
#[test]
fn ec2_network_outputs_are_read_by_content() {
    let mut s = Snapshot::default();
    s.add_document(
        "sg.json",
        r#"{"SecurityGroups":[{"GroupId":"sg-1","GroupName":"default","VpcId":"vpc-1","OwnerId":"111122223333","IpPermissions":[{"IpProtocol":"tcp","FromPort":22,"ToPort":22,"IpRanges":[{"CidrIp":"0.0.0.0/0"}]}],"IpPermissionsEgress":null}]}"#,
    )
    .unwrap();
    assert!(!s.network.flow_logs_read, "no flow log output read yet");
    s.add_document(
        "mixed.json",
        r#"{"services":[{"serviceName":"s","taskDefinition":"a"}],"Subnets":[{"SubnetId":"subnet-1","VpcId":"vpc-1","MapPublicIpOnLaunch":true}],"RouteTables":[{"RouteTableId":"rtb-1","VpcId":"vpc-1","Associations":[{"Main":true}],"Routes":[]}],"FlowLogs":[]}"#,
    )
    .unwrap();
    s.add_document(
        "sg-again.json",
        r#"{"SecurityGroups":[{"GroupId":"sg-1","OwnerId":"111122223333"},{"GroupId":"sg-1","OwnerId":"444455556666"}]}"#,
    )
    .unwrap();
    // A lookup between reads: the next read is still found (the lookup index is rebuilt).
    assert!(s.network.security_group("sg-2").is_none());
    assert!(s.network.subnet("subnet-1").is_some());
    s.add_document(
        "sg-2.json",
        r#"{"SecurityGroups":[{"GroupId":"sg-2","OwnerId":"111122223333"}],"Subnets":[{"SubnetId":"subnet-2","VpcId":"vpc-1"}]}"#,
    )
    .unwrap();
    assert!(s.network.security_group("sg-2").is_some());
    assert!(s.network.subnet("subnet-2").is_some());
    let n = &s.network;
    assert_eq!(s.services.len(), 1);
    assert_eq!(n.security_groups.len(), 3, "one per owner");
    assert!(n.security_groups[0].is_default());
    assert_eq!(
        n.security_groups[0].open_ingress()[0].describe(),
        "tcp 22 from 0.0.0.0/0"
    );
    assert_eq!(n.subnets[0].map_public_ip_on_launch, Some(true));
    assert!(n.flow_logs_read && n.flow_logs.is_empty());
    assert!(n.route_table_vpcs.contains("vpc-1"));
    assert_eq!(
        n.route_of(&n.subnets[0]),
        Some(network::SubnetRoute::Private {
            route_table: "rtb-1",
            main: true
        })
    );
    let e = Snapshot::default()
        .add_document(
            "bad.json",
            r#"{"SecurityGroups":[{"GroupId":"sg-1","IpPermissions":[{"FromPort":"ssh"}]}]}"#,
        )
        .unwrap_err();
    assert!(
        e.to_string()
            .contains("SecurityGroups[0].IpPermissions[0].FromPort"),
        "{e}"
    );
}

/// Port ranges as the EC2 API writes them: -1 and absent ranges on TCP/UDP are every port, a
/// reversed range is normalised, ICMP has no ports, `-1` is every protocol.
#[test]
fn rule_ports_follow_the_ec2_api() {
    let rule = |json: &str| -> network::OpenRule {
        serde_json::from_str::<network::IpPermission>(json)
            .unwrap()
            .open_to_internet()
            .unwrap()
    };
    let all = rule(r#"{"IpProtocol":"-1","IpRanges":[{"CidrIp":"0.0.0.0/0"}]}"#);
    assert_eq!(
        (all.protocol, all.ports),
        (network::Protocol::All, (0, 65535))
    );
    let tcp = rule(
        r#"{"IpProtocol":"tcp","FromPort":-1,"ToPort":-1,"IpRanges":[{"CidrIp":"0.0.0.0/0"}]}"#,
    );
    assert_eq!(tcp.ports, (0, 65535));
    let rev =
        rule(r#"{"IpProtocol":"6","FromPort":443,"ToPort":80,"Ipv6Ranges":[{"CidrIpv6":"::/0"}]}"#);
    assert_eq!(
        (rev.protocol, rev.ports),
        (network::Protocol::Tcp, (80, 443))
    );
    assert_eq!(rev.describe(), "tcp 80-443 from ::/0");
    let icmp = rule(
        r#"{"IpProtocol":"icmp","FromPort":8,"ToPort":0,"IpRanges":[{"CidrIp":"0.0.0.0/0"}]}"#,
    );
    assert_eq!(icmp.protocol, network::Protocol::Other);
    assert!(!icmp.covers(22));
    assert!(
        serde_json::from_str::<network::IpPermission>(
            r#"{"IpProtocol":"tcp","FromPort":22,"ToPort":22,"IpRanges":[{"CidrIp":"10.0.0.0/8"}],"PrefixListIds":[{"PrefixListId":"pl-1"}]}"#
        )
        .unwrap()
        .open_to_internet()
        .is_none(),
        "private ranges and prefix lists are not the internet"
    );
}

#[test]
fn documents_added_twice_keep_one_copy_even_after_direct_edits() {
    let td = |rev: u32| {
        format!(
            r#"{{"taskDefinition":{{"taskDefinitionArn":"arn:aws:ecs:us-east-1:1:task-definition/web:{rev}","family":"web","revision":{rev},"containerDefinitions":[]}}}}"#
        )
    };
    let svc = |image: &str| {
        format!(
            r#"{{"services":[{{"serviceArn":"arn:aws:ecs:us-east-1:1:service/c/web","serviceName":"web","taskDefinition":"{image}"}}]}}"#
        )
    };
    let mut s = Snapshot::default();
    for rev in [1, 2, 3, 2, 1] {
        s.add_document("td.json", &td(rev)).unwrap();
    }
    assert_eq!(s.task_definitions.len(), 3);
    // Edited in place: the first record removed, the others shift.
    s.task_definitions.remove(0);
    s.add_document("td.json", &td(3)).unwrap();
    s.add_document("td.json", &td(1)).unwrap();
    let revs: Vec<_> = s.task_definitions.iter().map(|r| r.item.revision).collect();
    assert_eq!(revs, [Some(2), Some(3), Some(1)]);
    // A service read again replaces the earlier copy, wherever it now sits.
    s.add_document("s.json", &svc("web:1")).unwrap();
    s.services.insert(0, s.services[0].clone());
    s.services[0].item.service_arn = Some("arn:aws:ecs:us-east-1:1:service/c/other".into());
    s.add_document("s.json", &svc("web:2")).unwrap();
    assert_eq!(s.services.len(), 2);
    assert_eq!(s.services[1].item.task_definition.as_deref(), Some("web:2"));
}

#[test]
fn inspector_answers_for_several_accounts_add_up() {
    use crate::model::account::EcrScanning;
    use crate::model::load_balancing::Read;
    let mut s = Snapshot::default();
    for (file, account, status) in [
        (
            "a/inspector2-account-status.json",
            "111111111111",
            "ENABLED",
        ),
        (
            "b/inspector2-account-status.json",
            "222222222222",
            "DISABLED",
        ),
        // A later answer for an account replaces its earlier one.
        (
            "c/inspector2-account-status.json",
            "111111111111",
            "SUSPENDED",
        ),
    ] {
        s.add_document(
            file,
            &format!(
                r#"{{"accounts":[{{"accountId":"{account}","resourceState":{{"ecr":{{"status":"{status}"}}}}}}],"failedAccounts":[]}}"#
            ),
        )
        .unwrap();
    }
    let Some(Read::Answered(i)) = &s.network.account.inspector else {
        panic!("read")
    };
    assert_eq!(
        i.ecr_scanning("111111111111"),
        EcrScanning::Status("SUSPENDED".into())
    );
    assert_eq!(
        i.ecr_scanning("222222222222"),
        EcrScanning::Status("DISABLED".into())
    );
    assert_eq!(i.ecr_scanning("333333333333"), EcrScanning::Absent);
    assert_eq!(i.accounts.len(), 2);
}

#[test]
fn log_groups_and_secrets_of_several_accounts_stay_with_their_account() {
    use crate::model::logs::GroupLookup;
    use crate::model::secrets::Lookup;
    let mut s = Snapshot::default();
    for (account, retention, kms) in [("111111111111", 30, ""), ("222222222222", 400, "key")] {
        s.add_document(
            &format!("{account}/td.json"),
            &format!(
                r#"{{"taskDefinition":{{"taskDefinitionArn":"arn:aws:ecs:eu-west-1:{account}:task-definition/web:1","family":"web","revision":1,"status":"ACTIVE","containerDefinitions":[{{"name":"web","image":"nginx:1.27"}}]}}}}"#
            ),
        )
        .unwrap();
        s.add_document(
            &format!("{account}/log-groups.json"),
            &format!(
                r#"{{"logGroups":[{{"logGroupName":"/ecs/web","arn":"arn:aws:logs:eu-west-1:{account}:log-group:/ecs/web:*","retentionInDays":{retention}}}]}}"#
            ),
        )
        .unwrap();
        s.add_document(
            &format!("{account}/secret.json"),
            &format!(
                r#"{{"ARN":"arn:aws:secretsmanager:eu-west-1:{account}:secret:db-AbCdEf","Name":"db","KmsKeyId":"{kms}"}}"#
            ),
        )
        .unwrap();
    }
    let parts = s.split_by_account_region();
    assert_eq!(parts.len(), 2);
    for (key, part) in &parts {
        let (account, _) = key.clone().expect("an account-region");
        let GroupLookup::Found(g) = part.logs.group("/ecs/web") else {
            panic!("{account}: the group of its account")
        };
        let want = if account == "111111111111" { 30 } else { 400 };
        assert_eq!(g.retention_in_days, Some(want), "{account}");
        let Lookup::Found(secret) = part.secrets.secret("db") else {
            panic!("{account}: the secret of its account")
        };
        assert!(
            secret.arn.as_deref().is_some_and(|a| a.contains(&account)),
            "{account}: {:?}",
            secret.arn
        );
    }
}
