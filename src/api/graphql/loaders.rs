//! DataLoaders: a page of products costs a bounded number of queries however deep the selection.

use std::collections::HashMap;
use std::sync::Arc;

use async_graphql::dataloader::{DataLoader, Loader};

use crate::catalog::codes::sku_key;
use crate::service::Catalog;
use crate::store::models::StoredModel;
use crate::store::products::StoredProduct;

pub struct ModelBatch(Arc<Catalog>);
pub struct ProductBatch(Arc<Catalog>);

/// Product models by id, with the models above them.
pub type ModelLoader = DataLoader<ModelBatch>;
/// Products by case-folded SKU.
pub type ProductLoader = DataLoader<ProductBatch>;

pub fn models(catalog: Arc<Catalog>) -> ModelLoader {
    DataLoader::new(ModelBatch(catalog), actix_web::rt::spawn)
}

pub fn products(catalog: Arc<Catalog>) -> ProductLoader {
    DataLoader::new(ProductBatch(catalog), actix_web::rt::spawn)
}

impl Loader<i64> for ModelBatch {
    type Value = StoredModel;
    type Error = Arc<crate::error::Error>;

    async fn load(&self, keys: &[i64]) -> Result<HashMap<i64, StoredModel>, Self::Error> {
        let catalog = self.0.clone();
        let keys = keys.to_vec();
        actix_web::rt::task::spawn_blocking(move || catalog.model_chains(&keys))
            .await
            .map_err(|e| Arc::new(crate::error::Error::Internal(e.to_string())))?
            .map_err(Arc::new)
    }
}

impl Loader<String> for ProductBatch {
    type Value = StoredProduct;
    type Error = Arc<crate::error::Error>;

    async fn load(&self, keys: &[String]) -> Result<HashMap<String, StoredProduct>, Self::Error> {
        let catalog = self.0.clone();
        let keys = keys.to_vec();
        let found = actix_web::rt::task::spawn_blocking(move || catalog.products_by_skus(&keys))
            .await
            .map_err(|e| Arc::new(crate::error::Error::Internal(e.to_string())))?
            .map_err(Arc::new)?;
        Ok(found
            .into_iter()
            .map(|p| (sku_key(&p.product.sku), p))
            .collect())
    }
}
