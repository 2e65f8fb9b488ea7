//! Placeholder images for the demo catalog: the fixtures carry no photographs, so `pim demo` draws
//! a flat colour swatch (a disc in the product's colour on a light ground) for each product or
//! product model that holds the family's main image, uploads it like any asset and sets it on the
//! record before the write. Every tenth holder gets a 320×320 swatch, below the 500×500 px the
//! demo's `image_500` quality rule asks for, so the channels show that rule failing on real data.
//! The file names start with `demo-swatch-`, so nobody mistakes them for product photos.

use std::collections::HashMap;
use std::io::Cursor;

use anyhow::Context;
use image::{ImageFormat, Rgb, RgbImage};
use serde_json::Value;

use crate::catalog::values::{ALL_CHANNELS, ALL_LOCALES, get_value, set_value};
use crate::catalog::{Structure, ValueDoc};
use crate::fixtures::ProductsFile;
use crate::service::Catalog;
use crate::store::changes::Origin;

/// Side of the swatches, in pixels: above the 500 px the image rule wants.
const SIZE: u32 = 640;
/// Side of the deliberately small ones.
const SMALL: u32 = 320;
/// One holder in this many gets the small swatch.
const SMALL_EVERY: usize = 10;
/// Colour of products without a colour value.
const NEUTRAL: [u8; 3] = [120, 130, 140];

/// Sets a swatch as the main image of every record that holds it and has none yet.
pub fn attach(
    catalog: &Catalog,
    structure: &Structure,
    products: &mut ProductsFile,
    origin: &Origin,
) -> anyhow::Result<()> {
    let mut uploaded: HashMap<(String, u32), String> = HashMap::new();
    let mut upload = |colour: &str, size: u32| -> anyhow::Result<String> {
        if let Some(hash) = uploaded.get(&(colour.to_string(), size)) {
            return Ok(hash.clone());
        }
        let name = format!("demo-swatch-{colour}-{size}.png");
        let row = catalog
            .upload_asset(&name, &swatch(rgb(colour), size)?, origin)
            .with_context(|| format!("uploading {name}"))?;
        uploaded.insert((colour.to_string(), size), row.hash.clone());
        Ok(row.hash)
    };
    let mut holders = 0;
    let depth: HashMap<String, usize> = products
        .product_models
        .iter()
        .map(|m| (m.code.clone(), usize::from(m.parent.is_some())))
        .collect();
    let variant_of: HashMap<String, String> = products
        .product_models
        .iter()
        .map(|m| (m.code.clone(), m.family_variant.clone()))
        .collect();
    for model in &mut products.product_models {
        let Some((variant, family)) = structure.variant_family(&model.family_variant) else {
            continue;
        };
        let Some(image) = family.image_attribute.clone() else {
            continue;
        };
        let held_here = match model.parent {
            None => variant.common_attributes(family).any(|a| *a == image),
            Some(_) => variant
                .levels
                .first()
                .is_some_and(|l| l.attributes.contains(&image)),
        };
        if held_here {
            give_swatch(&mut model.values, &image, &mut holders, &mut upload)?;
        }
    }
    for product in &mut products.products {
        let Some(family) = product
            .family
            .as_deref()
            .and_then(|f| structure.families.get(f))
        else {
            continue;
        };
        let Some(image) = family.image_attribute.clone() else {
            continue;
        };
        let held_here = match &product.parent {
            None => family.attributes.contains(&image),
            Some(parent) => {
                let level = depth.get(parent).map_or(0, |d| d + 1);
                variant_of
                    .get(parent)
                    .and_then(|v| structure.variant_family(v))
                    .and_then(|(variant, _)| variant.levels.get(level))
                    .is_some_and(|l| l.attributes.contains(&image))
            }
        };
        if held_here {
            give_swatch(&mut product.values, &image, &mut holders, &mut upload)?;
        }
    }
    Ok(())
}

/// Sets the swatch of the record's colour as its image, unless it has one.
fn give_swatch(
    values: &mut ValueDoc,
    image: &str,
    holders: &mut usize,
    upload: &mut impl FnMut(&str, u32) -> anyhow::Result<String>,
) -> anyhow::Result<()> {
    if get_value(values, image, ALL_CHANNELS, ALL_LOCALES).is_some() {
        return Ok(());
    }
    let hash = upload(colour_of(values), size_for(holders))?;
    set_value(
        values,
        image,
        ALL_CHANNELS,
        ALL_LOCALES,
        Some(Value::String(hash)),
    );
    Ok(())
}

fn size_for(holders: &mut usize) -> u32 {
    *holders += 1;
    if *holders % SMALL_EVERY == 0 {
        SMALL
    } else {
        SIZE
    }
}

/// The record's own colour option, if it has one.
fn colour_of(values: &ValueDoc) -> &str {
    get_value(values, "color", ALL_CHANNELS, ALL_LOCALES)
        .and_then(Value::as_str)
        .unwrap_or("neutral")
}

/// The demo's colour options as RGB.
fn rgb(colour: &str) -> [u8; 3] {
    match colour {
        "beige" => [222, 203, 164],
        "black" => [35, 35, 38],
        "blue" => [40, 90, 200],
        "brown" => [120, 75, 40],
        "burgundy" => [128, 20, 45],
        "green" => [50, 150, 70],
        "grey" => [128, 128, 128],
        "light_blue" => [140, 190, 235],
        "multicolor" => [200, 120, 60],
        "natural_wood" => [190, 150, 100],
        "navy" => [25, 35, 90],
        "olive" => [110, 115, 50],
        "orange" => [240, 140, 30],
        "pink" => [240, 150, 180],
        "purple" => [120, 60, 160],
        "red" => [200, 35, 40],
        "silver" => [192, 195, 200],
        "white" => [250, 250, 250],
        "yellow" => [245, 210, 40],
        _ => NEUTRAL,
    }
}

/// A `size`×`size` PNG: a disc of `colour` with a darker rim on a light grey ground.
fn swatch(colour: [u8; 3], size: u32) -> anyhow::Result<Vec<u8>> {
    let centre = size as f32 / 2.0;
    let radius = size as f32 * 0.38;
    let rim = [
        (colour[0] as f32 * 0.7) as u8,
        (colour[1] as f32 * 0.7) as u8,
        (colour[2] as f32 * 0.7) as u8,
    ];
    let image = RgbImage::from_fn(size, size, |x, y| {
        let d = ((x as f32 - centre).powi(2) + (y as f32 - centre).powi(2)).sqrt();
        if d <= radius - 4.0 {
            Rgb(colour)
        } else if d <= radius {
            Rgb(rim)
        } else {
            Rgb([238, 238, 236])
        }
    });
    let mut png = Cursor::new(Vec::new());
    image.write_to(&mut png, ImageFormat::Png)?;
    Ok(png.into_inner())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn swatches_are_pngs_of_the_asked_size() {
        let png = swatch(rgb("red"), SMALL).unwrap();
        let decoded = image::load_from_memory(&png).unwrap();
        assert_eq!((decoded.width(), decoded.height()), (SMALL, SMALL));
        assert_eq!(
            decoded.to_rgb8().get_pixel(SMALL / 2, SMALL / 2).0,
            rgb("red")
        );
        assert_eq!(decoded.to_rgb8().get_pixel(0, 0).0, [238, 238, 236]);
    }

    #[test]
    fn every_tenth_holder_gets_the_small_swatch() {
        let mut holders = 0;
        let sizes: Vec<u32> = (0..20).map(|_| size_for(&mut holders)).collect();
        assert_eq!(sizes.iter().filter(|s| **s == SMALL).count(), 2);
        assert_eq!(sizes[9], SMALL);
    }
}
