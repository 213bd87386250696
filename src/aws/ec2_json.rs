//! AWS SDK EC2 types -> the JSON `aws ec2 describe-*` prints (PascalCase), so that live reads
//! feed the same model as files do and `ecs-posture snapshot` writes what it read. Pure
//! conversion, no I/O; only the fields the checks read and the ones that identify a resource.

use aws_sdk_ec2::types as t;
use serde_json::{Value, json};

use super::ecs_json::clean;

fn permission(p: &t::IpPermission) -> Value {
    json!({
        "IpProtocol": p.ip_protocol(),
        "FromPort": p.from_port(),
        "ToPort": p.to_port(),
        "IpRanges": p.ip_ranges().iter().map(|r| json!({"CidrIp": r.cidr_ip(), "Description": r.description()})).collect::<Vec<_>>(),
        "Ipv6Ranges": p.ipv6_ranges().iter().map(|r| json!({"CidrIpv6": r.cidr_ipv6(), "Description": r.description()})).collect::<Vec<_>>(),
        "PrefixListIds": p.prefix_list_ids().iter().map(|r| json!({"PrefixListId": r.prefix_list_id()})).collect::<Vec<_>>(),
        "UserIdGroupPairs": p.user_id_group_pairs().iter().map(|r| json!({"GroupId": r.group_id(), "UserId": r.user_id()})).collect::<Vec<_>>(),
    })
}

pub fn security_group(g: &t::SecurityGroup) -> Value {
    clean(json!({
        "GroupId": g.group_id(),
        "GroupName": g.group_name(),
        "Description": g.description(),
        "VpcId": g.vpc_id(),
        "OwnerId": g.owner_id(),
        "SecurityGroupArn": g.security_group_arn(),
        "IpPermissions": g.ip_permissions().iter().map(permission).collect::<Vec<_>>(),
        "IpPermissionsEgress": g.ip_permissions_egress().iter().map(permission).collect::<Vec<_>>(),
    }))
}

pub fn subnet(s: &t::Subnet) -> Value {
    clean(json!({
        "SubnetId": s.subnet_id(),
        "SubnetArn": s.subnet_arn(),
        "VpcId": s.vpc_id(),
        "OwnerId": s.owner_id(),
        "AvailabilityZone": s.availability_zone(),
        "MapPublicIpOnLaunch": s.map_public_ip_on_launch(),
    }))
}

pub fn route_table(r: &t::RouteTable) -> Value {
    clean(json!({
        "RouteTableId": r.route_table_id(),
        "VpcId": r.vpc_id(),
        "OwnerId": r.owner_id(),
        "Associations": r.associations().iter().map(|a| json!({
            "Main": a.main(),
            "SubnetId": a.subnet_id(),
            "GatewayId": a.gateway_id(),
            "RouteTableAssociationId": a.route_table_association_id(),
        })).collect::<Vec<_>>(),
        "Routes": r.routes().iter().map(|x| json!({
            "DestinationCidrBlock": x.destination_cidr_block(),
            "DestinationIpv6CidrBlock": x.destination_ipv6_cidr_block(),
            "DestinationPrefixListId": x.destination_prefix_list_id(),
            "GatewayId": x.gateway_id(),
            "EgressOnlyInternetGatewayId": x.egress_only_internet_gateway_id(),
            "NatGatewayId": x.nat_gateway_id(),
            "TransitGatewayId": x.transit_gateway_id(),
            "NetworkInterfaceId": x.network_interface_id(),
            "VpcPeeringConnectionId": x.vpc_peering_connection_id(),
            "State": x.state().map(|s| s.as_str()),
        })).collect::<Vec<_>>(),
    }))
}

pub fn flow_log(f: &t::FlowLog) -> Value {
    clean(json!({
        "FlowLogId": f.flow_log_id(),
        "ResourceId": f.resource_id(),
        "TrafficType": f.traffic_type().map(|x| x.as_str()),
        "FlowLogStatus": f.flow_log_status(),
        "DeliverLogsStatus": f.deliver_logs_status(),
        "LogDestinationType": f.log_destination_type().map(|x| x.as_str()),
    }))
}

pub fn image(i: &t::Image) -> Value {
    clean(json!({
        "ImageId": i.image_id(),
        "Name": i.name(),
        "CreationDate": i.creation_date(),
        "DeprecationTime": i.deprecation_time(),
        "OwnerId": i.owner_id(),
        "ImageOwnerAlias": i.image_owner_alias(),
        "Architecture": i.architecture().map(|a| a.as_str()),
    }))
}

pub fn vpc_endpoint(e: &t::VpcEndpoint) -> Value {
    clean(json!({
        "VpcEndpointId": e.vpc_endpoint_id(),
        "VpcEndpointType": e.vpc_endpoint_type().map(|x| x.as_str()),
        "VpcId": e.vpc_id(),
        "ServiceName": e.service_name(),
        "State": e.state().map(|x| x.as_str()),
        "PrivateDnsEnabled": e.private_dns_enabled(),
        "RouteTableIds": e.route_table_ids(),
        "OwnerId": e.owner_id(),
    }))
}

pub fn reservation(r: &t::Reservation) -> Value {
    clean(json!({
        "OwnerId": r.owner_id(),
        "Instances": r.instances().iter().map(instance).collect::<Vec<_>>(),
    }))
}

fn instance(i: &t::Instance) -> Value {
    json!({
        "InstanceId": i.instance_id(),
        "ImageId": i.image_id(),
        "InstanceType": i.instance_type().map(|x| x.as_str()),
        "SubnetId": i.subnet_id(),
        "VpcId": i.vpc_id(),
        "PublicIpAddress": i.public_ip_address(),
        "IamInstanceProfile": i.iam_instance_profile().map(|p| json!({"Arn": p.arn()})),
        "MetadataOptions": i.metadata_options().map(|m| json!({
            "HttpTokens": m.http_tokens().map(|x| x.as_str()),
            "HttpPutResponseHopLimit": m.http_put_response_hop_limit(),
            "HttpEndpoint": m.http_endpoint().map(|x| x.as_str()),
        })),
        "BlockDeviceMappings": i.block_device_mappings().iter().map(|b| json!({
            "DeviceName": b.device_name(),
            "Ebs": b.ebs().map(|e| json!({"VolumeId": e.volume_id()})),
        })).collect::<Vec<_>>(),
        "State": i.state().map(|s| json!({"Name": s.name().map(|x| x.as_str())})),
    })
}

pub fn volume(v: &t::Volume) -> Value {
    clean(json!({
        "VolumeId": v.volume_id(),
        "Encrypted": v.encrypted(),
        "KmsKeyId": v.kms_key_id(),
    }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use ecs_posture_core::Snapshot;

    /// What the SDK returns reads back through the model as the CLI's JSON would.
    #[test]
    fn sdk_types_read_back_as_the_cli_prints_them() {
        let g = t::SecurityGroup::builder()
            .group_id("sg-1")
            .group_name("default")
            .vpc_id("vpc-1")
            .owner_id("111122223333")
            .ip_permissions(
                t::IpPermission::builder()
                    .ip_protocol("tcp")
                    .from_port(22)
                    .to_port(22)
                    .ip_ranges(t::IpRange::builder().cidr_ip("0.0.0.0/0").build())
                    .build(),
            )
            .build();
        let s = t::Subnet::builder()
            .subnet_id("subnet-1")
            .vpc_id("vpc-1")
            .map_public_ip_on_launch(true)
            .build();
        let r = t::RouteTable::builder()
            .route_table_id("rtb-1")
            .vpc_id("vpc-1")
            .associations(t::RouteTableAssociation::builder().main(true).build())
            .routes(
                t::Route::builder()
                    .destination_cidr_block("0.0.0.0/0")
                    .gateway_id("igw-1")
                    .state(t::RouteState::Active)
                    .build(),
            )
            .build();
        let f = t::FlowLog::builder()
            .flow_log_id("fl-1")
            .resource_id("vpc-1")
            .traffic_type(t::TrafficType::Reject)
            .build();
        let doc = json!({
            "SecurityGroups": [security_group(&g)],
            "Subnets": [subnet(&s)],
            "RouteTables": [route_table(&r)],
            "FlowLogs": [flow_log(&f)],
        });
        let mut snap = Snapshot::default();
        snap.add_value("ec2", &doc).unwrap();
        let n = &snap.network;
        assert_eq!(
            n.security_groups[0].open_ingress()[0].describe(),
            "tcp 22 from 0.0.0.0/0"
        );
        assert!(n.security_groups[0].is_default());
        assert!(matches!(
            n.route_of(&n.subnets[0]),
            Some(ecs_posture_core::model::network::SubnetRoute::Public { .. })
        ));
        assert_eq!(n.vpc_flow_logs("vpc-1").map(|l| l.len()), Some(1));
    }
}
