//! ECS Gateways: every gateway of the region listed (`ListGateways`) and described
//! (`DescribeGateway`), or one gateway a CloudTrail event named. A region or account where the
//! feature does not exist answers `UnsupportedFeatureException` (or, where the operation is not
//! deployed, `UnknownOperationException`): it has none.

use aws_sdk_ecs::error::ProvideErrorMetadata;
use tokio::task::JoinSet;

use super::{Ctx, err_text, not_offered};
use crate::aws::ecs_json;

impl Ctx {
    /// Every gateway of the region (all pages), each described.
    pub(super) async fn gateway_region(&self) {
        let listed = self
            .all_pages(
                "ListGateways",
                |token| {
                    self.client
                        .list_gateways()
                        .max_results(100)
                        .set_next_token(token)
                        .send()
                },
                |r, out| {
                    out.extend(
                        r.gateways()
                            .iter()
                            .filter_map(|g| g.gateway_arn().map(str::to_owned)),
                    );
                    r.next_token().map(str::to_owned)
                },
            )
            .await;
        let arns = match listed {
            Ok(arns) => arns,
            // ECS Gateways do not exist here: the region has none.
            Err(e) if e.as_service_error().is_some_and(|s| not_offered(s.code())) => Vec::new(),
            Err(e) => {
                self.error(format!("ListGateways: {}", err_text(&e)));
                return;
            }
        };
        self.covered(|c| c.all_gateways = true);
        self.describe_gateways(&arns).await;
    }

    /// `DescribeGateway` for each gateway (ARN or name); one that no longer exists is proven
    /// gone, one that could not be read is unreadable.
    pub(super) async fn describe_gateways(&self, wanted: &[String]) {
        let mut set = JoinSet::new();
        for g in wanted {
            let me = self.clone();
            let g = g.clone();
            set.spawn(async move {
                let _permit = me.sem.acquire().await;
                me.call("DescribeGateway").await;
                match me.client.describe_gateway().gateway(&g).send().await {
                    Ok(r) => match r.gateway() {
                        Some(gw) => {
                            let arn = gw.gateway_arn().unwrap_or(&g).to_owned();
                            me.covered(|c| {
                                c.resources.insert(arn);
                            });
                            me.doc("ecs:DescribeGateway", ecs_json::gateway(gw));
                        }
                        None => me.unreadable(&g, "DescribeGateway returned no gateway".to_owned()),
                    },
                    Err(e) => {
                        if e.as_service_error()
                            .is_some_and(|s| s.is_gateway_not_found_exception())
                        {
                            // Deleted: that proves absence.
                            me.covered(|c| {
                                c.resources.insert(g.clone());
                            });
                        } else {
                            me.unreadable(&g, format!("DescribeGateway: {}", err_text(&e)));
                        }
                    }
                }
            });
        }
        while set.join_next().await.is_some() {}
    }
}
