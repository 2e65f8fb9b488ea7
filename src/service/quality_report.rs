//! The quality report: completeness bands, most often missing attributes and failing rules for a
//! channel and locale, read from the quality stored with each product in one streaming pass.

use std::collections::HashMap;

use super::Catalog;
use super::reads::ProductQuery;
use crate::error::{Error, FieldError, Result};
use crate::quality::completeness::{BANDS, Quality, band};
use crate::quality::rules::Severity;
use crate::store;

#[derive(Debug, Clone)]
pub struct ReportFilter {
    pub channel: String,
    pub locale: String,
    pub family: Option<String>,
    pub category: Option<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct QualityReport {
    pub channel: String,
    pub locale: String,
    /// Products with a completeness in the channel and locale (those with a family).
    pub products: u64,
    pub average: f64,
    pub bands: Vec<(&'static str, u64)>,
    pub most_missing: Vec<(String, u64)>,
    /// Rule, severity, products failing it in the channel and locale.
    pub issues: Vec<(String, Severity, u64)>,
}

const PAGE: i64 = 5_000;
const TOP: usize = 20;

impl Catalog {
    pub fn quality_report(&self, f: &ReportFilter) -> Result<QualityReport> {
        let structure = self.structure()?;
        let known = structure
            .channels
            .get(&f.channel)
            .is_some_and(|c| c.locales.contains(&f.locale));
        if !known {
            return Err(Error::field(FieldError::not_found(
                "locale",
                format!("channel {} has no locale {}", f.channel, f.locale),
            )));
        }
        let query = ProductQuery {
            families: f.family.clone().map(|x| vec![x]),
            categories: f.category.clone().map(|x| vec![x]),
            ..ProductQuery::default()
        };
        let filter = self.product_filter_of(&query)?;
        let mut report = QualityReport {
            channel: f.channel.clone(),
            locale: f.locale.clone(),
            products: 0,
            average: 0.0,
            bands: BANDS.iter().map(|(name, _, _)| (*name, 0)).collect(),
            most_missing: Vec::new(),
            issues: Vec::new(),
        };
        let Some(filter) = filter else {
            return Ok(report);
        };
        let mut sum = 0u64;
        let mut missing: HashMap<String, u64> = HashMap::new();
        let mut issues: HashMap<(String, Severity), u64> = HashMap::new();
        let mut after = 0;
        loop {
            let page = self
                .db()
                .read(|conn| store::products::qualities(conn, &filter, after, PAGE))?;
            let Some((last, _)) = page.last() else { break };
            after = *last;
            for (_, text) in &page {
                let quality: Quality = serde_json::from_str(text).unwrap_or_default();
                if let Some(c) = quality.get(&f.channel, &f.locale) {
                    report.products += 1;
                    sum += u64::from(c.ratio);
                    let name = band(c.ratio);
                    if let Some(slot) = report.bands.iter_mut().find(|(b, _)| *b == name) {
                        slot.1 += 1;
                    }
                    for attribute in &c.missing {
                        *missing.entry(attribute.clone()).or_default() += 1;
                    }
                }
                let mut seen: Vec<&str> = Vec::new();
                for issue in quality
                    .issues
                    .iter()
                    .filter(|i| i.channel == f.channel && i.locale == f.locale)
                {
                    if !seen.contains(&issue.rule.as_str()) {
                        seen.push(&issue.rule);
                        *issues
                            .entry((issue.rule.clone(), issue.severity))
                            .or_default() += 1;
                    }
                }
            }
            if (page.len() as i64) < PAGE {
                break;
            }
        }
        if report.products > 0 {
            report.average = (sum as f64 / report.products as f64 * 10.0).round() / 10.0;
        }
        let mut missing: Vec<(String, u64)> = missing.into_iter().collect();
        missing.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
        missing.truncate(TOP);
        report.most_missing = missing;
        let mut issues: Vec<(String, Severity, u64)> =
            issues.into_iter().map(|((r, s), n)| (r, s, n)).collect();
        issues.sort_by(|a, b| b.2.cmp(&a.2).then_with(|| a.0.cmp(&b.0)));
        report.issues = issues;
        Ok(report)
    }
}
