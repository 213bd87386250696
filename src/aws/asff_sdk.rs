//! ASFF JSON (as the core renders it) -> AWS SDK Security Hub types. Pure conversion.

use std::collections::HashMap;

use aws_sdk_securityhub::types as t;
use serde_json::Value;

fn s(v: &Value, k: &str) -> Option<String> {
    v.get(k).and_then(Value::as_str).map(str::to_owned)
}

fn b(v: &Value, k: &str) -> Option<bool> {
    v.get(k).and_then(Value::as_bool)
}

fn i(v: &Value, k: &str) -> Option<i32> {
    v.get(k)
        .and_then(Value::as_i64)
        .and_then(|n| i32::try_from(n).ok())
}

fn ss(v: &Value, k: &str) -> Option<Vec<String>> {
    v.get(k).and_then(Value::as_array).map(|a| {
        a.iter()
            .filter_map(|x| x.as_str().map(str::to_owned))
            .collect()
    })
}

fn list<T>(v: &Value, k: &str, f: impl Fn(&Value) -> T) -> Option<Vec<T>> {
    v.get(k)
        .and_then(Value::as_array)
        .map(|a| a.iter().map(f).collect())
}

fn obj<'a>(v: &'a Value, k: &str) -> Option<&'a Value> {
    v.get(k).filter(|x| x.is_object())
}

fn task_definition(v: &Value) -> t::AwsEcsTaskDefinitionDetails {
    let container = |c: &Value| {
        t::AwsEcsTaskDefinitionContainerDefinitionsDetails::builder()
            .set_name(s(c, "Name"))
            .set_image(s(c, "Image"))
            .set_cpu(i(c, "Cpu"))
            .set_memory(i(c, "Memory"))
            .set_memory_reservation(i(c, "MemoryReservation"))
            .set_essential(b(c, "Essential"))
            .set_privileged(b(c, "Privileged"))
            .set_readonly_root_filesystem(b(c, "ReadonlyRootFilesystem"))
            .set_user(s(c, "User"))
            .set_environment(list(c, "Environment", |e| t::AwsEcsTaskDefinitionContainerDefinitionsEnvironmentDetails::builder().set_name(s(e, "Name")).build()))
            .set_secrets(list(c, "Secrets", |e| {
                t::AwsEcsTaskDefinitionContainerDefinitionsSecretsDetails::builder().set_name(s(e, "Name")).set_value_from(s(e, "ValueFrom")).build()
            }))
            .set_log_configuration(obj(c, "LogConfiguration").map(|l| t::AwsEcsTaskDefinitionContainerDefinitionsLogConfigurationDetails::builder().set_log_driver(s(l, "LogDriver")).build()))
            .set_linux_parameters(obj(c, "LinuxParameters").map(|l| {
                t::AwsEcsTaskDefinitionContainerDefinitionsLinuxParametersDetails::builder()
                    .set_init_process_enabled(b(l, "InitProcessEnabled"))
                    .set_capabilities(obj(l, "Capabilities").map(|k| {
                        t::AwsEcsTaskDefinitionContainerDefinitionsLinuxParametersCapabilitiesDetails::builder().set_add(ss(k, "Add")).set_drop(ss(k, "Drop")).build()
                    }))
                    .build()
            }))
            .set_docker_security_options(ss(c, "DockerSecurityOptions"))
            .set_mount_points(list(c, "MountPoints", |m| {
                t::AwsEcsTaskDefinitionContainerDefinitionsMountPointsDetails::builder()
                    .set_source_volume(s(m, "SourceVolume"))
                    .set_container_path(s(m, "ContainerPath"))
                    .set_read_only(b(m, "ReadOnly"))
                    .build()
            }))
            .build()
    };
    let volume = |vol: &Value| {
        t::AwsEcsTaskDefinitionVolumesDetails::builder()
            .set_name(s(vol, "Name"))
            .set_host(obj(vol, "Host").map(|h| t::AwsEcsTaskDefinitionVolumesHostDetails::builder().set_source_path(s(h, "SourcePath")).build()))
            .set_efs_volume_configuration(obj(vol, "EfsVolumeConfiguration").map(|e| {
                t::AwsEcsTaskDefinitionVolumesEfsVolumeConfigurationDetails::builder()
                    .set_filesystem_id(s(e, "FilesystemId"))
                    .set_transit_encryption(s(e, "TransitEncryption"))
                    .set_authorization_config(obj(e, "AuthorizationConfig").map(|a| {
                        t::AwsEcsTaskDefinitionVolumesEfsVolumeConfigurationAuthorizationConfigDetails::builder().set_iam(s(a, "Iam")).set_access_point_id(s(a, "AccessPointId")).build()
                    }))
                    .build()
            }))
            .build()
    };
    t::AwsEcsTaskDefinitionDetails::builder()
        .set_container_definitions(list(v, "ContainerDefinitions", container))
        .set_cpu(s(v, "Cpu"))
        .set_memory(s(v, "Memory"))
        .set_execution_role_arn(s(v, "ExecutionRoleArn"))
        .set_task_role_arn(s(v, "TaskRoleArn"))
        .set_family(s(v, "Family"))
        .set_network_mode(s(v, "NetworkMode"))
        .set_pid_mode(s(v, "PidMode"))
        .set_ipc_mode(s(v, "IpcMode"))
        .set_requires_compatibilities(ss(v, "RequiresCompatibilities"))
        .set_status(s(v, "Status"))
        .set_volumes(list(v, "Volumes", volume))
        .build()
}

fn service(v: &Value) -> t::AwsEcsServiceDetails {
    t::AwsEcsServiceDetails::builder()
        .set_service_name(s(v, "ServiceName"))
        .set_service_arn(s(v, "ServiceArn"))
        .set_cluster(s(v, "Cluster"))
        .set_launch_type(s(v, "LaunchType"))
        .set_platform_version(s(v, "PlatformVersion"))
        .set_task_definition(s(v, "TaskDefinition"))
        .set_enable_execute_command(b(v, "EnableExecuteCommand"))
        .set_desired_count(i(v, "DesiredCount"))
        .set_scheduling_strategy(s(v, "SchedulingStrategy"))
        .set_deployment_controller(obj(v, "DeploymentController").map(|d| {
            t::AwsEcsServiceDeploymentControllerDetails::builder()
                .set_type(s(d, "Type"))
                .build()
        }))
        .set_capacity_provider_strategy(list(v, "CapacityProviderStrategy", |c| {
            t::AwsEcsServiceCapacityProviderStrategyDetails::builder()
                .set_capacity_provider(s(c, "CapacityProvider"))
                .set_weight(i(c, "Weight"))
                .set_base(i(c, "Base"))
                .build()
        }))
        .set_network_configuration(
            obj(v, "NetworkConfiguration")
                .and_then(|n| obj(n, "AwsVpcConfiguration"))
                .map(|a| {
                    t::AwsEcsServiceNetworkConfigurationDetails::builder()
                .aws_vpc_configuration(
                    t::AwsEcsServiceNetworkConfigurationAwsVpcConfigurationDetails::builder()
                        .set_assign_public_ip(s(a, "AssignPublicIp"))
                        .set_security_groups(ss(a, "SecurityGroups"))
                        .set_subnets(ss(a, "Subnets"))
                        .build(),
                )
                .build()
                }),
        )
        .build()
}

fn cluster(v: &Value) -> t::AwsEcsClusterDetails {
    t::AwsEcsClusterDetails::builder()
        .set_cluster_arn(s(v, "ClusterArn"))
        .set_cluster_name(s(v, "ClusterName"))
        .set_status(s(v, "Status"))
        .set_capacity_providers(ss(v, "CapacityProviders"))
        .set_cluster_settings(list(v, "ClusterSettings", |x| t::AwsEcsClusterClusterSettingsDetails::builder().set_name(s(x, "Name")).set_value(s(x, "Value")).build()))
        .set_configuration(obj(v, "Configuration").and_then(|c| obj(c, "ExecuteCommandConfiguration")).map(|e| {
            t::AwsEcsClusterConfigurationDetails::builder()
                .execute_command_configuration(
                    t::AwsEcsClusterConfigurationExecuteCommandConfigurationDetails::builder()
                        .set_kms_key_id(s(e, "KmsKeyId"))
                        .set_logging(s(e, "Logging"))
                        .set_log_configuration(obj(e, "LogConfiguration").map(|l| {
                            t::AwsEcsClusterConfigurationExecuteCommandConfigurationLogConfigurationDetails::builder()
                                .set_cloud_watch_log_group_name(s(l, "CloudWatchLogGroupName"))
                                .set_cloud_watch_encryption_enabled(b(l, "CloudWatchEncryptionEnabled"))
                                .set_s3_bucket_name(s(l, "S3BucketName"))
                                .set_s3_encryption_enabled(b(l, "S3EncryptionEnabled"))
                                .set_s3_key_prefix(s(l, "S3KeyPrefix"))
                                .build()
                        }))
                        .build(),
                )
                .build()
        }))
        .set_registered_container_instances_count(i(v, "RegisteredContainerInstancesCount"))
        .set_running_tasks_count(i(v, "RunningTasksCount"))
        .set_active_services_count(i(v, "ActiveServicesCount"))
        .build()
}

fn details(v: &Value) -> t::ResourceDetails {
    let mut d = t::ResourceDetails::builder();
    if let Some(x) = obj(v, "AwsEcsTaskDefinition") {
        d = d.aws_ecs_task_definition(task_definition(x));
    }
    if let Some(x) = obj(v, "AwsEcsService") {
        d = d.aws_ecs_service(service(x));
    }
    if let Some(x) = obj(v, "AwsEcsCluster") {
        d = d.aws_ecs_cluster(cluster(x));
    }
    if let Some(other) = obj(v, "Other").and_then(Value::as_object) {
        let map: HashMap<String, String> = other
            .iter()
            .filter_map(|(k, v)| v.as_str().map(|s| (k.clone(), s.to_owned())))
            .collect();
        d = d.set_other(Some(map));
    }
    d.build()
}

fn severity(v: &Value) -> Option<t::Severity> {
    v.as_object()?;
    Some(
        t::Severity::builder()
            .set_label(s(v, "Label").map(|l| t::SeverityLabel::from(l.as_str())))
            .set_original(s(v, "Original"))
            .build(),
    )
}

/// Convert one finding. Fields the core never sets are left unset.
pub fn finding(v: &Value) -> t::AwsSecurityFinding {
    let resources = list(v, "Resources", |r| {
        t::Resource::builder()
            .set_type(s(r, "Type"))
            .set_id(s(r, "Id"))
            .set_partition(s(r, "Partition").map(|p| t::Partition::from(p.as_str())))
            .set_region(s(r, "Region"))
            .set_details(obj(r, "Details").map(details))
            .build()
    });
    let fpf = obj(v, "FindingProviderFields").map(|f| {
        t::FindingProviderFields::builder()
            .set_severity(obj(f, "Severity").map(|sv| {
                t::FindingProviderSeverity::builder()
                    .set_label(s(sv, "Label").map(|l| t::SeverityLabel::from(l.as_str())))
                    .set_original(s(sv, "Original"))
                    .build()
            }))
            .set_types(ss(f, "Types"))
            .build()
    });
    let product_fields: Option<HashMap<String, String>> =
        obj(v, "ProductFields").and_then(Value::as_object).map(|m| {
            m.iter()
                .filter_map(|(k, x)| x.as_str().map(|s| (k.clone(), s.to_owned())))
                .collect()
        });
    let compliance = obj(v, "Compliance").map(|c| {
        t::Compliance::builder()
            .set_status(s(c, "Status").map(|x| t::ComplianceStatus::from(x.as_str())))
            .set_related_requirements(ss(c, "RelatedRequirements"))
            .build()
    });
    let remediation = obj(v, "Remediation")
        .and_then(|r| obj(r, "Recommendation"))
        .map(|rec| {
            t::Remediation::builder()
                .recommendation(
                    t::Recommendation::builder()
                        .set_text(s(rec, "Text"))
                        .set_url(s(rec, "Url"))
                        .build(),
                )
                .build()
        });
    t::AwsSecurityFinding::builder()
        .set_schema_version(s(v, "SchemaVersion"))
        .set_id(s(v, "Id"))
        .set_product_arn(s(v, "ProductArn"))
        .set_product_name(s(v, "ProductName"))
        .set_company_name(s(v, "CompanyName"))
        .set_generator_id(s(v, "GeneratorId"))
        .set_aws_account_id(s(v, "AwsAccountId"))
        .set_region(s(v, "Region"))
        .set_types(ss(v, "Types"))
        .set_created_at(s(v, "CreatedAt"))
        .set_updated_at(s(v, "UpdatedAt"))
        .set_first_observed_at(s(v, "FirstObservedAt"))
        .set_last_observed_at(s(v, "LastObservedAt"))
        .set_severity(v.get("Severity").and_then(severity))
        .set_finding_provider_fields(fpf)
        .set_title(s(v, "Title"))
        .set_description(s(v, "Description"))
        .set_remediation(remediation)
        .set_product_fields(product_fields)
        .set_resources(resources)
        .set_compliance(compliance)
        .set_record_state(s(v, "RecordState").map(|x| t::RecordState::from(x.as_str())))
        .build()
}
