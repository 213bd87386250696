//! The core's ASFF structs -> AWS SDK Security Hub types, field to field. Pure conversion: a
//! field renamed or retyped on either side fails to compile.

use aws_sdk_securityhub::types as t;

use ecs_posture_core::Severity;
use ecs_posture_core::lifecycle::RecordState;
use ecs_posture_core::render::asff::{self, ComplianceStatus, FindingSeverity, details as d};

fn list<T, U>(v: &[T], f: impl Fn(&T) -> U) -> Option<Vec<U>> {
    (!v.is_empty()).then(|| v.iter().map(f).collect())
}

fn strings(v: &[String]) -> Option<Vec<String>> {
    list(v, Clone::clone)
}

fn label(s: Severity) -> t::SeverityLabel {
    match s {
        Severity::Informational => t::SeverityLabel::Informational,
        Severity::Low => t::SeverityLabel::Low,
        Severity::Medium => t::SeverityLabel::Medium,
        Severity::High => t::SeverityLabel::High,
        Severity::Critical => t::SeverityLabel::Critical,
    }
}

fn container(c: &d::ContainerDetails) -> t::AwsEcsTaskDefinitionContainerDefinitionsDetails {
    t::AwsEcsTaskDefinitionContainerDefinitionsDetails::builder()
        .set_name(c.name.clone())
        .set_image(c.image.clone())
        .set_cpu(c.cpu)
        .set_memory(c.memory)
        .set_memory_reservation(c.memory_reservation)
        .set_essential(c.essential)
        .set_privileged(c.privileged)
        .set_readonly_root_filesystem(c.readonly_root_filesystem)
        .set_user(c.user.clone())
        .set_environment(list(&c.environment, |e| {
            t::AwsEcsTaskDefinitionContainerDefinitionsEnvironmentDetails::builder()
                .set_name(e.name.clone())
                .build()
        }))
        .set_secrets(list(&c.secrets, |s| {
            t::AwsEcsTaskDefinitionContainerDefinitionsSecretsDetails::builder()
                .set_name(s.name.clone())
                .set_value_from(s.value_from.clone())
                .build()
        }))
        .set_log_configuration(c.log_configuration.as_ref().map(|l| {
            t::AwsEcsTaskDefinitionContainerDefinitionsLogConfigurationDetails::builder()
                .set_log_driver(l.log_driver.clone())
                .build()
        }))
        .set_linux_parameters(c.linux_parameters.as_ref().map(|l| {
            t::AwsEcsTaskDefinitionContainerDefinitionsLinuxParametersDetails::builder()
                .set_init_process_enabled(l.init_process_enabled)
                .set_capabilities(l.capabilities.as_ref().map(|k| {
                    t::AwsEcsTaskDefinitionContainerDefinitionsLinuxParametersCapabilitiesDetails::builder()
                        .set_add(strings(&k.add))
                        .set_drop(strings(&k.drop))
                        .build()
                }))
                .build()
        }))
        .set_docker_security_options(strings(&c.docker_security_options))
        .set_mount_points(list(&c.mount_points, |m| {
            t::AwsEcsTaskDefinitionContainerDefinitionsMountPointsDetails::builder()
                .set_source_volume(m.source_volume.clone())
                .set_container_path(m.container_path.clone())
                .set_read_only(m.read_only)
                .build()
        }))
        .build()
}

fn volume(v: &d::VolumeDetails) -> t::AwsEcsTaskDefinitionVolumesDetails {
    t::AwsEcsTaskDefinitionVolumesDetails::builder()
        .set_name(v.name.clone())
        .set_host(v.host.as_ref().map(|h| {
            t::AwsEcsTaskDefinitionVolumesHostDetails::builder()
                .set_source_path(h.source_path.clone())
                .build()
        }))
        .set_efs_volume_configuration(v.efs_volume_configuration.as_ref().map(|e| {
            t::AwsEcsTaskDefinitionVolumesEfsVolumeConfigurationDetails::builder()
                .set_filesystem_id(e.filesystem_id.clone())
                .set_transit_encryption(e.transit_encryption.clone())
                .set_authorization_config(e.authorization_config.as_ref().map(|a| {
                    t::AwsEcsTaskDefinitionVolumesEfsVolumeConfigurationAuthorizationConfigDetails::builder()
                        .set_iam(a.iam.clone())
                        .set_access_point_id(a.access_point_id.clone())
                        .build()
                }))
                .build()
        }))
        .build()
}

fn task_definition(v: &d::TaskDefinitionDetails) -> t::AwsEcsTaskDefinitionDetails {
    t::AwsEcsTaskDefinitionDetails::builder()
        .set_container_definitions(list(&v.container_definitions, container))
        .set_cpu(v.cpu.clone())
        .set_memory(v.memory.clone())
        .set_execution_role_arn(v.execution_role_arn.clone())
        .set_task_role_arn(v.task_role_arn.clone())
        .set_family(v.family.clone())
        .set_network_mode(v.network_mode.clone())
        .set_pid_mode(v.pid_mode.clone())
        .set_ipc_mode(v.ipc_mode.clone())
        .set_requires_compatibilities(strings(&v.requires_compatibilities))
        .set_status(v.status.clone())
        .set_volumes(list(&v.volumes, volume))
        .build()
}

fn service(v: &d::ServiceDetails) -> t::AwsEcsServiceDetails {
    t::AwsEcsServiceDetails::builder()
        .set_service_name(v.service_name.clone())
        .set_service_arn(v.service_arn.clone())
        .set_cluster(v.cluster.clone())
        .set_launch_type(v.launch_type.clone())
        .set_platform_version(v.platform_version.clone())
        .set_task_definition(v.task_definition.clone())
        .set_enable_execute_command(v.enable_execute_command)
        .set_desired_count(v.desired_count)
        .set_scheduling_strategy(v.scheduling_strategy.clone())
        .set_deployment_controller(v.deployment_controller.as_ref().map(|c| {
            t::AwsEcsServiceDeploymentControllerDetails::builder()
                .set_type(c.r#type.clone())
                .build()
        }))
        .set_capacity_provider_strategy(list(&v.capacity_provider_strategy, |c| {
            t::AwsEcsServiceCapacityProviderStrategyDetails::builder()
                .set_capacity_provider(c.capacity_provider.clone())
                .set_weight(c.weight)
                .set_base(c.base)
                .build()
        }))
        .set_network_configuration(v.network_configuration.as_ref().map(|n| {
            t::AwsEcsServiceNetworkConfigurationDetails::builder()
                .set_aws_vpc_configuration(n.aws_vpc_configuration.as_ref().map(|a| {
                    t::AwsEcsServiceNetworkConfigurationAwsVpcConfigurationDetails::builder()
                        .set_assign_public_ip(a.assign_public_ip.clone())
                        .set_security_groups(strings(&a.security_groups))
                        .set_subnets(strings(&a.subnets))
                        .build()
                }))
                .build()
        }))
        .build()
}

fn cluster(v: &d::ClusterDetails) -> t::AwsEcsClusterDetails {
    t::AwsEcsClusterDetails::builder()
        .set_cluster_arn(v.cluster_arn.clone())
        .set_cluster_name(v.cluster_name.clone())
        .set_status(v.status.clone())
        .set_capacity_providers(strings(&v.capacity_providers))
        .set_cluster_settings(list(&v.cluster_settings, |x| {
            t::AwsEcsClusterClusterSettingsDetails::builder()
                .set_name(x.name.clone())
                .set_value(x.value.clone())
                .build()
        }))
        .set_configuration(v.configuration.as_ref().map(|c| {
            t::AwsEcsClusterConfigurationDetails::builder()
                .set_execute_command_configuration(c.execute_command_configuration.as_ref().map(|e| {
                    t::AwsEcsClusterConfigurationExecuteCommandConfigurationDetails::builder()
                        .set_kms_key_id(e.kms_key_id.clone())
                        .set_logging(e.logging.clone())
                        .set_log_configuration(e.log_configuration.as_ref().map(|l| {
                            t::AwsEcsClusterConfigurationExecuteCommandConfigurationLogConfigurationDetails::builder()
                                .set_cloud_watch_log_group_name(l.cloud_watch_log_group_name.clone())
                                .set_cloud_watch_encryption_enabled(l.cloud_watch_encryption_enabled)
                                .set_s3_bucket_name(l.s3_bucket_name.clone())
                                .set_s3_encryption_enabled(l.s3_encryption_enabled)
                                .set_s3_key_prefix(l.s3_key_prefix.clone())
                                .build()
                        }))
                        .build()
                }))
                .build()
        }))
        .set_registered_container_instances_count(v.registered_container_instances_count)
        .set_running_tasks_count(v.running_tasks_count)
        .set_active_services_count(v.active_services_count)
        .build()
}

fn details(v: &d::ResourceDetails) -> t::ResourceDetails {
    t::ResourceDetails::builder()
        .set_aws_ecs_task_definition(v.aws_ecs_task_definition.as_ref().map(task_definition))
        .set_aws_ecs_service(v.aws_ecs_service.as_ref().map(service))
        .set_aws_ecs_cluster(v.aws_ecs_cluster.as_ref().map(cluster))
        .set_other((!v.other.is_empty()).then(|| v.other.clone().into_iter().collect()))
        .build()
}

fn severity(s: &FindingSeverity) -> t::Severity {
    t::Severity::builder()
        .label(label(s.label))
        .original(s.original.as_str())
        .build()
}

/// Convert one finding.
pub fn finding(f: &asff::Finding) -> t::AwsSecurityFinding {
    let resources: Vec<t::Resource> = f
        .resources
        .iter()
        .map(|r| {
            t::Resource::builder()
                .r#type(&r.r#type)
                .id(&r.id)
                .partition(t::Partition::from(r.partition.as_str()))
                .region(&r.region)
                .set_details(r.details.as_ref().map(details))
                .build()
        })
        .collect();
    let provider = &f.finding_provider_fields;
    t::AwsSecurityFinding::builder()
        .schema_version(f.schema_version)
        .id(&f.id)
        .product_arn(&f.product_arn)
        .product_name(f.product_name)
        .company_name(f.company_name)
        .generator_id(f.generator_id)
        .aws_account_id(&f.aws_account_id)
        .region(&f.region)
        .set_types(Some(f.types.iter().map(|x| (*x).to_owned()).collect()))
        .created_at(&f.created_at)
        .updated_at(&f.updated_at)
        .first_observed_at(&f.first_observed_at)
        .last_observed_at(&f.last_observed_at)
        .severity(severity(&f.severity))
        .finding_provider_fields(
            t::FindingProviderFields::builder()
                .severity(
                    t::FindingProviderSeverity::builder()
                        .label(label(provider.severity.label))
                        .original(provider.severity.original.as_str())
                        .build(),
                )
                .set_types(Some(
                    provider.types.iter().map(|x| (*x).to_owned()).collect(),
                ))
                .build(),
        )
        .title(&f.title)
        .description(&f.description)
        .remediation(
            t::Remediation::builder()
                .recommendation(
                    t::Recommendation::builder()
                        .text(&f.remediation.recommendation.text)
                        .url(f.remediation.recommendation.url)
                        .build(),
                )
                .build(),
        )
        .set_product_fields(Some(f.product_fields.clone().into_iter().collect()))
        .set_resources(Some(resources))
        .compliance(
            t::Compliance::builder()
                .status(match f.compliance.status {
                    ComplianceStatus::Passed => t::ComplianceStatus::Passed,
                    ComplianceStatus::Failed => t::ComplianceStatus::Failed,
                    ComplianceStatus::NotAvailable => t::ComplianceStatus::NotAvailable,
                })
                .set_related_requirements(strings(&f.compliance.related_requirements))
                .build(),
        )
        .record_state(match f.record_state {
            RecordState::Active => t::RecordState::Active,
            RecordState::Archived => t::RecordState::Archived,
        })
        .build()
}
