//! `pim demo`: loads the demo catalog through the one write path, so it is validated and logged
//! like any other change. Running it again changes nothing.

use anyhow::{Context, bail};

use crate::app::AppState;
use crate::catalog::product::{ModelPatch, ProductPatch};
use crate::fixtures;
use crate::service::ItemStatus;
use crate::store::changes::Origin;

pub fn run(state: &AppState) -> anyhow::Result<()> {
    println!("{}", load(state)?);
    Ok(())
}

/// Loads the demo catalog and says what changed.
pub fn load(state: &AppState) -> anyhow::Result<String> {
    let catalog = &state.catalog;
    let origin = Origin::new("system", "demo");
    let structure = fixtures::demo_structure().context("fixtures/demo/structure.json")?;
    let saved = catalog.save_entities(structure.into_entities(), &origin)?;
    let mut products = fixtures::demo_products().context("fixtures/demo/products.json")?;
    let current = catalog.structure()?;
    super::demo_images::attach(catalog, &current, &mut products, &origin)?;
    let models: Vec<ModelPatch> = products.product_models.iter().map(Into::into).collect();
    let model_results = catalog.upsert_models(&models, &origin)?;
    let patches: Vec<ProductPatch> = products.products.iter().map(Into::into).collect();
    // Associations may point at products later in the file: one batch lets them see each other.
    let product_results = catalog.upsert_products(&patches, &origin)?;
    let rejected: Vec<String> = model_results
        .iter()
        .chain(&product_results)
        .filter(|r| r.is_rejected())
        .map(|r| {
            format!(
                "{}: {}",
                r.code,
                r.errors
                    .iter()
                    .map(|e| format!("{} {}", e.field, e.message))
                    .collect::<Vec<_>>()
                    .join("; ")
            )
        })
        .collect();
    if !rejected.is_empty() {
        bail!(
            "the demo catalog has invalid items:\n  {}",
            rejected.join("\n  ")
        );
    }
    let changed = |results: &[crate::service::products::ItemResult]| {
        results
            .iter()
            .filter(|r| matches!(r.status, ItemStatus::Created | ItemStatus::Updated))
            .count()
    };
    let structure_changed = saved
        .iter()
        .filter(|r| r.status != ItemStatus::Unchanged)
        .count();
    Ok(format!(
        "demo catalog loaded into {}: {} structure entities ({} changed), {} product models ({} changed), {} products ({} changed)",
        catalog.db().backend_name(),
        saved.len(),
        structure_changed,
        model_results.len(),
        changed(&model_results),
        product_results.len(),
        changed(&product_results),
    ))
}
