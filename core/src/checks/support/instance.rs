//! What the container instance checks on surroundings share: the ARNs of the EC2 instance and
//! its volumes (related resources) and the verdict when the instance was not read.

use crate::checks::InstanceView;
use crate::finding::{Outcome, Related, Verdict};
use crate::model::instance::Ec2Instance;

impl InstanceView<'_> {
    fn ec2_arn(&self, owner: Option<&str>, kind: &str, id: &str) -> String {
        format!(
            "arn:{}:ec2:{}:{}:{kind}/{id}",
            self.partition,
            self.region,
            owner.unwrap_or(self.account)
        )
    }

    pub(crate) fn instance_related(&self, i: &Ec2Instance) -> Related {
        Related::new(
            "AwsEc2Instance",
            self.ec2_arn(i.owner_id.as_deref(), "instance", i.id()),
        )
    }

    pub(crate) fn volume_related(&self, id: &str) -> Related {
        Related::new("AwsEc2Volume", self.ec2_arn(None, "volume", id))
    }

    /// NOT_AVAILABLE naming the EC2 instance (or saying the container instance names none).
    pub(crate) fn instance_not_read(&self) -> Verdict {
        Verdict::of(Outcome::unknown(match &self.instance.ec2_instance_id {
            Some(id) => format!("not read: EC2 instance {id}"),
            None => "the container instance names no EC2 instance".to_owned(),
        }))
    }
}
