//! AWS SDK ECS types -> the ECS API's JSON wire shape (camelCase), so that live reads feed the
//! same model as files do, and `ecs-posture snapshot` can write what it read.
//! Pure conversion, no I/O.

use aws_sdk_ecs::types as t;
use serde_json::{Map, Value, json};

fn ts(d: Option<&aws_smithy_types::DateTime>) -> Value {
    d.map_or(Value::Null, |d| json!(d.as_secs_f64()))
}

fn strs(v: &[String]) -> Value {
    json!(v)
}

fn tags(v: &[t::Tag]) -> Value {
    Value::Array(
        v.iter()
            .map(|x| json!({"key": x.key(), "value": x.value()}))
            .collect(),
    )
}

/// Drop nulls so documents read like CLI output.
pub(crate) fn clean(v: Value) -> Value {
    match v {
        Value::Object(m) => Value::Object(
            m.into_iter()
                .filter(|(_, v)| !v.is_null())
                .map(|(k, v)| (k, clean(v)))
                .collect::<Map<_, _>>(),
        ),
        Value::Array(a) => Value::Array(a.into_iter().map(clean).collect()),
        other => other,
    }
}

fn secret(s: &t::Secret) -> Value {
    json!({"name": s.name(), "valueFrom": s.value_from()})
}

/// The fields a task definition's and a daemon task definition's containers share, with the
/// same SDK types: environment, environment files, secrets, logging, health check, mounts,
/// registry credentials.
fn shared_container_fields(
    environment: &[t::KeyValuePair],
    environment_files: &[t::EnvironmentFile],
    secrets: &[t::Secret],
    log_configuration: Option<&t::LogConfiguration>,
    health_check: Option<&t::HealthCheck>,
    mount_points: &[t::MountPoint],
    repository_credentials: Option<&t::RepositoryCredentials>,
) -> Map<String, Value> {
    let v = json!({
        "environment": environment.iter().map(|e| json!({"name": e.name(), "value": e.value()})).collect::<Vec<_>>(),
        "environmentFiles": environment_files.iter().map(|e| json!({"value": e.value(), "type": e.r#type().as_str()})).collect::<Vec<_>>(),
        "secrets": secrets.iter().map(secret).collect::<Vec<_>>(),
        "logConfiguration": log_configuration.map(|l| json!({
            "logDriver": l.log_driver().as_str(),
            "options": l.options(),
            "secretOptions": l.secret_options().iter().map(secret).collect::<Vec<_>>(),
        })),
        "healthCheck": health_check.map(|h| json!({"command": strs(h.command()), "interval": h.interval(), "retries": h.retries()})),
        "mountPoints": mount_points.iter().map(|m| json!({"sourceVolume": m.source_volume(), "containerPath": m.container_path(), "readOnly": m.read_only()})).collect::<Vec<_>>(),
        "repositoryCredentials": repository_credentials.map(|r| json!({"credentialsParameter": r.credentials_parameter()})),
    });
    match v {
        Value::Object(m) => m,
        _ => Map::new(),
    }
}

fn container(c: &t::ContainerDefinition) -> Value {
    let mut v = json!({
        "name": c.name(),
        "image": c.image(),
        "cpu": c.cpu(),
        "memory": c.memory(),
        "memoryReservation": c.memory_reservation(),
        "essential": c.essential(),
        "privileged": c.privileged(),
        "readonlyRootFilesystem": c.readonly_root_filesystem(),
        "user": c.user(),
        "linuxParameters": c.linux_parameters().map(|l| json!({
            "capabilities": l.capabilities().map(|k| json!({"add": strs(k.add()), "drop": strs(k.drop())})),
            "initProcessEnabled": l.init_process_enabled(),
            "sharedMemorySize": l.shared_memory_size(),
            "devices": l.devices().iter().map(|d| json!({"hostPath": d.host_path(), "containerPath": d.container_path()})).collect::<Vec<_>>(),
        })),
        "dockerSecurityOptions": strs(c.docker_security_options()),
        "portMappings": c.port_mappings().iter().map(|p| json!({"containerPort": p.container_port(), "hostPort": p.host_port(), "protocol": p.protocol().map(|x| x.as_str())})).collect::<Vec<_>>(),
        "command": strs(c.command()),
        "entryPoint": strs(c.entry_point()),
        "dockerLabels": c.docker_labels(),
        "versionConsistency": c.version_consistency().map(|v| v.as_str()),
    });
    if let Value::Object(m) = &mut v {
        m.extend(shared_container_fields(
            c.environment(),
            c.environment_files(),
            c.secrets(),
            c.log_configuration(),
            c.health_check(),
            c.mount_points(),
            c.repository_credentials(),
        ));
    }
    v
}

/// `DescribeTaskDefinition` output: `{"taskDefinition": ..., "tags": [...]}`.
pub fn task_definition(td: &t::TaskDefinition, tag_list: &[t::Tag]) -> Value {
    let body = json!({
        "taskDefinitionArn": td.task_definition_arn(),
        "family": td.family(),
        "revision": td.revision(),
        "status": td.status().map(|s| s.as_str()),
        "containerDefinitions": td.container_definitions().iter().map(container).collect::<Vec<_>>(),
        "taskRoleArn": td.task_role_arn(),
        "executionRoleArn": td.execution_role_arn(),
        "networkMode": td.network_mode().map(|x| x.as_str()),
        "pidMode": td.pid_mode().map(|x| x.as_str()),
        "ipcMode": td.ipc_mode().map(|x| x.as_str()),
        "requiresCompatibilities": td.requires_compatibilities().iter().map(|c| c.as_str()).collect::<Vec<_>>(),
        "compatibilities": td.compatibilities().iter().map(|c| c.as_str()).collect::<Vec<_>>(),
        "cpu": td.cpu(),
        "memory": td.memory(),
        "runtimePlatform": td.runtime_platform().map(|r| json!({
            "operatingSystemFamily": r.operating_system_family().map(|x| x.as_str()),
            "cpuArchitecture": r.cpu_architecture().map(|x| x.as_str()),
        })),
        "volumes": td.volumes().iter().map(|v| json!({
            "name": v.name(),
            "host": v.host().map(|h| json!({"sourcePath": h.source_path()})),
            "efsVolumeConfiguration": v.efs_volume_configuration().map(|e| json!({
                "fileSystemId": e.file_system_id(),
                "rootDirectory": e.root_directory(),
                "transitEncryption": e.transit_encryption().map(|x| x.as_str()),
                "authorizationConfig": e.authorization_config().map(|a| json!({"accessPointId": a.access_point_id(), "iam": a.iam().map(|x| x.as_str())})),
            })),
        })).collect::<Vec<_>>(),
        "proxyConfiguration": td.proxy_configuration().map(|p| json!({
            "type": p.r#type().map(|x| x.as_str()),
            "containerName": p.container_name(),
        })),
        "enableFaultInjection": td.enable_fault_injection(),
        "registeredAt": ts(td.registered_at()),
        "deregisteredAt": ts(td.deregistered_at()),
        "registeredBy": td.registered_by(),
    });
    clean(json!({"taskDefinition": body, "tags": tags(tag_list)}))
}

fn strategy(v: &[t::CapacityProviderStrategyItem]) -> Value {
    Value::Array(v.iter().map(|s| json!({"capacityProvider": s.capacity_provider(), "weight": s.weight(), "base": s.base()})).collect())
}

fn network(n: Option<&t::NetworkConfiguration>) -> Value {
    n.map_or(Value::Null, |n| {
        json!({"awsvpcConfiguration": n.awsvpc_configuration().map(|a| json!({
            "subnets": strs(a.subnets()),
            "securityGroups": strs(a.security_groups()),
            "assignPublicIp": a.assign_public_ip().map(|x| x.as_str()),
        }))})
    })
}

fn load_balancers(l: &[t::LoadBalancer]) -> Vec<Value> {
    l.iter()
        .map(|l| {
            json!({
                "targetGroupArn": l.target_group_arn(),
                "loadBalancerName": l.load_balancer_name(),
                "containerName": l.container_name(),
                "containerPort": l.container_port(),
            })
        })
        .collect()
}

pub fn task_set(ts_: &t::TaskSet) -> Value {
    clean(json!({
        "id": ts_.id(),
        "taskSetArn": ts_.task_set_arn(),
        "serviceArn": ts_.service_arn(),
        "clusterArn": ts_.cluster_arn(),
        "status": ts_.status(),
        "taskDefinition": ts_.task_definition(),
        "launchType": ts_.launch_type().map(|x| x.as_str()),
        "capacityProviderStrategy": strategy(ts_.capacity_provider_strategy()),
        "platformVersion": ts_.platform_version(),
        "networkConfiguration": network(ts_.network_configuration()),
        "loadBalancers": load_balancers(ts_.load_balancers()),
        "tags": tags(ts_.tags()),
    }))
}

/// A deployment's Service Connect configuration: no client aliases or timeouts, only what the
/// checks judge.
fn service_connect(c: &t::ServiceConnectConfiguration) -> Value {
    json!({
        "enabled": c.enabled(),
        "namespace": c.namespace(),
        "services": c.services().iter().map(|s| json!({
            "portName": s.port_name(),
            "tls": s.tls().map(|t| json!({
                "issuerCertificateAuthority": t.issuer_certificate_authority().map(|ca| json!({"awsPcaAuthorityArn": ca.aws_pca_authority_arn()})),
                "kmsKey": t.kms_key(),
                "roleArn": t.role_arn(),
            })),
        })).collect::<Vec<_>>(),
    })
}

pub fn service(s: &t::Service) -> Value {
    clean(json!({
        "serviceArn": s.service_arn(),
        "serviceName": s.service_name(),
        "clusterArn": s.cluster_arn(),
        "status": s.status(),
        "desiredCount": s.desired_count(),
        "launchType": s.launch_type().map(|x| x.as_str()),
        "capacityProviderStrategy": strategy(s.capacity_provider_strategy()),
        "platformVersion": s.platform_version(),
        "platformFamily": s.platform_family(),
        "taskDefinition": s.task_definition(),
        "networkConfiguration": network(s.network_configuration()),
        "enableExecuteCommand": s.enable_execute_command(),
        "deploymentController": s.deployment_controller().map(|d| json!({"type": d.r#type().as_str()})),
        "taskSets": s.task_sets().iter().map(task_set).collect::<Vec<_>>(),
        "deployments": s.deployments().iter().map(|d| json!({
            "id": d.id(),
            "status": d.status(),
            "taskDefinition": d.task_definition(),
            "platformVersion": d.platform_version(),
            "serviceConnectConfiguration": d.service_connect_configuration().map(service_connect),
        })).collect::<Vec<_>>(),
        "loadBalancers": load_balancers(s.load_balancers()),
        "schedulingStrategy": s.scheduling_strategy().map(|x| x.as_str()),
        "resourceManagementType": s.resource_management_type().map(|x| x.as_str()),
        "createdAt": ts(s.created_at()),
        "tags": tags(s.tags()),
    }))
}

pub fn cluster(c: &t::Cluster) -> Value {
    clean(json!({
        "clusterArn": c.cluster_arn(),
        "clusterName": c.cluster_name(),
        "status": c.status(),
        "registeredContainerInstancesCount": c.registered_container_instances_count(),
        "runningTasksCount": c.running_tasks_count(),
        "activeServicesCount": c.active_services_count(),
        "settings": c.settings().iter().map(|s| json!({"name": s.name().map(|x| x.as_str()), "value": s.value()})).collect::<Vec<_>>(),
        "configuration": c.configuration().map(|x| json!({
            "executeCommandConfiguration": x.execute_command_configuration().map(|e| json!({
                "kmsKeyId": e.kms_key_id(),
                "logging": e.logging().map(|l| l.as_str()),
                "logConfiguration": e.log_configuration().map(|l| json!({
                    "cloudWatchLogGroupName": l.cloud_watch_log_group_name(),
                    "cloudWatchEncryptionEnabled": l.cloud_watch_encryption_enabled(),
                    "s3BucketName": l.s3_bucket_name(),
                    "s3EncryptionEnabled": l.s3_encryption_enabled(),
                    "s3KeyPrefix": l.s3_key_prefix(),
                })),
            })),
            "managedStorageConfiguration": x.managed_storage_configuration().map(|m| json!({
                "kmsKeyId": m.kms_key_id(),
                "fargateEphemeralStorageKmsKeyId": m.fargate_ephemeral_storage_kms_key_id(),
            })),
        })),
        "capacityProviders": strs(c.capacity_providers()),
        "serviceConnectDefaults": c.service_connect_defaults().map(|d| json!({"namespace": d.namespace()})),
        "tags": tags(c.tags()),
    }))
}

pub fn capacity_provider(c: &t::CapacityProvider) -> Value {
    clean(json!({
        "capacityProviderArn": c.capacity_provider_arn(),
        "name": c.name(),
        "status": c.status().map(|x| x.as_str()),
        "autoScalingGroupProvider": c.auto_scaling_group_provider().map(|a| json!({
            "autoScalingGroupArn": a.auto_scaling_group_arn(),
            "managedScaling": a.managed_scaling().map(|m| json!({"status": m.status().map(|x| x.as_str())})),
            "managedTerminationProtection": a.managed_termination_protection().map(|x| x.as_str()),
            "managedDraining": a.managed_draining().map(|x| x.as_str()),
        })),
        "managedInstancesProvider": c.managed_instances_provider().map(|m| json!({
            "infrastructureRoleArn": m.infrastructure_role_arn(),
            "instanceLaunchTemplate": m.instance_launch_template().map(|t| json!({
                "ec2InstanceProfileArn": t.ec2_instance_profile_arn(),
                "networkConfiguration": t.network_configuration().map(|n| json!({
                    "subnets": strs(n.subnets()),
                    "securityGroups": strs(n.security_groups()),
                })),
                "fipsEnabled": t.fips_enabled(),
                "monitoring": t.monitoring().map(|m| m.as_str()),
                "instanceMetadataTagsPropagation": t.instance_metadata_tags_propagation(),
            })),
        })),
        "tags": tags(c.tags()),
    }))
}

pub fn container_instance(c: &t::ContainerInstance, cluster_arn: &str) -> Value {
    clean(json!({
        "containerInstanceArn": c.container_instance_arn(),
        "ec2InstanceId": c.ec2_instance_id(),
        "status": c.status(),
        "agentConnected": c.agent_connected(),
        "versionInfo": c.version_info().map(|v| json!({"agentVersion": v.agent_version(), "agentHash": v.agent_hash(), "dockerVersion": v.docker_version()})),
        "attributes": c.attributes().iter().map(|a| json!({"name": a.name(), "value": a.value()})).collect::<Vec<_>>(),
        "tags": tags(c.tags()),
        "clusterArn": cluster_arn,
    }))
}

fn daemon_container(c: &t::DaemonContainerDefinition) -> Value {
    let mut v = json!({
        "name": c.name(),
        "image": c.image(),
        "cpu": c.cpu(),
        "memory": c.memory(),
        "memoryReservation": c.memory_reservation(),
        "essential": c.essential(),
        "privileged": c.privileged(),
        "readonlyRootFilesystem": c.readonly_root_filesystem(),
        "user": c.user(),
        "linuxParameters": c.linux_parameters().map(|l| json!({
            "capabilities": l.capabilities().map(|k| json!({"add": strs(k.add()), "drop": strs(k.drop())})),
            "initProcessEnabled": l.init_process_enabled(),
            "devices": l.devices().iter().map(|d| json!({"hostPath": d.host_path(), "containerPath": d.container_path()})).collect::<Vec<_>>(),
        })),
        "command": strs(c.command()),
        "entryPoint": strs(c.entry_point()),
    });
    if let Value::Object(m) = &mut v {
        m.extend(shared_container_fields(
            c.environment(),
            c.environment_files(),
            c.secrets(),
            c.log_configuration(),
            c.health_check(),
            c.mount_points(),
            c.repository_credentials(),
        ));
    }
    v
}

/// `DescribeDaemonTaskDefinition` output, with the tags `ListTagsForResource` returned when it
/// was read: `{"daemonTaskDefinition": ..., "tags": [...]}`.
pub fn daemon_task_definition(td: &t::DaemonTaskDefinition, tag_list: Option<&[t::Tag]>) -> Value {
    let body = json!({
        "daemonTaskDefinitionArn": td.daemon_task_definition_arn(),
        "family": td.family(),
        "revision": td.revision(),
        "status": td.status().map(|s| s.as_str()),
        "containerDefinitions": td.container_definitions().iter().map(daemon_container).collect::<Vec<_>>(),
        "taskRoleArn": td.task_role_arn(),
        "executionRoleArn": td.execution_role_arn(),
        "pidMode": td.pid_mode().map(|x| x.as_str()),
        "ipcMode": td.ipc_mode().map(|x| x.as_str()),
        "cpu": td.cpu(),
        "memory": td.memory(),
        "volumes": td.volumes().iter().map(|v| json!({
            "name": v.name(),
            "host": v.host().map(|h| json!({"sourcePath": h.source_path()})),
        })).collect::<Vec<_>>(),
        "registeredAt": ts(td.registered_at()),
        "registeredBy": td.registered_by(),
    });
    clean(json!({"daemonTaskDefinition": body, "tags": tag_list.map(tags)}))
}

/// `DescribeDaemon` output: `{"daemon": ...}`.
pub fn daemon(d: &t::DaemonDetail) -> Value {
    clean(json!({"daemon": {
        "daemonArn": d.daemon_arn(),
        "clusterArn": d.cluster_arn(),
        "status": d.status().map(|s| s.as_str()),
        "currentRevisions": d.current_revisions().iter().map(|r| json!({
            "arn": r.arn(),
            "totalRunningCount": r.total_running_count(),
            "totalWithoutDaemonCount": r.total_without_daemon_count(),
        })).collect::<Vec<_>>(),
        "deploymentArn": d.deployment_arn(),
        "createdAt": ts(d.created_at()),
        "updatedAt": ts(d.updated_at()),
    }}))
}

/// `DescribeDaemonRevisions` output: `{"daemonRevisions": [...], "failures": [...]}`.
pub fn daemon_revisions(revisions: &[t::DaemonRevision], failures: &[t::Failure]) -> Value {
    clean(json!({
        "daemonRevisions": revisions.iter().map(|r| json!({
            "daemonRevisionArn": r.daemon_revision_arn(),
            "clusterArn": r.cluster_arn(),
            "daemonArn": r.daemon_arn(),
            "daemonTaskDefinitionArn": r.daemon_task_definition_arn(),
            "enableExecuteCommand": r.enable_execute_command(),
            "containerImages": r.container_images().iter().map(|c| json!({
                "containerName": c.container_name(),
                "image": c.image(),
                "imageDigest": c.image_digest(),
            })).collect::<Vec<_>>(),
        })).collect::<Vec<_>>(),
        "failures": failures.iter().map(|f| json!({"arn": f.arn(), "reason": f.reason(), "detail": f.detail()})).collect::<Vec<_>>(),
    }))
}

/// `DescribeGateway` output: `{"gateway": ...}`.
pub fn gateway(g: &t::Gateway) -> Value {
    let alb = g
        .configuration()
        .and_then(|c| c.as_host_shared_alb().ok())
        .map(|a| {
            json!({
                "networkConfiguration": a.network_configuration().map(|n| json!({
                    "subnets": strs(n.subnets()),
                    "inboundSecurityGroup": n.inbound_security_group(),
                })),
                "scheme": a.scheme().map(|s| s.as_str()),
                "accessLogs": a.access_logs().map(|l| json!({
                    "destination": l.destination().and_then(|d| d.as_s3().ok()).map(|s| json!({
                        "s3": {"bucket": s.bucket(), "prefix": s.prefix()},
                    })),
                })),
                "webACLArn": a.web_acl_arn(),
                "port": a.port(),
                "protocol": a.protocol().map(|p| p.as_str()),
                "httpDesync": a.http_desync().map(|h| h.as_str()),
            })
        });
    clean(json!({"gateway": {
        "gatewayArn": g.gateway_arn(),
        "name": g.name(),
        "status": g.status().map(|s| s.as_str()),
        "infrastructureRoleArn": g.infrastructure_role_arn(),
        "deletionProtection": g.deletion_protection(),
        "configuration": alb.map(|a| json!({"hostSharedAlb": a})),
        "accessType": g.access_type().map(|a| a.as_str()),
        "tags": tags(g.tags()),
    }}))
}

/// `DescribeExpressGatewayService`'s answer, as the CLI prints it.
pub fn express_service(e: &t::EcsExpressGatewayService) -> Value {
    let configurations: Vec<Value> = e
        .active_configurations()
        .iter()
        .map(|c| {
            json!({
                "serviceRevisionArn": c.service_revision_arn(),
                "executionRoleArn": c.execution_role_arn(),
                "taskRoleArn": c.task_role_arn(),
                "taskDefinitionArn": c.task_definition_arn(),
                "networkConfiguration": c.network_configuration().map(|n| json!({
                    "subnets": strs(n.subnets()),
                    "securityGroups": strs(n.security_groups()),
                })),
                "primaryContainer": c.primary_container().map(|p| json!({
                    "image": p.image(),
                    "containerPort": p.container_port(),
                    "awsLogsConfiguration": p.aws_logs_configuration().map(|l| json!({
                        "logGroup": l.log_group(),
                        "logStreamPrefix": l.log_stream_prefix(),
                    })),
                    "repositoryCredentials": p.repository_credentials().map(|r| json!({
                        "credentialsParameter": r.credentials_parameter(),
                    })),
                    "command": strs(p.command()),
                    "environment": p.environment().iter().map(|e| json!({"name": e.name(), "value": e.value()})).collect::<Vec<_>>(),
                    "secrets": p.secrets().iter().map(secret).collect::<Vec<_>>(),
                })),
                "ingressPaths": c.ingress_paths().iter().map(|i| json!({
                    "accessType": i.access_type().as_str(),
                    "endpoint": i.endpoint(),
                })).collect::<Vec<_>>(),
                "createdAt": ts(c.created_at()),
            })
        })
        .collect();
    clean(json!({"service": {
        "cluster": e.cluster(),
        "serviceName": e.service_name(),
        "serviceArn": e.service_arn(),
        "infrastructureRoleArn": e.infrastructure_role_arn(),
        "status": e.status().map(|s| json!({
            "statusCode": s.status_code().map(|c| c.as_str()),
            "statusReason": s.status_reason(),
        })),
        "activeConfigurations": configurations,
        "tags": tags(e.tags()),
        "createdAt": ts(e.created_at()),
    }}))
}

#[cfg(test)]
mod tests {
    use super::*;
    use ecs_posture_core::model::{Service, TaskDefinition};

    #[test]
    fn live_documents_keep_the_fields_the_newest_checks_judge() {
        let td = t::TaskDefinition::builder()
            .family("api")
            .enable_fault_injection(true)
            .container_definitions(
                t::ContainerDefinition::builder()
                    .name("api")
                    .image("111122223333.dkr.ecr.eu-west-1.amazonaws.com/api:1.2")
                    .version_consistency(t::VersionConsistency::Disabled)
                    .build(),
            )
            .build();
        let doc = task_definition(&td, &[]);
        let model: TaskDefinition = serde_json::from_value(doc["taskDefinition"].clone()).unwrap();
        assert_eq!(model.enable_fault_injection, Some(true));
        assert_eq!(
            model.container_definitions[0]
                .version_consistency
                .as_deref(),
            Some("disabled")
        );

        let tls = t::ServiceConnectTlsConfiguration::builder()
            .issuer_certificate_authority(
                t::ServiceConnectTlsCertificateAuthority::builder()
                    .aws_pca_authority_arn(
                        "arn:aws:acm-pca:eu-west-1:111122223333:certificate-authority/1",
                    )
                    .build(),
            )
            .build();
        let sc = t::ServiceConnectConfiguration::builder()
            .enabled(true)
            .namespace("prod.internal")
            .services(
                t::ServiceConnectService::builder()
                    .port_name("api")
                    .tls(tls)
                    .build()
                    .unwrap(),
            )
            .services(
                t::ServiceConnectService::builder()
                    .port_name("admin")
                    .build()
                    .unwrap(),
            )
            .build();
        let svc = t::Service::builder()
            .service_name("api")
            .resource_management_type(t::ResourceManagementType::Ecs)
            .deployments(
                t::Deployment::builder()
                    .status("PRIMARY")
                    .service_connect_configuration(sc)
                    .build(),
            )
            .build();
        let model: Service = serde_json::from_value(service(&svc)).unwrap();
        let sc = model
            .service_connect()
            .expect("the PRIMARY deployment's configuration");
        let tls: Vec<(Option<&str>, bool)> = sc
            .services
            .iter()
            .map(|s| (s.port_name.as_deref(), s.has_tls()))
            .collect();
        assert_eq!(tls, vec![(Some("api"), true), (Some("admin"), false)]);
        assert!(model.is_express(), "resourceManagementType survives");
    }

    #[test]
    fn express_descriptions_keep_what_sv28_to_sv30_judge() {
        let e = t::EcsExpressGatewayService::builder()
            .service_arn("arn:aws:ecs:eu-west-1:111122223333:service/default/web")
            .infrastructure_role_arn("arn:aws:iam::111122223333:role/infra")
            .active_configurations(
                t::ExpressGatewayServiceConfiguration::builder()
                    .task_definition_arn("arn:aws:ecs:eu-west-1:111122223333:task-definition/web:2")
                    .task_role_arn("arn:aws:iam::111122223333:role/web-task")
                    .primary_container(
                        t::ExpressGatewayContainer::builder()
                            .image("nginx:1.27")
                            .environment(t::KeyValuePair::builder().name("A").value("b").build())
                            .command("--token")
                            .build()
                            .unwrap(),
                    )
                    .ingress_paths(
                        t::IngressPathSummary::builder()
                            .access_type(t::AccessType::Public)
                            .endpoint("https://web.ecs.eu-west-1.on.aws")
                            .build()
                            .unwrap(),
                    )
                    .build(),
            )
            .build();
        let doc = express_service(&e);
        let model: ecs_posture_core::model::express::ExpressService =
            serde_json::from_value(doc["service"].clone()).unwrap();
        assert_eq!(
            model.infrastructure_role_arn.as_deref(),
            Some("arn:aws:iam::111122223333:role/infra")
        );
        let c = &model.active_configurations[0];
        assert!(c.ingress_paths[0].is_public());
        assert_eq!(
            c.task_role_arn.as_deref(),
            Some("arn:aws:iam::111122223333:role/web-task")
        );
        let p = c.primary_container.as_ref().unwrap();
        assert_eq!(p.environment[0].value.as_deref(), Some("b"));
        assert_eq!(p.command, vec!["--token".to_owned()]);
    }

    #[test]
    fn managed_instances_monitoring_survives() {
        let c = t::CapacityProvider::builder()
            .name("managed")
            .managed_instances_provider(
                t::ManagedInstancesProvider::builder()
                    .instance_launch_template(
                        t::InstanceLaunchTemplate::builder()
                            .ec2_instance_profile_arn(
                                "arn:aws:iam::111122223333:instance-profile/p",
                            )
                            .monitoring(t::ManagedInstancesMonitoringOptions::Detailed)
                            .build()
                            .unwrap(),
                    )
                    .build(),
            )
            .build();
        let model: ecs_posture_core::model::CapacityProvider =
            serde_json::from_value(capacity_provider(&c)).unwrap();
        let t = model
            .managed_instances_provider
            .and_then(|m| m.instance_launch_template)
            .unwrap();
        assert_eq!(t.monitoring.as_deref(), Some("DETAILED"));
    }
}
