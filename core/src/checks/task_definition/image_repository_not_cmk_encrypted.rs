use crate::checks::support::repositories::RepositoryUse;
use crate::checks::*;
use crate::config::Options;
use crate::finding::{Outcome, Severity, Status, Verdict};

pub static CHECK: Check = Check {
    id: "TD47",
    slug: "image-repository-not-cmk-encrypted",
    title: "The ECR repositories ECS task definitions pull from should be encrypted with a customer managed KMS key",
    severity: Severity::Medium,
    category: Category::Encryption,
    types: &[types::FSBP],
    description: "Security Hub ECR.5 on the repositories of the latest ACTIVE task definitions' images: fails when `encryptionConfiguration.encryptionType` is `AES256`, or `KMS`/`KMS_DSSE` with no key or with an AWS managed key (`aws/ecr`); passes with a customer managed key. Whether the key is customer managed is read from the key (`aws kms describe-key`, `KeyManager`): NOT_AVAILABLE when it was not. As under the control, the key's account is not checked. Encryption cannot be changed after a repository is created.",
    risk: "With AWS owned or AWS managed keys, the account cannot restrict or audit who decrypts the image layers through a key policy, nor revoke access by disabling the key.",
    remediation: Remediation {
        text: "Create a new repository encrypted with a customer managed key, push the images there and point the task definitions at it.",
        cli: "aws ecr create-repository --repository-name web --encryption-configuration encryptionType=KMS,kmsKey=arn:aws:kms:us-east-1:111122223333:key/...",
        cloudformation: "WebRepository:\n  Type: AWS::ECR::Repository\n  Properties:\n    EncryptionConfiguration:\n      EncryptionType: KMS\n      KmsKey: !GetAtt ImagesKey.Arn",
        terraform: "resource \"aws_ecr_repository\" \"web\" {\n  name = \"web\"\n  encryption_configuration {\n    encryption_type = \"KMS\"\n    kms_key         = aws_kms_key.images.arn\n  }\n}",
    },
    references: &[
        "https://docs.aws.amazon.com/securityhub/latest/userguide/ecr-controls.html#ecr-5",
        "https://docs.aws.amazon.com/AmazonECR/latest/userguide/encryption-at-rest.html",
    ],
    compliance: &[
        fsbp("ECR.5"),
        config_rule("ecr-repository-cmk-encryption-enabled"),
        nist("SC-12"),
        nist("SC-28"),
        pci("3.5.1"),
    ],
    status: CheckStatus::Stable,
    enabled_by_default: true,
    revisions: Revisions::LatestActive,
    options: &[],
    examples: &[
        Example {
            name: "customer managed key",
            expect: Status::Passed,
            json: r#"{"files":{"td.json":{"taskDefinition":{"taskDefinitionArn":"arn:aws:ecs:us-east-1:111122223333:task-definition/web:1","family":"web","revision":1,"status":"ACTIVE","containerDefinitions":[{"name":"app","image":"111122223333.dkr.ecr.us-east-1.amazonaws.com/web:1.4"}]}},
"repos.json":{"repositories":[{"registryId":"111122223333","repositoryName":"web","imageTagMutability":"IMMUTABLE","encryptionConfiguration":{"encryptionType":"KMS","kmsKey":"arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab"}}]},
"key.json":{"KeyMetadata":{"KeyId":"1234abcd-12ab-34cd-56ef-1234567890ab","Arn":"arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab","KeyManager":"CUSTOMER","KeyState":"Enabled"}}}}"#,
        },
        Example {
            name: "AES256",
            expect: Status::Failed,
            json: r#"{"files":{"td.json":{"taskDefinition":{"taskDefinitionArn":"arn:aws:ecs:us-east-1:111122223333:task-definition/web:1","family":"web","revision":1,"status":"ACTIVE","containerDefinitions":[{"name":"app","image":"111122223333.dkr.ecr.us-east-1.amazonaws.com/web:1.4"}]}},
"repos.json":{"repositories":[{"registryId":"111122223333","repositoryName":"web","encryptionConfiguration":{"encryptionType":"AES256"}}]}}}"#,
        },
        Example {
            name: "the AWS managed key",
            expect: Status::Failed,
            json: r#"{"files":{"td.json":{"taskDefinition":{"taskDefinitionArn":"arn:aws:ecs:us-east-1:111122223333:task-definition/web:1","family":"web","revision":1,"status":"ACTIVE","containerDefinitions":[{"name":"app","image":"111122223333.dkr.ecr.us-east-1.amazonaws.com/web:1.4"}]}},
"repos.json":{"repositories":[{"registryId":"111122223333","repositoryName":"web","encryptionConfiguration":{"encryptionType":"KMS","kmsKey":"arn:aws:kms:us-east-1:111122223333:key/0000aaaa-12ab-34cd-56ef-1234567890ab"}}]},
"key.json":{"KeyMetadata":{"KeyId":"0000aaaa-12ab-34cd-56ef-1234567890ab","Arn":"arn:aws:kms:us-east-1:111122223333:key/0000aaaa-12ab-34cd-56ef-1234567890ab","KeyManager":"AWS","KeyState":"Enabled"}}}}"#,
        },
        Example {
            name: "key not read",
            expect: Status::NotAvailable,
            json: r#"{"files":{"td.json":{"taskDefinition":{"taskDefinitionArn":"arn:aws:ecs:us-east-1:111122223333:task-definition/web:1","family":"web","revision":1,"status":"ACTIVE","containerDefinitions":[{"name":"app","image":"111122223333.dkr.ecr.us-east-1.amazonaws.com/web:1.4"}]}},
"repos.json":{"repositories":[{"registryId":"111122223333","repositoryName":"web","encryptionConfiguration":{"encryptionType":"KMS","kmsKey":"arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab"}}]}}}"#,
        },
    ],
    evaluator: Evaluator::TaskDefinitionImages(eval),
};

fn eval(v: &ImageView<'_>, _: &Options) -> Verdict {
    v.judge_repositories(judge)
}

fn judge(r: &RepositoryUse<'_>) -> Verdict {
    let Some(repo) = r.repository else {
        return Verdict::of(Outcome::unknown(r.unread.clone().unwrap_or_default()));
    };
    let Some(enc) = &repo.encryption_configuration else {
        return Verdict::of(Outcome::unknown(
            "the repository's encryptionConfiguration was not returned",
        ));
    };
    let kind = enc.encryption_type.as_deref().unwrap_or("AES256");
    if kind.eq_ignore_ascii_case("AES256") {
        return Verdict::of(Outcome::failed([
            "the repository is encrypted with an AWS owned key (AES256), not a customer managed KMS key".to_owned(),
        ]));
    }
    let Some(key) = enc.kms_key.as_deref().filter(|k| !k.is_empty()) else {
        return Verdict::of(Outcome::failed([format!(
            "the repository is encrypted ({kind}) with the AWS managed key aws/ecr"
        )]));
    };
    let related = vec![crate::finding::Related::new("AwsKmsKey", key)];
    match r
        .registry
        .key_metadata(key)
        .and_then(|k| k.key_manager.as_deref())
    {
        Some(m) if m.eq_ignore_ascii_case("CUSTOMER") => Verdict::of(Outcome::Passed),
        Some(m) => Verdict::of(Outcome::failed([format!(
            "the repository's key {key} is not customer managed (KeyManager {m})"
        )]))
        .related(related),
        None => Verdict::of(Outcome::unknown(format!(
            "not read: whether the repository's key {key} is customer managed (aws kms describe-key)"
        ))),
    }
}
