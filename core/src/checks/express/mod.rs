//! Express Mode checks: ECS Express Mode services, judged on the service resource (an Express
//! service is an ordinary service too, with the same ARN, so the service checks keep applying
//! to it) with what only the Express description says: the ingress paths of the load balancer
//! Express manages, the infrastructure role, the primary container it was created from.
pub mod express_infrastructure_role_administrator;
pub mod express_primary_container_credential;
pub mod express_service_public;
