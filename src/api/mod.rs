//! Entry points over the network: GraphQL and plain HTTP. Thin: they parse, call the catalog
//! service and shape answers.

pub mod graphql;
pub mod http;
