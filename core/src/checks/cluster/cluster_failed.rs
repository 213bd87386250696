use crate::checks::*;
use crate::config::Options;
use crate::finding::{Outcome, Severity, Status};
use crate::model::Cluster;

pub static CHECK: Check = Check {
    id: "CL05",
    slug: "cluster-failed",
    title: "ECS clusters should be in a healthy state",
    severity: Severity::High,
    category: Category::Availability,
    types: &[types::BEST_PRACTICES],
    description: "Fails when the cluster's `status` is FAILED (its capacity provider resources could not be created). ACTIVE, PROVISIONING and DEPROVISIONING pass; INACTIVE clusters are deleted and NOT_APPLICABLE (their findings are archived).",
    risk: "Services in a failed cluster cannot place tasks, so security fixes cannot be deployed either.",
    remediation: Remediation {
        text: "Inspect the cluster's attachments and statusReason, fix the capacity provider or IAM problem, or recreate the cluster.",
        cli: "aws ecs describe-clusters --clusters CLUSTER --include ATTACHMENTS --query 'clusters[0].[status,attachmentsStatus]'",
        cloudformation: "# recreate the AWS::ECS::Cluster resource after fixing its capacity providers",
        terraform: "# terraform apply -replace=aws_ecs_cluster.main after fixing its capacity providers",
    },
    references: &["https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_Cluster.html"],
    compliance: &[nist("CP-10"), soc2("A1.2")],
    status: CheckStatus::Stable,
    enabled_by_default: true,
    revisions: Revisions::LatestActive,
    options: &[],
    examples: &[
        Example {
            name: "failed",
            expect: Status::Failed,
            json: r#"{"clusters":[{"clusterArn":"arn:aws:ecs:us-east-1:111122223333:cluster/c","clusterName":"c","status":"FAILED"}]}"#,
        },
        Example {
            name: "active",
            expect: Status::Passed,
            json: r#"{"clusters":[{"clusterArn":"arn:aws:ecs:us-east-1:111122223333:cluster/c","clusterName":"c","status":"ACTIVE"}]}"#,
        },
        Example {
            name: "inactive",
            expect: Status::NotApplicable,
            json: r#"{"clusters":[{"clusterArn":"arn:aws:ecs:us-east-1:111122223333:cluster/c","clusterName":"c","status":"INACTIVE"}]}"#,
        },
    ],
    evaluator: Evaluator::Cluster(eval),
};

fn eval(c: &Cluster, _: &Options) -> Outcome {
    match c.status.as_deref() {
        Some(s) if s.eq_ignore_ascii_case("FAILED") => {
            Outcome::failed(["status = FAILED".to_owned()])
        }
        _ => Outcome::Passed,
    }
}
