//! ECS Express Mode services: every service `DescribeServices` answers with
//! `resourceManagementType` `ECS` is described once more with `DescribeExpressGatewayService`
//! (its ingress paths, infrastructure role and primary container). A description that could not
//! be read leaves the service's Express checks NOT_AVAILABLE; the service itself stays read.

use aws_sdk_ecs::types::{ResourceManagementType, Service};
use tokio::task::JoinSet;

use super::{Ctx, err_text};
use crate::aws::ecs_json;

/// The ARNs of the Express services among `services`.
pub(super) fn express_arns(services: &[&Service]) -> Vec<String> {
    services
        .iter()
        .filter(|s| s.resource_management_type() == Some(&ResourceManagementType::Ecs))
        .filter(|s| s.status() != Some("INACTIVE"))
        .filter_map(|s| s.service_arn().map(str::to_owned))
        .collect()
}

impl Ctx {
    /// `DescribeExpressGatewayService` for each Express service, concurrently. Called while a
    /// `DescribeServices` page (at most 10 services) holds a permit: these calls take none (the
    /// page bounds them, the budget paces them), so nested reads cannot starve each other.
    pub(super) async fn describe_express_services(&self, arns: Vec<String>) {
        let mut set = JoinSet::new();
        for arn in arns {
            let me = self.clone();
            set.spawn(async move {
                me.call("DescribeExpressGatewayService").await;
                match me
                    .client
                    .describe_express_gateway_service()
                    .service_arn(&arn)
                    .send()
                    .await
                {
                    Ok(r) => match r.service() {
                        Some(e) => me.doc(
                            "ecs:DescribeExpressGatewayService",
                            ecs_json::express_service(e),
                        ),
                        None => me.error(format!(
                            "DescribeExpressGatewayService {arn}: no service in the answer"
                        )),
                    },
                    Err(e) => me.error(format!(
                        "DescribeExpressGatewayService {arn}: {}",
                        err_text(&e)
                    )),
                }
            });
        }
        while set.join_next().await.is_some() {}
    }
}
