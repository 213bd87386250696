//! ASFF `Resources[].Details` as typed structs: the subset of `AwsEcsTaskDefinitionDetails`,
//! `AwsEcsServiceDetails` and `AwsEcsClusterDetails` that ecs-posture fills, and `Other` for the
//! kinds ASFF has no details type for. Empty values are left out (ASFF strings must match
//! `.*\S.*`) and long strings are cut, as Security Hub requires.
//!
//! Environment variables appear by name only; commands, labels and tags are never copied.

use std::collections::BTreeMap;

use serde::Serialize;

use super::super::truncate;
use crate::evaluation::Evaluation;
use crate::finding::ResourceKind;
use crate::model::Snapshot;

const MAX_DETAIL_STRING: usize = 1024;

/// A string as ASFF accepts it: `None` when absent or blank, cut to the detail limit.
fn text(v: Option<&str>) -> Option<String> {
    v.filter(|s| !s.trim().is_empty())
        .map(|s| truncate(s, MAX_DETAIL_STRING))
}

fn texts(v: &[String]) -> Vec<String> {
    v.iter().filter_map(|s| text(Some(s))).collect()
}

fn int(v: Option<i64>) -> Option<i32> {
    v.and_then(|n| i32::try_from(n).ok())
}

/// `None` for a struct with nothing in it (an empty object is left out of ASFF).
fn some<T: Default + PartialEq>(t: T) -> Option<T> {
    (t != T::default()).then_some(t)
}

#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct ResourceDetails {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub aws_ecs_task_definition: Option<TaskDefinitionDetails>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub aws_ecs_service: Option<ServiceDetails>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub aws_ecs_cluster: Option<ClusterDetails>,
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub other: BTreeMap<String, String>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct TaskDefinitionDetails {
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub container_definitions: Vec<ContainerDetails>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cpu: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub memory: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub execution_role_arn: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub task_role_arn: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub family: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub network_mode: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pid_mode: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ipc_mode: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub requires_compatibilities: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub volumes: Vec<VolumeDetails>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct ContainerDetails {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub image: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cpu: Option<i32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub memory: Option<i32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub memory_reservation: Option<i32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub essential: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub privileged: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub readonly_root_filesystem: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub user: Option<String>,
    /// Variable names only: values never leave the process.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub environment: Vec<NameOnly>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub secrets: Vec<SecretDetails>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub log_configuration: Option<LogConfigurationDetails>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub linux_parameters: Option<LinuxParametersDetails>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub docker_security_options: Vec<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub mount_points: Vec<MountPointDetails>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct NameOnly {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct SecretDetails {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// The ARN or name of the secret, never its value.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub value_from: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct LogConfigurationDetails {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub log_driver: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct LinuxParametersDetails {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub init_process_enabled: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub capabilities: Option<CapabilitiesDetails>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct CapabilitiesDetails {
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub add: Vec<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub drop: Vec<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct MountPointDetails {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub source_volume: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub container_path: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub read_only: Option<bool>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct VolumeDetails {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub host: Option<HostDetails>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub efs_volume_configuration: Option<EfsDetails>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct HostDetails {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub source_path: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct EfsDetails {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub filesystem_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub transit_encryption: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub authorization_config: Option<EfsAuthorizationDetails>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct EfsAuthorizationDetails {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub iam: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub access_point_id: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct ServiceDetails {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub service_name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub service_arn: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cluster: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub launch_type: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub platform_version: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub task_definition: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub enable_execute_command: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub desired_count: Option<i32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub scheduling_strategy: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub deployment_controller: Option<DeploymentControllerDetails>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub capacity_provider_strategy: Vec<CapacityProviderStrategyDetails>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub network_configuration: Option<NetworkConfigurationDetails>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct DeploymentControllerDetails {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub r#type: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct CapacityProviderStrategyDetails {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub capacity_provider: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub weight: Option<i32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub base: Option<i32>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct NetworkConfigurationDetails {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub aws_vpc_configuration: Option<AwsVpcDetails>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct AwsVpcDetails {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub assign_public_ip: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub security_groups: Vec<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub subnets: Vec<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct ClusterDetails {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cluster_arn: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cluster_name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub capacity_providers: Vec<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub cluster_settings: Vec<ClusterSettingDetails>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub configuration: Option<ClusterConfigurationDetails>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub registered_container_instances_count: Option<i32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub running_tasks_count: Option<i32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub active_services_count: Option<i32>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct ClusterSettingDetails {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub value: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct ClusterConfigurationDetails {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub execute_command_configuration: Option<ExecuteCommandDetails>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct ExecuteCommandDetails {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub kms_key_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub logging: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub log_configuration: Option<ExecuteCommandLogDetails>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct ExecuteCommandLogDetails {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cloud_watch_log_group_name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cloud_watch_encryption_enabled: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub s3_bucket_name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub s3_encryption_enabled: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub s3_key_prefix: Option<String>,
}

fn other(pairs: &[(&str, Option<&str>)]) -> ResourceDetails {
    ResourceDetails {
        other: pairs
            .iter()
            .filter_map(|(k, v)| text(*v).map(|v| ((*k).to_owned(), v)))
            .collect(),
        ..ResourceDetails::default()
    }
}

/// `Resources[].Details` for the resource an evaluation is about, `None` when nothing is known.
pub fn resource_details(snapshot: &Snapshot, e: &Evaluation) -> Option<ResourceDetails> {
    let i = e.resource.index;
    let details = match e.resource.kind {
        ResourceKind::TaskDefinition => {
            let td = &snapshot.task_definitions.get(i)?.item;
            let containers = td
                .container_definitions
                .iter()
                .filter_map(|c| {
                    some(ContainerDetails {
                        name: text(c.name.as_deref()),
                        image: text(c.image.as_deref()),
                        cpu: int(c.cpu),
                        memory: int(c.memory),
                        memory_reservation: int(c.memory_reservation),
                        essential: c.essential,
                        privileged: c.privileged,
                        readonly_root_filesystem: c.readonly_root_filesystem,
                        user: text(c.user.as_deref()),
                        environment: c
                            .environment
                            .iter()
                            .filter_map(|v| {
                                some(NameOnly {
                                    name: text(v.name.as_deref()),
                                })
                            })
                            .collect(),
                        secrets: c
                            .secrets
                            .iter()
                            .filter_map(|s| {
                                some(SecretDetails {
                                    name: text(s.name.as_deref()),
                                    value_from: text(s.value_from.as_deref()),
                                })
                            })
                            .collect(),
                        log_configuration: c.log_configuration.as_ref().and_then(|l| {
                            some(LogConfigurationDetails {
                                log_driver: text(l.log_driver.as_deref()),
                            })
                        }),
                        linux_parameters: c.linux_parameters.as_ref().and_then(|l| {
                            some(LinuxParametersDetails {
                                init_process_enabled: l.init_process_enabled,
                                capabilities: l.capabilities.as_ref().and_then(|k| {
                                    some(CapabilitiesDetails {
                                        add: texts(&k.add),
                                        drop: texts(&k.drop),
                                    })
                                }),
                            })
                        }),
                        docker_security_options: texts(&c.docker_security_options),
                        mount_points: c
                            .mount_points
                            .iter()
                            .filter_map(|m| {
                                some(MountPointDetails {
                                    source_volume: text(m.source_volume.as_deref()),
                                    container_path: text(m.container_path.as_deref()),
                                    read_only: m.read_only,
                                })
                            })
                            .collect(),
                    })
                })
                .collect();
            let volumes = td
                .volumes
                .iter()
                .filter_map(|v| {
                    some(VolumeDetails {
                        name: text(v.name.as_deref()),
                        host: v.host.as_ref().and_then(|h| {
                            some(HostDetails {
                                source_path: text(h.source_path.as_deref()),
                            })
                        }),
                        efs_volume_configuration: v.efs_volume_configuration.as_ref().and_then(
                            |e| {
                                some(EfsDetails {
                                    filesystem_id: text(e.file_system_id.as_deref()),
                                    transit_encryption: text(e.transit_encryption.as_deref()),
                                    authorization_config: e.authorization_config.as_ref().and_then(
                                        |a| {
                                            some(EfsAuthorizationDetails {
                                                iam: text(a.iam.as_deref()),
                                                access_point_id: text(a.access_point_id.as_deref()),
                                            })
                                        },
                                    ),
                                })
                            },
                        ),
                    })
                })
                .collect();
            ResourceDetails {
                aws_ecs_task_definition: some(TaskDefinitionDetails {
                    container_definitions: containers,
                    cpu: text(td.cpu.as_deref()),
                    memory: text(td.memory.as_deref()),
                    execution_role_arn: text(td.execution_role_arn.as_deref()),
                    task_role_arn: text(td.task_role_arn.as_deref()),
                    family: text(td.family.as_deref()),
                    network_mode: text(td.network_mode.as_deref()),
                    pid_mode: text(td.pid_mode.as_deref()),
                    ipc_mode: text(td.ipc_mode.as_deref()),
                    requires_compatibilities: texts(&td.requires_compatibilities),
                    status: text(td.status.as_deref()),
                    volumes,
                }),
                ..ResourceDetails::default()
            }
        }
        ResourceKind::Service => {
            let s = &snapshot.services.get(i)?.item;
            ResourceDetails {
                aws_ecs_service: some(ServiceDetails {
                    service_name: text(s.service_name.as_deref()),
                    service_arn: text(s.service_arn.as_deref()),
                    cluster: text(s.cluster_arn.as_deref()),
                    launch_type: text(s.launch_type.as_deref()),
                    platform_version: text(s.platform_version.as_deref()),
                    task_definition: text(s.task_definition.as_deref()),
                    enable_execute_command: s.enable_execute_command,
                    desired_count: int(s.desired_count),
                    scheduling_strategy: text(s.scheduling_strategy.as_deref()),
                    deployment_controller: s.deployment_controller.as_ref().and_then(|d| {
                        some(DeploymentControllerDetails {
                            r#type: text(d.kind.as_deref()),
                        })
                    }),
                    capacity_provider_strategy: s
                        .capacity_provider_strategy
                        .iter()
                        .filter_map(|c| {
                            some(CapacityProviderStrategyDetails {
                                capacity_provider: text(c.capacity_provider.as_deref()),
                                weight: int(c.weight),
                                base: int(c.base),
                            })
                        })
                        .collect(),
                    network_configuration: s.awsvpc().and_then(|a| {
                        some(NetworkConfigurationDetails {
                            aws_vpc_configuration: some(AwsVpcDetails {
                                assign_public_ip: text(a.assign_public_ip.as_deref()),
                                security_groups: texts(&a.security_groups),
                                subnets: texts(&a.subnets),
                            }),
                        })
                    }),
                }),
                ..ResourceDetails::default()
            }
        }
        ResourceKind::Cluster => {
            let c = &snapshot.clusters.get(i)?.item;
            ResourceDetails {
                aws_ecs_cluster: some(ClusterDetails {
                    cluster_arn: text(c.cluster_arn.as_deref()),
                    cluster_name: text(c.cluster_name.as_deref()),
                    status: text(c.status.as_deref()),
                    capacity_providers: texts(&c.capacity_providers),
                    cluster_settings: c
                        .settings
                        .iter()
                        .flatten()
                        .filter_map(|x| {
                            some(ClusterSettingDetails {
                                name: text(x.name.as_deref()),
                                value: text(x.value.as_deref()),
                            })
                        })
                        .collect(),
                    configuration: c.exec_config().and_then(|x| {
                        some(ClusterConfigurationDetails {
                            execute_command_configuration: some(ExecuteCommandDetails {
                                kms_key_id: text(x.kms_key_id.as_deref()),
                                logging: text(x.logging.as_deref()),
                                log_configuration: x.log_configuration.as_ref().and_then(|l| {
                                    some(ExecuteCommandLogDetails {
                                        cloud_watch_log_group_name: text(
                                            l.cloud_watch_log_group_name.as_deref(),
                                        ),
                                        cloud_watch_encryption_enabled: l
                                            .cloud_watch_encryption_enabled,
                                        s3_bucket_name: text(l.s3_bucket_name.as_deref()),
                                        s3_encryption_enabled: l.s3_encryption_enabled,
                                        s3_key_prefix: text(l.s3_key_prefix.as_deref()),
                                    })
                                }),
                            }),
                        })
                    }),
                    registered_container_instances_count: int(
                        c.registered_container_instances_count
                    ),
                    running_tasks_count: int(c.running_tasks_count),
                    active_services_count: int(c.active_services_count),
                }),
                ..ResourceDetails::default()
            }
        }
        ResourceKind::TaskSet => {
            let t = &snapshot.task_sets.get(i)?.item;
            let public_ip = t
                .network_configuration
                .as_ref()
                .and_then(|n| n.awsvpc_configuration.as_ref())
                .and_then(|a| a.assign_public_ip.as_deref());
            other(&[
                ("Id", t.id.as_deref()),
                ("Service", t.service_arn.as_deref()),
                ("Cluster", t.cluster_arn.as_deref()),
                ("Status", t.status.as_deref()),
                ("TaskDefinition", t.task_definition.as_deref()),
                ("LaunchType", t.launch_type.as_deref()),
                ("PlatformVersion", t.platform_version.as_deref()),
                ("AssignPublicIp", public_ip),
            ])
        }
        ResourceKind::CapacityProvider => {
            let c = &snapshot.capacity_providers.get(i)?.item;
            let asg = c.auto_scaling_group_provider.as_ref();
            other(&[
                ("Name", c.name.as_deref()),
                ("Status", c.status.as_deref()),
                (
                    "AutoScalingGroupArn",
                    asg.and_then(|a| a.auto_scaling_group_arn.as_deref()),
                ),
                (
                    "ManagedTerminationProtection",
                    asg.and_then(|a| a.managed_termination_protection.as_deref()),
                ),
                (
                    "ManagedScaling",
                    asg.and_then(|a| a.managed_scaling.as_ref())
                        .and_then(|m| m.status.as_deref()),
                ),
            ])
        }
        ResourceKind::ContainerInstance => {
            let c = &snapshot.container_instances.get(i)?.item;
            let connected = c.agent_connected.map(|b| b.to_string());
            other(&[
                ("Ec2InstanceId", c.ec2_instance_id.as_deref()),
                ("Status", c.status.as_deref()),
                ("AgentConnected", connected.as_deref()),
                (
                    "AgentVersion",
                    c.version_info
                        .as_ref()
                        .and_then(|v| v.agent_version.as_deref()),
                ),
                ("InstanceType", c.attribute("ecs.instance-type")),
                ("Cluster", c.cluster_arn.as_deref()),
            ])
        }
        ResourceKind::DaemonTaskDefinition => {
            let td = &snapshot.task_definitions.get(i)?.item;
            let revision = td.revision.map(|r| r.to_string());
            other(&[
                ("Family", td.family.as_deref()),
                ("Revision", revision.as_deref()),
                ("Status", td.status.as_deref()),
                ("TaskRoleArn", td.task_role_arn.as_deref()),
                ("ExecutionRoleArn", td.execution_role_arn.as_deref()),
                ("PidMode", td.pid_mode.as_deref()),
                ("IpcMode", td.ipc_mode.as_deref()),
            ])
        }
        ResourceKind::Daemon => {
            let d = &snapshot.daemons.get(i)?.item;
            let revisions: Vec<&str> = d.current_revision_arns().collect();
            let revisions = revisions.join(", ");
            other(&[
                ("Cluster", d.cluster_arn.as_deref()),
                ("Status", d.status.as_deref()),
                ("CurrentRevisions", Some(revisions.as_str())),
            ])
        }
        ResourceKind::Gateway => {
            let g = &snapshot.gateways.get(i)?.item;
            let alb = g.alb();
            let protection = g.deletion_protection.map(|b| b.to_string());
            other(&[
                ("Name", g.name.as_deref()),
                ("Status", g.status.as_deref()),
                ("AccessType", g.access_type.as_deref()),
                ("Scheme", alb.and_then(|a| a.scheme.as_deref())),
                ("DeletionProtection", protection.as_deref()),
                ("WebAclArn", alb.and_then(|a| a.web_acl_arn.as_deref())),
            ])
        }
        ResourceKind::Account => {
            use crate::model::load_balancing::Read;
            let answered = match &snapshot.network.account.ebs_encryption_by_default {
                Some(Read::Answered(s)) => Some(s),
                _ => None,
            };
            let ebs = answered.and_then(|s| s.ebs_encryption_by_default.map(|b| b.to_string()));
            let sse = answered.and_then(|s| s.sse_type.as_deref());
            other(&[
                ("EbsEncryptionByDefault", ebs.as_deref()),
                ("EbsSseType", sse),
            ])
        }
    };
    some(details)
}
