//! The current releases of the ECS-optimized AMI families that container instances run: AWS's
//! public parameters `/aws/service/ecs/optimized-ami/<family>/recommended/{image_id,image_name,
//! ecs_agent_version}`, read by name (10 a call: three families). Nothing else of Systems Manager is read: a name outside that public path is never
//! asked for (a customer's parameter may hold a secret), and values are never decrypted.

use aws_sdk_ssm::Client;
use ecs_posture_core::model::instance::{AMI_RELEASE_FIELDS, ECS_AMI_PARAMETERS};
use serde_json::json;

use super::ec2::NetworkRead;

/// GetParameters takes at most 10 names.
const NAMES_PER_CALL: usize = 10;

/// Read `parameters` (only those under the public ECS-optimized AMI path) into `out` as
/// `aws ssm get-parameters` prints them; a failed call is recorded and leaves its names unread.
pub async fn read_ami_releases(client: &Client, parameters: &[String], out: &mut NetworkRead) {
    // Each release's fields are parameters of their own (`.../recommended/image_id`): plain
    // strings, where the family parameter's JSON value would need parsing.
    let names: Vec<String> = parameters
        .iter()
        .filter(|n| n.starts_with(ECS_AMI_PARAMETERS))
        .flat_map(|n| AMI_RELEASE_FIELDS.iter().map(move |f| format!("{n}/{f}")))
        .collect();
    for chunk in names.chunks(NAMES_PER_CALL) {
        out.count("GetParameters");
        match client
            .get_parameters()
            .set_names(Some(chunk.to_vec()))
            .send()
            .await
        {
            Ok(o) => out.docs.push((
                "ssm:GetParameters".into(),
                json!({
                    "Parameters": o.parameters().iter().map(|p| json!({
                        "Name": p.name(),
                        "Type": p.r#type().map(|t| t.as_str()),
                        "Value": p.value(),
                    })).collect::<Vec<_>>(),
                    "InvalidParameters": o.invalid_parameters(),
                }),
            )),
            Err(e) => out.errors.push(format!(
                "GetParameters {}: {}",
                chunk.join(", "),
                super::sdk_error_summary(&e)
            )),
        }
    }
}
