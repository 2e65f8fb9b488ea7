//! Who is calling and what they may do: roles, grants, the permission check every entry point
//! uses, password and token secrets, and the sign-in rate limiter. Pure: no HTTP, no diesel.

mod permission;
mod principal;
mod rate_limit;
mod role;
pub mod secret;

pub use permission::{Action, authorize, authorize_model_patch, authorize_product_patch};
pub use principal::{Credential, Principal};
pub use rate_limit::SignInLimiter;
pub use role::{Grants, Role};
