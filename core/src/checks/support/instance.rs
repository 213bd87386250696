//! What the container instance checks on surroundings share: the ARNs of the EC2 instance and
//! its volumes (related resources), the AMI it runs, and the verdict when the instance was not read.

use crate::checks::InstanceView;
use crate::finding::{Outcome, Related, Verdict};
use crate::model::instance::{Ec2Instance, Image};

impl<'a> InstanceView<'a> {
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

    /// The AMI the instance was launched from, with the instance as related resource; else the
    /// verdict: NOT_AVAILABLE when the instance or the AMI was not read, NOT_APPLICABLE (with
    /// `deregistered`) when the AMI no longer exists.
    pub(crate) fn instance_ami(
        &self,
        deregistered: &'static str,
    ) -> Result<(&'a str, &'a Image, Vec<Related>), Verdict> {
        let Some(ec2) = self.ec2 else {
            return Err(self.instance_not_read());
        };
        let related = vec![self.instance_related(ec2)];
        let Some(ami) = ec2.image_id.as_deref() else {
            return Err(Verdict::of(Outcome::unknown(format!(
                "instance {} names no AMI",
                ec2.id()
            ))));
        };
        match self.network.image(ami) {
            None => Err(Verdict::of(Outcome::unknown(format!(
                "not read: AMI {ami}"
            )))),
            Some(None) => Err(Verdict::of(Outcome::na(deregistered))),
            Some(Some(image)) => Ok((ami, image, related)),
        }
    }

    /// NOT_AVAILABLE naming the EC2 instance (or saying the container instance names none).
    pub(crate) fn instance_not_read(&self) -> Verdict {
        Verdict::of(Outcome::unknown(match &self.instance.ec2_instance_id {
            Some(id) => format!("not read: EC2 instance {id}"),
            None => "the container instance names no EC2 instance".to_owned(),
        }))
    }
}
